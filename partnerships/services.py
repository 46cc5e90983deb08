"""Every write in partnerships: validate, change, and log it in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from axes.utils import reset as axes_reset
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from siv import audit, registry
from siv.models import AuditAction, Decision, WebAuthnDevice
from siv.permissions import has_perm
from siv.roles import Role
from siv.sessions import end_sessions

from .models import (
    AdminGrant,
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
    issues (siv/passwords.py); nobody else ever knows it. Asked to be an administrator, they
    start without a role and an administrator's approval is asked for
    (`admin_grant_propose`)."""
    user = User()
    user.set_unusable_password()
    user = audit.save_and_record(
        obj=user,
        by=by,
        changes={
            "username": username,
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "phone": phone,
            "role": "" if role == Role.ADMIN else role,
            "organisation": organisation,
            "municipality": municipality,
        },
    )
    if role == Role.ADMIN:
        admin_grant_propose(by=by, user=user)
    return user


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
    """A changed role takes effect on the user's next request: roles are read per request.
    The administrator role is not given here: it is proposed, for a second administrator to
    approve, and the user keeps the role they have until then."""
    # A bound form has set the role on `user` already: what counts is the stored one.
    stored_role = User.objects.values_list("role", flat=True).get(pk=user.pk)
    becomes_admin = role == Role.ADMIN and stored_role != Role.ADMIN
    if becomes_admin:
        role = stored_role
    user = audit.save_and_record(
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
    if becomes_admin and not user.admin_grants.filter(status=Decision.PENDING).exists():
        admin_grant_propose(by=by, user=user)
    return user


def _require_admin(by: User) -> None:
    if not has_perm(by, "users.manage"):
        raise ValidationError(_("Kun en administrator kan give administratorrollen."))


def admin_grant_propose(*, by: User, user: User) -> AdminGrant:
    """Ask a second administrator to make `user` administrator; nothing changes until then."""
    _require_admin(by)
    if user.pk == by.pk:
        raise ValidationError(_("Du kan ikke foreslå dig selv som administrator."))
    if user.role == Role.ADMIN:
        raise ValidationError(_("Brugeren er allerede administrator."))
    if user.admin_grants.filter(status=Decision.PENDING).exists():
        raise ValidationError(_("Der venter allerede et forslag om administratorrollen."))
    return audit.save_and_record(obj=AdminGrant(), by=by, changes={"user": user, "proposed_by": by})


def _grant_for_decision(grant: AdminGrant, by: User) -> AdminGrant:
    """The grant, locked, when `by` may decide it: an administrator other than the one who
    proposed it and the user it is about, while it is pending."""
    _require_admin(by)
    grant = AdminGrant.objects.select_for_update().select_related("user").get(pk=grant.pk)
    if grant.status != Decision.PENDING:
        raise ValidationError(
            _("Forslaget er allerede behandlet: %(status)s af %(user)s.")
            % {"status": grant.get_status_display().lower(), "user": grant.decided_by}
        )
    if by.pk in (grant.proposed_by_id, grant.user_id):
        raise ValidationError(
            _("En anden administrator end den, der foreslog det, skal godkende forslaget.")
        )
    return grant


def _grant_decided(grant: AdminGrant, by: User, status: str) -> AdminGrant:
    changes = {"status": status, "decided_by": by, "decided_at": timezone.now()}
    return audit.save_and_record(obj=grant, by=by, changes=changes)


@transaction.atomic
def admin_grant_approve(*, by: User, grant: AdminGrant) -> User:
    """Make the user administrator, as a second administrator approves it."""
    grant = _grant_for_decision(grant, by)
    _grant_decided(grant, by, Decision.APPROVED)
    return audit.save_and_record(
        obj=grant.user, by=by, changes={"role": Role.ADMIN}, details={"admin_grant": grant.pk}
    )


@transaction.atomic
def admin_grant_reject(*, by: User, grant: AdminGrant) -> AdminGrant:
    """Turn the proposal down; the user keeps their role."""
    return _grant_decided(_grant_for_decision(grant, by), by, Decision.REJECTED)


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
