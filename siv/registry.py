"""Extension points that let each app add to the shared layout without siv knowing it.

Apps register in their AppConfig.ready(): menu entries and start-page panels, each shown to
the users holding its permission (siv/permissions.py).
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


NAV: list[NavItem] = []
PANELS: list[Panel] = []


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


def nav_for(user) -> list[NavItem]:
    return [item for item in NAV if has_perm(user, item.permission)]


def panels_for(user) -> list[Panel]:
    return [panel for panel in PANELS if has_perm(user, panel.permission)]
