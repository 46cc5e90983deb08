"""What the handover and bulk actions read: the citizens a user may act on, and who and
what a form may offer."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from participants.track.models import Citizen, ExitForm
from partnerships.models import GrowthPartnership, Municipality, Organisation, OrganisationKind
from partnerships.models import User as UserModel
from siv.roles import Role


def citizens_in_reach(user: Any) -> QuerySet[Citizen]:
    """The citizens whose assignment or pauses `user` may change in bulk: a caseworker's
    (written) scope, and for the municipal lead and the controller the citizens they read
    (their municipality's, and every one), since moving and pausing many is their call."""
    if user.role == Role.CASEWORKER:
        return Citizen.objects.for_user(user, write=True)
    if user.role in (Role.MUNICIPAL_LEAD, Role.CONTROLLER):
        return Citizen.objects.for_user(user)
    return Citizen.objects.none()


def municipalities_for(user: Any) -> QuerySet[Municipality]:
    """The municipalities a bulk action may be aimed at: the user's own, or all of them
    for the controller."""
    if user.role == Role.CONTROLLER:
        return Municipality.objects.order_by("name")
    return Municipality.objects.filter(pk=user.municipality_id)


def partnerships_for(user: Any) -> QuerySet[GrowthPartnership]:
    return GrowthPartnership.objects.for_user(user).filter(
        municipality__in=municipalities_for(user)
    )


def caseworkers_for(user: Any, *, active: bool = True) -> QuerySet[UserModel]:
    """The caseworkers of the user's municipality (the jobcentre); with active=False also
    those whose account is closed (a caseworker who left hands over nothing herself)."""
    caseworkers = UserModel.objects.filter(
        role=Role.CASEWORKER, municipality_id=user.municipality_id
    ).order_by("first_name", "last_name", "username")
    return caseworkers.filter(is_active=True) if active else caseworkers


def employment_actors() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.EMPLOYMENT_ACTOR).order_by("name")


def caseworker_citizens(user: Any, caseworker: UserModel) -> QuerySet[Citizen]:
    """The citizens a handover moves: every citizen of the caseworker's, including those
    who have left (the follow-ups stay with the caseworker)."""
    return citizens_in_reach(user).filter(caseworker=caseworker)


def actor_citizens(
    user: Any, municipality: Municipality, actor: Organisation, today: date
) -> QuerySet[Citizen]:
    """The citizens a move between actors takes: the actor's citizens of the municipality
    still in the programme. Those who have left stay with the actor who followed them."""
    return (
        citizens_in_reach(user)
        .filter(municipality=municipality, employment_actor=actor)
        .left_as_of(today, left=False)
    )


def pause_citizens(
    user: Any,
    start: date,
    end: date,
    today: date,
    *,
    municipality: Municipality | None = None,
    partnership: GrowthPartnership | None = None,
) -> QuerySet[Citizen]:
    """The active citizens a bulk pause takes: phase 1 started by the pause's start and not
    left by then, in the municipality or the partnership. A citizen who left after the
    period's end is not taken (after an exit the track takes no new pause); one who left
    within it is, and the pause is refused for them."""
    citizens = citizens_in_reach(user).filter(phase1_start__lte=start)
    if partnership is not None:
        citizens = citizens.filter(partnership=partnership)
    else:
        citizens = citizens.filter(municipality=municipality)
    left_after = ExitForm.objects.last_as_of(today).filter(
        citizen=OuterRef("pk"), exit_date__gt=end
    )
    return citizens.left_as_of(start, left=False).exclude(Exists(left_after))
