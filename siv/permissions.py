"""The permission vocabulary: what each role may open and do, in one table.

Views, the API, templates, the navigation and the start page ask a named permission
(`citizens.view`, `hours.write`, ...), never a role: `@permission_required(...)` on function
views, `PermissionRequiredMixin` on class views, `HasPermission` in the API, the `may`
template filter, and `register_nav`/`register_panel`. The permission-matrix tests read the
same table. A page the user's role may not open answers 404, as a foreign object does.

Which rows a permitted user then sees is the business of row scoping
(`Model.objects.for_user(user)` in siv/access.py), not of this table.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from .access import has_role
from .roles import MUNICIPAL_ROLES, Role

EVERYONE = frozenset(Role)
PROGRAMME_MANAGERS = frozenset({Role.CONTROLLER, Role.ADMIN})
FUND_AND_ADMIN = frozenset({Role.BUSINESS_DEVELOPER, *PROGRAMME_MANAGERS})
CITIZEN_READERS = frozenset({*MUNICIPAL_ROLES, Role.EMPLOYMENT_ACTOR, *PROGRAMME_MANAGERS})
CITIZEN_WRITERS = frozenset({Role.CASEWORKER, Role.EMPLOYMENT_ACTOR, Role.ADMIN})
CPR_READERS = frozenset({Role.CASEWORKER, Role.EMPLOYMENT_ACTOR})
REPORT_READERS = frozenset({*PROGRAMME_MANAGERS, Role.MUNICIPAL_LEAD})

PERMISSIONS: dict[str, frozenset[str]] = {
    # --- The audit log ---
    "audit.view": PROGRAMME_MANAGERS,
    # --- Partnerships: programme structure, organisations, users ---
    "partnerships.view": EVERYONE,
    "partnerships.manage": PROGRAMME_MANAGERS,
    "steering.view": frozenset({*PROGRAMME_MANAGERS, Role.BUSINESS_DEVELOPER, Role.MUNICIPAL_LEAD}),
    "users.manage": frozenset({Role.ADMIN}),
    # --- Participants: citizens, their track, visitation, hours ---
    "citizens.view": CITIZEN_READERS,
    "citizens.write": CITIZEN_WRITERS,
    # Hand a citizen to another employment actor or caseworker (the municipality's call).
    "citizens.assign": frozenset({Role.CASEWORKER, Role.ADMIN}),
    # Hand a caseworker's citizens to a colleague in the same jobcentre: the caseworker
    # their own, the municipal lead any caseworker's in the municipality.
    "citizens.handover": MUNICIPAL_ROLES,
    # Move citizens between employment actors, pause a municipality's or partnership's
    # citizens for a period: the municipal project lead (their municipality) and the fund's
    # project controller (any).
    "citizens.bulk": frozenset({Role.MUNICIPAL_LEAD, Role.CONTROLLER}),
    # May be chosen as a citizen's caseworker.
    "citizens.caseworker": frozenset({Role.CASEWORKER}),
    # Name instead of the pseudonym (the fund's controller sees pseudonyms only).
    "citizens.name": frozenset({*MUNICIPAL_ROLES, Role.EMPLOYMENT_ACTOR, Role.ADMIN}),
    "citizens.cpr_masked": frozenset({*CPR_READERS, Role.ADMIN}),
    "citizens.cpr_reveal": CPR_READERS,
    "citizens.sensitive_notes": CPR_READERS,
    "citizens.lookups_export": frozenset({Role.CASEWORKER}),
    "visitations.propose": frozenset({Role.CASEWORKER}),
    "visitations.review": frozenset({Role.EMPLOYMENT_ACTOR}),
    "visitations.match_meeting": CPR_READERS,
    "revisitations.view": frozenset({*MUNICIPAL_ROLES, *PROGRAMME_MANAGERS}),
    # The employment actor's own week: the hours grid and the spreadsheet upload.
    "hours.actor_week": frozenset({Role.EMPLOYMENT_ACTOR}),
    "hours.write": CITIZEN_WRITERS,
    # Re-categorise a citizen's hours between kinds (approved, DOMAIN.md 'Project economy'):
    # the controller, who answers for the co-financing statement.
    "hours.recategorise": frozenset({Role.CONTROLLER}),
    "placements.view": frozenset({*CITIZEN_READERS, Role.COMPANY_CONTACT}),
    "privacy.manage": frozenset({Role.CASEWORKER}),
    # The stored rows that break a track rule, for the citizens the user sees: the fund and
    # the municipal lead to follow up, the caseworker and the actor to fix them.
    "data_quality.view": frozenset({*PROGRAMME_MANAGERS, *MUNICIPAL_ROLES, Role.EMPLOYMENT_ACTOR}),
    # --- Accelerator: companies, programmes, campaigns, camps ---
    "companies.view": EVERYONE,
    "companies.write": FUND_AND_ADMIN,
    "companies.manage": PROGRAMME_MANAGERS,
    # May be chosen as a company's business developer.
    "companies.developer": frozenset({Role.BUSINESS_DEVELOPER}),
    "programme.view": frozenset({*FUND_AND_ADMIN, *MUNICIPAL_ROLES}),
    "recruitment.run": FUND_AND_ADMIN,
    # The company's contact log: kept by the jobcentre, the actors and the fund's developers;
    # the company's own contact person does not read what is noted about the company.
    "company_log.view": frozenset({*MUNICIPAL_ROLES, Role.EMPLOYMENT_ACTOR, *FUND_AND_ADMIN}),
    "company_log.write": frozenset(
        {*MUNICIPAL_ROLES, Role.EMPLOYMENT_ACTOR, Role.BUSINESS_DEVELOPER}
    ),
    # The job openings of the companies in the user's scope, to match citizens against.
    "openings.view": frozenset({*MUNICIPAL_ROLES, Role.EMPLOYMENT_ACTOR, *FUND_AND_ADMIN}),
    # --- Payment by results ---
    "ledger.view": REPORT_READERS,
    "ledger.write": frozenset({Role.CONTROLLER}),
    # --- Project economy: budgets and expenses (a municipal lead reads their own partner's) ---
    "economy.view": REPORT_READERS,
    "economy.write": frozenset({Role.CONTROLLER}),
    # --- Reporting ---
    "reports.view": REPORT_READERS,
    "reports.write": PROGRAMME_MANAGERS,
    # The whole programme's figures in any scope (the others see their municipality's).
    "reports.programme": PROGRAMME_MANAGERS,
    # --- Start-page panels ---
    "start.municipality": MUNICIPAL_ROLES,
    "start.partner": frozenset({Role.EMPLOYMENT_ACTOR, Role.COMPANY_CONTACT}),
    "start.administration": frozenset({Role.ADMIN}),
    "start.actor": frozenset({Role.EMPLOYMENT_ACTOR}),
    "start.caseworker": frozenset({Role.CASEWORKER}),
    "start.data_quality": frozenset({Role.CASEWORKER, Role.EMPLOYMENT_ACTOR}),
    "start.worklists": frozenset({Role.CASEWORKER, Role.EMPLOYMENT_ACTOR}),
    "start.developer": frozenset({Role.BUSINESS_DEVELOPER}),
    "start.company_contact": frozenset({Role.COMPANY_CONTACT}),
    "start.ledger": frozenset({Role.CONTROLLER, Role.MUNICIPAL_LEAD}),
    "start.programme_reports": PROGRAMME_MANAGERS,
    "start.municipality_reports": frozenset({Role.MUNICIPAL_LEAD}),
    # --- Reminders: everyone's own inbox and mail preference ---
    "reminders.view": EVERYONE,
    # --- The API: a user's own tokens ---
    "api.tokens": EVERYONE,
    # --- The user's own calendar feed (camps, meetings, deadlines) ---
    "calendar.feed": EVERYONE,
}


def roles_with(permission: str) -> frozenset[str]:
    """The roles holding a permission; an unknown name is a KeyError, never silence."""
    return PERMISSIONS[permission]


def has_perm(user: Any, permission: str) -> bool:
    """True for an active, signed-in user whose role holds the permission."""
    roles = roles_with(permission)
    return has_role(user) and user.role in roles


def require_perm(user: Any, permission: str) -> None:
    """Http404 unless the user holds the permission: a page the role may not open is not
    found, as a foreign object is."""
    if not has_perm(user, permission):
        raise Http404


def permission_required(permission: str) -> Callable:
    """Decorate a function view: 404 unless the user holds the permission."""
    roles_with(permission)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            require_perm(request.user, permission)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class PermissionRequiredMixin:
    """For class views: `permission = "reports.view"`; 404 unless the user holds it."""

    permission: str

    def dispatch(self, request, *args, **kwargs):
        require_perm(request.user, self.permission)
        return super().dispatch(request, *args, **kwargs)


class HasPermission(BasePermission):
    """For the API: the view's `permission` (and its `write_permission` for a POST, when it
    has one) must be held; otherwise 404, as on the screens.

    Listed after IsAuthenticated, so a request without a token still answers 401."""

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        permission = view.permission
        if request.method == "POST":
            permission = getattr(view, "write_permission", None) or permission
        if not has_perm(request.user, permission):
            raise NotFound
        return True
