"""Every write in partnerships: validate, change, and log it in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from axes.utils import reset as axes_reset
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from siv import audit, registry
from siv.models import AuditAction, WebAuthnDevice
from siv.sessions import end_sessions

from .models import (
    Cluster,
    ClusterMembership,
    CollaborationEvaluation,
    GrowthPartnership,
    Municipality,
    Organisation,
    PartnerPlanEntry,
    PartnershipMeeting,
    SteeringGroupMeeting,
    User,
)

# Clusters and their municipalities


@transaction.atomic
def cluster_save(
    *, by: User, number: int, start_year: int, cluster: Cluster | None = None
) -> Cluster:
    return audit.save_and_record(
        obj=cluster or Cluster(), by=by, changes={"number": number, "start_year": start_year}
    )


@transaction.atomic
def membership_save(
    *,
    by: User,
    cluster: Cluster,
    municipality: Municipality,
    slots: int,
    declaration_signed: date | None,
    places_per_slot: int | None = None,
    membership: ClusterMembership | None = None,
) -> ClusterMembership:
    """A municipality's company slots in a cluster and the citizen places each carries
    (left as they are when not given; a new membership has the planned 8)."""
    changes = {
        "municipality": municipality,
        "slots": slots,
        "declaration_signed": declaration_signed,
    }
    if places_per_slot is not None:
        changes["places_per_slot"] = places_per_slot
    return audit.save_and_record(
        obj=membership or ClusterMembership(cluster=cluster), by=by, changes=changes
    )


# Organisations


@transaction.atomic
def organisation_save(
    *,
    by: User,
    kind: str,
    name: str,
    municipality: Municipality | None,
    organisation: Organisation | None = None,
) -> Organisation:
    return audit.save_and_record(
        obj=organisation or Organisation(),
        by=by,
        changes={"kind": kind, "name": name, "municipality": municipality},
    )


# Growth partnerships


@transaction.atomic
def partnership_save(
    *,
    by: User,
    name: str,
    municipality: Municipality,
    cluster: Cluster,
    partners: Iterable[Organisation],
    terms_of_reference: str = "",
    facilitation_start: date | None = None,
    jobcentre_contact: str = "",
    single_point_of_contact: Organisation | None = None,
    partnership: GrowthPartnership | None = None,
    opened: audit.Opened | None = None,
) -> GrowthPartnership:
    """Create or change a growth partnership; `opened` is what the edit form was opened at
    (a conflict with someone else's change meanwhile raises audit.StaleRecord)."""
    return audit.save_and_record(
        obj=partnership or GrowthPartnership(),
        by=by,
        changes={
            "name": name,
            "municipality": municipality,
            "cluster": cluster,
            "terms_of_reference": terms_of_reference,
            "facilitation_start": facilitation_start,
            "jobcentre_contact": jobcentre_contact,
            "single_point_of_contact": single_point_of_contact,
        },
        m2m={"partners": list(partners)},
        opened=opened,
    )


@transaction.atomic
def plan_entry_save(
    *,
    by: User,
    partnership: GrowthPartnership,
    organisation: Organisation,
    needs: str,
    wishes: str,
) -> PartnerPlanEntry:
    """One partner's needs and wishes; saving again for the same partner updates the entry."""
    entry = PartnerPlanEntry.objects.filter(
        partnership=partnership, organisation=organisation
    ).first() or PartnerPlanEntry(partnership=partnership, organisation=organisation)
    return audit.save_and_record(obj=entry, by=by, changes={"needs": needs, "wishes": wishes})


@transaction.atomic
def partnership_meeting_save(
    *,
    by: User,
    partnership: GrowthPartnership,
    date: date,
    notes: str,
    meeting: PartnershipMeeting | None = None,
) -> PartnershipMeeting:
    return audit.save_and_record(
        obj=meeting or PartnershipMeeting(partnership=partnership),
        by=by,
        changes={"date": date, "notes": notes},
    )


def partnership_meeting_delete(*, by: User, meeting: PartnershipMeeting) -> None:
    audit.delete_and_record(obj=meeting, by=by, details={"date": str(meeting.date)})


# Steering group


@transaction.atomic
def steering_meeting_save(
    *,
    by: User,
    date: date,
    place: str,
    attendees: str,
    minutes: str,
    attending_municipalities: Iterable[Municipality],
    meeting: SteeringGroupMeeting | None = None,
) -> SteeringGroupMeeting:
    return audit.save_and_record(
        obj=meeting or SteeringGroupMeeting(),
        by=by,
        changes={"date": date, "place": place, "attendees": attendees, "minutes": minutes},
        m2m={"attending_municipalities": list(attending_municipalities)},
    )


def steering_meeting_delete(*, by: User, meeting: SteeringGroupMeeting) -> None:
    audit.delete_and_record(obj=meeting, by=by, details={"date": str(meeting.date)})


# Collaboration-agreement evaluations


@transaction.atomic
def evaluation_save(
    *,
    by: User,
    partnership: GrowthPartnership,
    organisation: Organisation,
    year: int,
    answers: Mapping[str, Mapping[str, str]],
    evaluation: CollaborationEvaluation | None = None,
) -> CollaborationEvaluation:
    return audit.save_and_record(
        obj=evaluation or CollaborationEvaluation(partnership=partnership),
        by=by,
        changes={"organisation": organisation, "year": year, "answers": dict(answers)},
    )


# Users (the administrator's)


@transaction.atomic
def user_create(
    *,
    by: User,
    username: str,
    role: str,
    organisation: Organisation | None,
    municipality: Municipality | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
) -> User:
    """A new member of staff, without a password: they set one with a link an administrator
    issues (siv/passwords.py); nobody else ever knows it."""
    user = User()
    user.set_unusable_password()
    return audit.save_and_record(
        obj=user,
        by=by,
        changes={
            "username": username,
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "phone": phone,
            "role": role,
            "organisation": organisation,
            "municipality": municipality,
        },
    )


@transaction.atomic
def user_update(
    *,
    by: User,
    user: User,
    role: str,
    organisation: Organisation | None,
    municipality: Municipality | None,
    first_name: str,
    last_name: str,
    email: str,
    phone: str = "",
) -> User:
    """A changed role takes effect on the user's next request: roles are read per request."""
    return audit.save_and_record(
        obj=user,
        by=by,
        changes={
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "phone": phone,
            "role": role,
            "organisation": organisation,
            "municipality": municipality,
        },
    )


@transaction.atomic
def user_set_active(*, by: User, user: User, active: bool) -> User:
    """Deactivating signs the user out everywhere at once; accounts are never deleted."""
    if not active and user.pk == by.pk:
        raise ValidationError(_("Du kan ikke deaktivere dig selv."))
    user = audit.save_and_record(obj=user, by=by, changes={"is_active": active})
    if not active:
        ended = end_sessions(user)
        audit.record(AuditAction.CHANGE, actor=by, obj=user, details={"sessions_ended": ended})
    return user


@transaction.atomic
def user_reset_lockout(*, by: User, user: User) -> int:
    """Lift a lockout after failed sign-ins. Returns the number of attempt records cleared."""
    cleared = axes_reset(username=user.username)
    audit.record(AuditAction.CHANGE, actor=by, obj=user, details={"lockout_reset": cleared})
    return cleared


@transaction.atomic
def user_reset_second_factor(*, by: User, user: User) -> int:
    """Remove the user's TOTP devices and security keys: at the next sign-in they set up a
    new one. Whoever
    held the second factor may hold the rest: the user's sessions end and the credentials
    other apps handed out (API tokens) are revoked."""
    deleted, _by_model = TOTPDevice.objects.filter(user=user).delete()
    keys, _by_model = WebAuthnDevice.objects.filter(user=user).delete()
    ended = end_sessions(user)
    registry.revoke_credentials(user=user, by=by)
    audit.record(
        AuditAction.CHANGE,
        actor=by,
        obj=user,
        details={"totp_reset": deleted, "security_keys_removed": keys, "sessions_ended": ended},
    )
    return deleted
