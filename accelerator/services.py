"""Every write in the accelerator: validate, change, and record it in the audit log."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.models import Cluster, ClusterMembership, User
from siv import audit
from siv.models import AuditAction

from .models import (
    SLOT_SHARING_SIZES,
    BootCampInvitation,
    Buddy,
    Camp,
    Campaign,
    CampCompanyAttendance,
    CampStaffAttendance,
    Company,
    CompanyContact,
    CompanyFinancial,
    CompanyRole,
    CompanyStatus,
    ContactLogEntry,
    DevelopmentSession,
    JobCommitment,
    JobOpening,
    Milestone,
    Programme,
    ProgrammeSlot,
)

# Companies ---------------------------------------------------------------------------------


@transaction.atomic
def company_create(*, by: User, **fields: Any) -> Company:
    return audit.save_and_record(obj=Company(), by=by, changes=fields)


@transaction.atomic
def company_update(
    *, company: Company, by: User, opened: audit.Opened | None = None, **fields: Any
) -> Company:
    """Change a company; `opened` is what the edit form was opened at (a conflict with
    someone else's change meanwhile raises audit.StaleRecord)."""
    return audit.save_and_record(obj=company, by=by, changes=fields, opened=opened)


@transaction.atomic
def company_drop_out(*, company: Company, date: datetime.date, reason: str, by: User) -> Company:
    """Mark the company as dropped out. Its financials, camps and sessions stay as history.

    Moving the citizens' placements to a support company is participants' service.
    """
    if company.status == CompanyStatus.DROPPED_OUT:
        raise ValidationError(_("Virksomheden er allerede frafaldet."))
    if not reason.strip():
        raise ValidationError({"reason": _("Angiv en årsag til frafaldet.")})
    return audit.save_and_record(
        obj=company,
        by=by,
        changes={
            "status": CompanyStatus.DROPPED_OUT,
            "dropped_out_on": date,
            "dropout_reason": reason.strip(),
        },
    )


# Programme and slots -----------------------------------------------------------------------


def slots_used(*, cluster: Cluster, municipality_id: int) -> int:
    return ProgrammeSlot.objects.filter(cluster=cluster, municipality_id=municipality_id).count()


@transaction.atomic
def company_enrol(
    *,
    company: Company,
    cluster: Cluster,
    by: User,
    share_with: Company | None = None,
    invitation: BootCampInvitation | None = None,
) -> Company:
    """Enrol the company in the cluster's programme on a slot of its municipality.

    A new slot counts against ClusterMembership.slots; sharing another small company's slot
    uses none.
    """
    # Lock the membership row so two enrolments cannot both take the last slot.
    membership = (
        ClusterMembership.objects.select_for_update()
        .filter(cluster=cluster, municipality_id=company.municipality_id)
        .first()
    )
    if membership is None:
        raise ValidationError(
            _("%(municipality)s er ikke med i %(cluster)s.")
            % {"municipality": company.municipality, "cluster": cluster}
        )
    if company.role != CompanyRole.ACCELERATOR:
        raise ValidationError(_("Kun acceleratorvirksomheder kan optages i programmet."))
    if company.status != CompanyStatus.ACTIVE:
        raise ValidationError(_("En frafaldet virksomhed kan ikke optages."))
    if company.slot_id is not None:
        raise ValidationError(_("Virksomheden er allerede optaget i programmet."))

    if share_with is not None:
        slot = _shared_slot(company=company, share_with=share_with, cluster=cluster)
    else:
        used = slots_used(cluster=cluster, municipality_id=company.municipality_id)
        if used >= membership.slots:
            raise ValidationError(
                _(
                    "Alle %(slots)s pladser for %(municipality)s i %(cluster)s er brugt. "
                    "Del en plads med en anden lille virksomhed, eller udvid antallet af pladser."
                )
                % {
                    "slots": membership.slots,
                    "municipality": company.municipality,
                    "cluster": cluster,
                }
            )
        slot = ProgrammeSlot.objects.create(
            cluster=cluster, municipality_id=company.municipality_id
        )

    audit.save_and_record(
        obj=company,
        by=by,
        changes={
            "slot": slot,
            "enrolled_cluster": cluster,
            "entry_year": cluster.start_year if company.entry_year is None else company.entry_year,
        },
    )
    if invitation is not None:
        audit.save_and_record(obj=invitation, by=by, changes={"selected": True})
    return company


def _shared_slot(*, company: Company, share_with: Company, cluster: Cluster) -> ProgrammeSlot:
    slot = share_with.slot
    if slot is None or slot.cluster_id != cluster.pk:
        raise ValidationError(
            _("%(other)s har ingen plads i %(cluster)s at dele.")
            % {"other": share_with, "cluster": cluster}
        )
    if slot.municipality_id != company.municipality_id:
        raise ValidationError(_("Kun virksomheder i samme kommune kan dele en plads."))
    if company.size not in SLOT_SHARING_SIZES or share_with.size not in SLOT_SHARING_SIZES:
        raise ValidationError(_("Kun to mikro- eller små virksomheder kan dele en plads."))
    if slot.companies.count() >= 2:
        raise ValidationError(_("Pladsen deles allerede af to virksomheder."))
    return slot


@transaction.atomic
def programme_set_start(*, cluster: Cluster, start: datetime.date, by: User) -> Programme:
    programme = Programme.objects.filter(cluster=cluster).first()
    return audit.save_and_record(
        obj=programme or Programme(cluster=cluster), by=by, changes={"start": start}
    )


# Records on a company ----------------------------------------------------------------------


def _lock(company: Company) -> None:
    """Serialise writes to one company's yearly rows, so two saves of a year cannot collide."""
    Company.objects.select_for_update().filter(pk=company.pk).first()


@transaction.atomic
def financial_set(
    *,
    company: Company,
    year: int,
    revenue: Decimal | None,
    ebitda: Decimal | None,
    full_time_employees: Decimal | None,
    by: User,
) -> CompanyFinancial:
    """Record (or correct) the company's figures for one year."""
    _lock(company)
    existing = CompanyFinancial.objects.filter(company=company, year=year).first()
    values = {"revenue": revenue, "ebitda": ebitda, "full_time_employees": full_time_employees}
    return audit.save_and_record(
        obj=existing or CompanyFinancial(company=company, year=year), by=by, changes=values
    )


@transaction.atomic
def contact_add(*, company: Company, by: User, **fields: Any) -> CompanyContact:
    return audit.save_and_record(obj=CompanyContact(company=company), by=by, changes=fields)


@transaction.atomic
def buddy_add(*, company: Company, by: User, **fields: Any) -> Buddy:
    return audit.save_and_record(obj=Buddy(company=company), by=by, changes=fields)


MILESTONE_EXISTS = "milestone_exists"


def _check_milestone_dates(done_on: datetime.date | None) -> None:
    if done_on is not None and done_on > timezone.localdate():
        raise ValidationError(
            {"done_on": _("En milepæl kan ikke være nået på en dato, der ikke er kommet endnu.")}
        )


@transaction.atomic
def milestone_add(
    *,
    company: Company,
    kind: str,
    due_on: datetime.date | None,
    done_on: datetime.date | None,
    note: str = "",
    by: User,
) -> Milestone:
    """Plan a milestone of the company's social model, or record one already reached.

    A company has one milestone of each kind: adding a kind it has is refused (the user
    edits that one instead), so a deadline is never overwritten unseen.
    """
    _lock(company)
    existing = Milestone.objects.filter(company=company, kind=kind).first()
    if existing is not None:
        raise ValidationError(
            {
                "kind": ValidationError(
                    _(
                        "Virksomheden har allerede milepælen '%(kind)s'. "
                        "Ret den eksisterende i stedet."
                    ),
                    code=MILESTONE_EXISTS,
                    params={"kind": existing.get_kind_display()},
                )
            }
        )
    _check_milestone_dates(done_on)
    return audit.save_and_record(
        obj=Milestone(company=company, kind=kind),
        by=by,
        changes={"due_on": due_on, "done_on": done_on, "note": note},
    )


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, by: User, opened: audit.Opened | None = None, **fields: Any
) -> Milestone:
    """Change a milestone's deadline, the day it was reached or its note (its kind stays);
    `opened` is the version the edit form was opened at (audit.StaleRecord on a conflict)."""
    unknown = set(fields) - {"due_on", "done_on", "note"}
    if unknown:
        raise ValidationError(_("Kun frist, dato for nået og bemærkning kan rettes."))
    _check_milestone_dates(fields.get("done_on"))
    return audit.save_and_record(obj=milestone, by=by, changes=fields, opened=opened)


