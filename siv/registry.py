"""Extension points that let each app add to the shared layout without siv knowing it.

Apps register in their AppConfig.ready(): menu entries (by role) and start-page panels.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    roles: frozenset[str]
    order: int = 100
    icon: str = ""


@dataclass(frozen=True)
class Panel:
    """A block on a role's start page. `context(request)` returns the template context."""

    template: str
    roles: frozenset[str]
    context: Callable[[Any], dict] = field(default=lambda request: {})
    order: int = 100


NAV: list[NavItem] = []
PANELS: list[Panel] = []


def register_nav(label, url_name: str, roles, *, order: int = 100, icon: str = "") -> None:
    NAV.append(NavItem(label, url_name, frozenset(roles), order, icon))
    NAV.sort(key=lambda item: item.order)


def register_panel(template: str, roles, context=None, *, order: int = 100) -> None:
    PANELS.append(Panel(template, frozenset(roles), context or (lambda request: {}), order))
    PANELS.sort(key=lambda panel: panel.order)


def nav_for(user) -> list[NavItem]:
    role = getattr(user, "role", "")
    return [item for item in NAV if role in item.roles]


def panels_for(user) -> list[Panel]:
    role = getattr(user, "role", "")
    return [panel for panel in PANELS if role in panel.roles]
