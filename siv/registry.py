"""Extension points that let each app add to the shared layout without siv knowing it.

Apps register in their AppConfig.ready(): menu entries, start-page panels, and links and
sections on another app's record page (a citizen's page linking to its privacy page, the
company page showing its placements' counts), each shown to the users holding its permission
(siv/permissions.py). A lower app's page shows the links and sections that higher apps
registered for it, without importing them.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from .permissions import has_perm, roles_with

# The menu's areas, in the order they stand; a role sees only the areas it has entries in.
NAV_GROUPS = {
    "citizens": _("Borgere"),
    "companies": _("Virksomheder"),
    "partnerships": _("Partnerskaber"),
    "economy": _("Økonomi"),
    "reports": _("Rapporter"),
    "admin": _("Administration"),
}


@dataclass(frozen=True)
class NavItem:
    label: Any
    url_name: str
    permission: str
    group: str
    order: int = 100
    icon: str = ""


@dataclass(frozen=True)
class NavGroup:
    """One area of the menu: a single entry is a plain link, several are a dropdown."""

    key: str
    label: Any
    items: tuple[NavItem, ...]


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
    label, url_name: str, permission: str, *, group: str, order: int = 100, icon: str = ""
) -> None:
    roles_with(permission)  # an unknown permission fails at start-up, not on a page
    if group not in NAV_GROUPS:
        raise KeyError(f"Unknown menu area {group!r}: one of {', '.join(NAV_GROUPS)}")
    NAV.append(NavItem(label, url_name, permission, group, order, icon))
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


@dataclass(frozen=True)
class RecordSection:
    """A block that a higher app adds to a record's page (a model, by its label), below the
    page's own content. `context(request, obj)` returns the template's context; the page
    has already fetched the record through its scope."""

    model: str
    template: str
    permission: str
    context: Callable[[Any, Any], dict]
    order: int = 100


RECORD_SECTIONS: list[RecordSection] = []


def register_record_section(
    model: str, template: str, permission: str, context: Callable[[Any, Any], dict], *, order=100
) -> None:
    roles_with(permission)
    if any(s.model == model and s.template == template for s in RECORD_SECTIONS):
        return  # registered once, however often an app's ready() runs
    RECORD_SECTIONS.append(RecordSection(model, template, permission, context, order))
    RECORD_SECTIONS.sort(key=lambda section: section.order)


def record_sections_for(request, obj) -> list[dict]:
    """The sections registered for the record's page that the user may see, with their
    context, ready for `{% include section.template %}`."""
    label = obj._meta.label_lower
    return [
        {"template": section.template, **section.context(request, obj)}
        for section in RECORD_SECTIONS
        if section.model == label and has_perm(request.user, section.permission)
    ]


def record_links_for(user, obj) -> list[RecordLink]:
    label = obj._meta.label_lower
    return [
        link for link in RECORD_LINKS if link.model == label and has_perm(user, link.permission)
    ]


def nav_for(user) -> list[NavItem]:
    return [item for item in NAV if has_perm(user, item.permission)]


def nav_groups_for(user) -> list[NavGroup]:
    items = nav_for(user)
    groups = [
        NavGroup(key, label, tuple(item for item in items if item.group == key))
        for key, label in NAV_GROUPS.items()
    ]
    return [group for group in groups if group.items]


@dataclass(frozen=True)
class MenuEntry:
    """A menu entry as a page shows it: its address, and whether it is the page shown."""

    label: Any
    url: str
    icon: str
    current: bool


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: Any
    entries: tuple[MenuEntry, ...]

    @property
    def current(self) -> bool:
        """Whether the page shown is one of the area's entries."""
        return any(entry.current for entry in self.entries)


def menu_for(user, path: str) -> list[MenuGroup]:
    """The user's menu (nav_groups_for()) for the page at `path`: each entry's address
    reversed once per request."""
    from django.urls import reverse

    menu = []
    for group in nav_groups_for(user):
        entries = []
        for item in group.items:
            url = reverse(item.url_name)
            entries.append(MenuEntry(item.label, url, item.icon, url == path))
        menu.append(MenuGroup(group.key, group.label, tuple(entries)))
    return menu


def panels_for(user) -> list[Panel]:
    return [panel for panel in PANELS if has_perm(user, panel.permission)]