@transaction.atomic
def commitment_add(*, company: Company, by: User, **fields: Any) -> JobCommitment:
    return audit.save_and_record(obj=JobCommitment(company=company), by=by, changes=fields)


OPENING_FIELDS = frozenset(
    {"title", "positions", "hours_per_week", "kind", "starts_on", "status", "description"}
)


@transaction.atomic
def opening_add(*, company: Company, by: User, **fields: Any) -> JobOpening:
    """Register a job opening the company has committed to; a dropped-out company has none."""
    if company.is_dropped_out:
        raise ValidationError(_("En frafaldet virksomhed kan ikke få nye jobåbninger."))
    return audit.save_and_record(obj=JobOpening(company=company), by=by, changes=fields)


@transaction.atomic
def opening_update(
    *, opening: JobOpening, by: User, opened: audit.Opened | None = None, **fields: Any
) -> JobOpening:
    """Change an opening (filled, closed, other hours); `opened` is the version the edit form
    was opened at (audit.StaleRecord on a conflict)."""
    if set(fields) - OPENING_FIELDS:
        raise ValidationError(_("Kun jobåbningens egne felter kan rettes."))
    return audit.save_and_record(obj=opening, by=by, changes=fields, opened=opened)


@transaction.atomic
def contact_log_add(
    *,
    company: Company,
    date: datetime.date,
    channel: str,
    subject: str,
    summary: str = "",
    follow_up_on: datetime.date | None = None,
    by: User,
) -> ContactLogEntry:
    """Note a contact with the company in its history, under the user and their organisation.

    An entry records what happened: it cannot be dated ahead, and a follow-up comes after it.
    """
    if date > timezone.localdate():
        raise ValidationError(
            {"date": _("En kontakt kan ikke registreres på en dato, der ikke er kommet endnu.")}
        )
    if follow_up_on is not None and follow_up_on < date:
        raise ValidationError({"follow_up_on": _("Opfølgningen kan ikke ligge før kontakten.")})
    return audit.save_and_record(
        obj=ContactLogEntry(company=company, author=by, organisation_id=by.organisation_id),
        by=by,
        changes={
            "date": date,
            "channel": channel,
            "subject": subject.strip(),
            "summary": summary.strip(),
            "follow_up_on": follow_up_on,
        },
    )


