"""Extension points that let each app add to the shared layout without siv knowing it.

Apps register in their AppConfig.ready(): menu entries, start-page panels and links from
another app's record page (a citizen's page linking to its privacy page), each shown to the
users holding its permission (siv/permissions.py). A lower app's page shows the links that
higher apps registered for it, without importing them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .permissions import has_perm, roles_with


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    permission: str
    order: int = 100
    icon: str = ""


@dataclass(frozen=True)
class Panel:
    """A block on the start page. `context(request)` returns the template context."""

    template: str
    permission: str
    context: Callable[[Any], dict] = field(default=lambda request: {})
    order: int = 100


@dataclass(frozen=True)
class RecordLink:
    """A link from a record's page (a model, by its label) to a page of another app that
    takes the record's id."""

    model: str
    label: Any
    url_name: str
    permission: str
    icon: str = ""


NAV: list[NavItem] = []
PANELS: list[Panel] = []
RECORD_LINKS: list[RecordLink] = []


def register_nav(
    label, url_name: str, permission: str, *, order: int = 100, icon: str = ""
) -> None:
    roles_with(permission)  # an unknown permission fails at start-up, not on a page
    NAV.append(NavItem(label, url_name, permission, order, icon))
    NAV.sort(key=lambda item: item.order)


def register_panel(template: str, permission: str, context=None, *, order: int = 100) -> None:
    roles_with(permission)
    PANELS.append(Panel(template, permission, context or (lambda request: {}), order))
    PANELS.sort(key=lambda panel: panel.order)


def register_record_link(
    model: str, label, url_name: str, permission: str, *, icon: str = ""
) -> None:
    roles_with(permission)
    RECORD_LINKS.append(RecordLink(model, label, url_name, permission, icon))


def record_links_for(user, obj) -> list[RecordLink]:
    label = obj._meta.label_lower
    return [
        link for link in RECORD_LINKS if link.model == label and has_perm(user, link.permission)
    ]


def nav_for(user) -> list[NavItem]:
    return [item for item in NAV if has_perm(user, item.permission)]


def panels_for(user) -> list[Panel]:
    return [panel for panel in PANELS if has_perm(user, panel.permission)]