# Sections of the user's own account page (the API tokens, from the API app): each a Panel,
# shown to the users holding its permission.
ACCOUNT_SECTIONS: list[Panel] = []


def register_account_section(
    template: str, permission: str, context=None, *, order: int = 100
) -> None:
    roles_with(permission)
    ACCOUNT_SECTIONS.append(Panel(template, permission, context or (lambda request: {}), order))
    ACCOUNT_SECTIONS.sort(key=lambda section: section.order)


def account_sections_for(user) -> list[Panel]:
    return [section for section in ACCOUNT_SECTIONS if has_perm(user, section.permission)]


# What else must go when a user's credentials are reset (a second factor reset by an
# administrator): revoke(user=, by=) of each app that hands out credentials of its own (the
# API app's tokens). Called inside the reset's transaction.
CREDENTIAL_REVOKERS: list[Callable[..., Any]] = []


def register_credential_revoker(revoke: Callable[..., Any]) -> None:
    CREDENTIAL_REVOKERS.append(revoke)


def revoke_credentials(*, user, by) -> None:
    for revoke in CREDENTIAL_REVOKERS:
        revoke(user=user, by=by)


# What else goes when a citizen's personal data are removed (privacy's anonymisation):
# erase(citizen=) of each app that keeps personal data of its own about a citizen (the
# documents app's files). Called inside the anonymisation's transaction.
PERSONAL_DATA_ERASERS: list[Callable[..., Any]] = []


def register_personal_data_eraser(erase: Callable[..., Any]) -> None:
    PERSONAL_DATA_ERASERS.append(erase)


def erase_personal_data(*, citizen) -> None:
    for erase in PERSONAL_DATA_ERASERS:
        erase(citizen=citizen)


# What else an access request (art. 15, privacy's export) shows about a citizen: rows(citizen)
# of each app that keeps personal data of its own about a citizen (the documents app's list of
# documents), as plain data under the section's title.
PERSONAL_DATA_EXPORTS: dict[str, Callable[[Any], list[dict[str, Any]]]] = {}


def register_personal_data_export(title: str, rows: Callable[[Any], list[dict[str, Any]]]) -> None:
    PERSONAL_DATA_EXPORTS[title] = rows


def export_personal_data(*, citizen) -> dict[str, list[dict[str, Any]]]:
    return {title: rows(citizen) for title, rows in PERSONAL_DATA_EXPORTS.items()}


@dataclass(frozen=True)
class ReportedPeriod:
    """A report already made for a period (a progress statement, a final report): a fact
    dated inside the period is one of its figures. `start` None: counted from the start."""

    kind: str
    start: date | None
    end: date
    created: datetime

    def label(self) -> str:
        start = f"{self.start:%d.%m.%Y}" if self.start else "–"
        return f"{self.kind} {start}–{self.end:%d.%m.%Y}"


# Finders of the reports made for a citizen's figures: finder(citizen, days) returns the
# reported periods that contain one of the days (the reporting app registers one).
REPORTED_PERIOD_FINDERS: list[Callable[[Any, Collection[date]], list[ReportedPeriod]]] = []


def register_reported_periods(
    finder: Callable[[Any, Collection[date]], list[ReportedPeriod]],
) -> None:
    REPORTED_PERIOD_FINDERS.append(finder)


def reported_periods(citizen, days: Collection[date]) -> list[ReportedPeriod]:
    """The reports made for a period containing one of the days, in the citizen's scope."""
    if not days:
        return []
    found = [period for finder in REPORTED_PERIOD_FINDERS for period in finder(citizen, days)]
    return sorted(found, key=lambda p: (p.end, p.kind, p.created))


# Parts of a report that a higher app fills (the project economy under the progress
# statement's headings 2, 6 and 7): provider(params) returns context for the report's
# template, which includes the app's partials where they belong.
REPORT_CONTEXTS: dict[str, list[Callable[[Any], dict]]] = {}


def register_report_context(kind: str, provider: Callable[[Any], dict]) -> None:
    REPORT_CONTEXTS.setdefault(kind, []).append(provider)


def report_context(kind: str, params: Any) -> dict:
    """The context every app registered for a report of this kind and period."""
    context: dict = {}
    for provider in REPORT_CONTEXTS.get(kind, []):
        context |= provider(params)
    return context