@transaction.atomic
def session_add(*, company: Company, by: User, **fields: Any) -> DevelopmentSession:
    fields.setdefault("developer", company.business_developer or by)
    return audit.save_and_record(obj=DevelopmentSession(company=company), by=by, changes=fields)


@transaction.atomic
def record_update(*, obj: models.Model, by: User, **fields: Any) -> models.Model:
    """Correct a row on a company (a contact, a buddy's training date, a commitment …)."""
    return audit.save_and_record(obj=obj, by=by, changes=fields)


def record_delete(*, obj: models.Model, by: User) -> None:
    audit.delete_and_record(obj=obj, by=by, details={"company": obj.company_id})


# Recruitment -------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(*, by: User, **fields: Any) -> Campaign:
    return audit.save_and_record(obj=Campaign(), by=by, changes=fields)


@transaction.atomic
def campaign_invite(
    *, campaign: Campaign, company: Company, invited_on: datetime.date, by: User
) -> BootCampInvitation:
    if BootCampInvitation.objects.filter(campaign=campaign, company=company).exists():
        raise ValidationError(_("Virksomheden er allerede inviteret til denne boot camp."))
    return audit.save_and_record(
        obj=BootCampInvitation(campaign=campaign, company=company),
        by=by,
        changes={"invited_on": invited_on},
    )


@transaction.atomic
def boot_camp_register_attendance(
    *, campaign: Campaign, attended_ids: Iterable[int], by: User
) -> int:
    """Set who attended the boot camp; returns how many invitations changed."""
    attended = set(attended_ids)
    changed = 0
    for invitation in campaign.invitations.select_for_update():
        now = invitation.pk in attended
        if invitation.attended != now:
            invitation.attended = now
            invitation.save(update_fields=["attended"])
            changed += 1
    audit.record(
        AuditAction.CHANGE,
        actor=by,
        obj=campaign,
        details={"boot_camp_attendance": sorted(attended), "changed": changed},
    )
    return changed


# Camps -------------------------------------------------------------------------------------


@transaction.atomic
def camp_create(*, by: User, **fields: Any) -> Camp:
    return audit.save_and_record(obj=Camp(), by=by, changes=fields)


@transaction.atomic
def camp_update(*, camp: Camp, by: User, **fields: Any) -> Camp:
    """Change a camp. One with attendance registered has taken place: it cannot be moved to
    a day that has not come, nor cancelled, while the attendance stands."""
    date = fields.get("date", camp.date)
    cancelled = fields.get("cancelled", camp.cancelled)
    not_held = cancelled or (date is not None and date > timezone.localdate())
    if not_held and (camp.company_attendance.exists() or camp.staff_attendance.exists()):
        field = "cancelled" if cancelled else "date"
        raise ValidationError(
            {
                field: _(
                    "Der er registreret fremmøde til denne camp, så den er afholdt. "
                    "Fjern fremmødet først, hvis den ikke blev afholdt."
                )
            }
        )
    return audit.save_and_record(obj=camp, by=by, changes=fields)


@transaction.atomic
def camp_register_attendance(
    *, camp: Camp, companies: Iterable[Company], staff: Iterable[User], by: User
) -> Camp:
    """Replace the camp's attendance list with these companies and staff members.

    Only a camp that has taken place has attendance: its day has come (Danish time) and it
    was not cancelled.
    """
    company_ids = {c.pk for c in companies}
    staff_ids = {u.pk for u in staff}
    # Clearing a list is always allowed (rows stored before this rule may need it).
    if company_ids or staff_ids:
        if camp.cancelled:
            raise ValidationError(_("Camp er aflyst, så der kan ikke registreres fremmøde."))
        if camp.date > timezone.localdate():
            raise ValidationError(
                _("Camp er ikke afholdt endnu. Fremmøde kan registreres fra %(date)s.")
                % {"date": camp.date.strftime("%d.%m.%Y")}
            )
    camp.company_attendance.exclude(company_id__in=company_ids).delete()
    camp.staff_attendance.exclude(user_id__in=staff_ids).delete()
    CampCompanyAttendance.objects.bulk_create(
        [CampCompanyAttendance(camp=camp, company_id=pk) for pk in company_ids],
        ignore_conflicts=True,
    )
    CampStaffAttendance.objects.bulk_create(
        [CampStaffAttendance(camp=camp, user_id=pk) for pk in staff_ids], ignore_conflicts=True
    )
    audit.record(
        AuditAction.CHANGE,
        actor=by,
        obj=camp,
        details={"companies": sorted(company_ids), "staff": sorted(staff_ids)},
    )
    return camp
