"""Reads for the accelerator screens: always scoped to the user, aggregated in the database.

Commitments against what happened: JobCommitment holds openings, hours per week and a due
date. The placements and hires that fulfil them are citizens' data and live in participants/,
which imports this app (never the other way); participants' selectors compare the two.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from partnerships.models import Cluster, ClusterMembership, User
from siv.permissions import has_perm
from siv.roles import MUNICIPAL_ROLES

from .models import (
    Camp,
    Campaign,
    Company,
    CompanyFinancial,
    CompanyRole,
    ContactLogEntry,
    DevelopmentSession,
    JobCommitment,
    JobOpening,
    Milestone,
)

# Milestones due within this many days show on the developer's start page.
MILESTONE_HORIZON_DAYS = 30


def clusters_for_user(user) -> QuerySet[Cluster]:
    """The clusters whose programme the user may follow."""
    if has_perm(user, "recruitment.run"):
        return Cluster.objects.all()
    if has_perm(user, "programme.view"):  # the municipalities: their own clusters
        return Cluster.objects.filter(memberships__municipality=user.municipality_id).distinct()
    return Cluster.objects.none()


def invitable_companies(*, campaign: Campaign, user) -> QuerySet[Company]:
    """Accelerator candidates in the campaign's municipality that are not invited yet."""
    return (
        Company.objects.for_user(user)
        .filter(municipality_id=campaign.municipality_id, role=CompanyRole.ACCELERATOR)
        .exclude(invitations__campaign=campaign)
    )


def can_write(model, obj, user) -> bool:
    """Whether the user may change this object (its model's write scope)."""
    return model.objects.for_user(user, write=True).filter(pk=obj.pk).exists()


def company_list(*, user) -> QuerySet[Company]:
    return (
        Company.objects.for_user(user)
        .select_related("municipality", "enrolled_cluster", "business_developer")
        .annotate(
            # distinct: some scopes join partnerships, which would repeat a company's rows.
            open_milestones=Count(
                "milestones", filter=Q(milestones__done_on__isnull=True), distinct=True
            ),
        )
        .order_by("name", "pk")
    )


def company_growth(company: Company) -> bool | None:
    """C02 for one company: True/False, or None while a needed year's EBITDA is missing."""
    if company.entry_year is None:
        return None
    figures = dict(
        CompanyFinancial.objects.filter(
            company=company,
            year__in=[company.entry_year, company.entry_year + 2],
            ebitda__isnull=False,
        ).values_list("year", "ebitda")
    )
    return ebitda_grew(figures.get(company.entry_year), figures.get(company.entry_year + 2))


def ebitda_grew(entry: Decimal | None, after: Decimal | None) -> bool | None:
    """C02's rule: growth only when EBITDA two years on is strictly higher; unknown if missing."""
    if entry is None or after is None:
        return None
    return after > entry


def company_summary(company: Company) -> dict[str, Any]:
    """Counts for the company page (a subquery: joining would multiply rows)."""
    sessions = DevelopmentSession.objects.filter(company=OuterRef("pk")).values("company")
    return (
        Company.objects.filter(pk=company.pk)
        .annotate(session_hours=Subquery(sessions.annotate(total=Sum("hours")).values("total")))
        .values("session_hours")
        .get()
    )


def company_camps(company: Company, *, user) -> QuerySet[Camp]:
    """The camps the company attended, each with `visible` (the user may open the camp).

    The company page counts and lists the same rows, so the two always agree."""
    return (
        Camp.objects.filter(company_attendance__company=company)
        .annotate(visible=Exists(Camp.objects.for_user(user).filter(pk=OuterRef("pk"))))
        .order_by("-date", "pk")
    )


def commitments_total(company: Company) -> dict[str, Any]:
    return JobCommitment.objects.filter(company=company).aggregate(
        total_openings=Sum("openings"), weekly_hours=Sum(F("openings") * F("hours_per_week"))
    )


def opening_list(*, user) -> QuerySet[JobOpening]:
    """The job openings of the companies the user sees, soonest first."""
    return (
        JobOpening.objects.for_user(user)
        .select_related("company__municipality")
        .order_by("starts_on", "company__name", "pk")
    )


def contact_log(company: Company, *, user) -> QuerySet[ContactLogEntry]:
    """The company's contact history as the user may read it, newest first."""
    return (
        ContactLogEntry.objects.for_user(user)
        .filter(company=company)
        .select_related("author", "organisation")
        .order_by("-date", "-pk")
    )


def support_companies(*, user) -> QuerySet[Company]:
    """Active support companies the user can see, to take over placements after a dropout."""
    return Company.objects.for_user(user).support().select_related("municipality")


def enrolment_partners(*, company: Company, user) -> QuerySet[Company]:
    """Companies whose slot this company could share (same municipality, one on the slot)."""
    return (
        Company.objects.for_user(user)
        .filter(municipality_id=company.municipality_id, slot__isnull=False)
        .exclude(pk=company.pk)
        .annotate(on_slot=Count("slot__companies", distinct=True))
        .filter(on_slot__lt=2)
        .select_related("enrolled_cluster")
    )


def slot_usage(*, cluster) -> QuerySet[ClusterMembership]:
    """Per municipality in the cluster: slots, slots used and companies enrolled."""
    return (
        ClusterMembership.objects.filter(cluster=cluster)
        .select_related("municipality")
        .annotate(
            used=Count(
                "municipality__programme_slots",
                filter=Q(municipality__programme_slots__cluster=cluster),
                distinct=True,
            ),
            enrolled=Count(
                "municipality__companies",
                filter=Q(municipality__companies__enrolled_cluster=cluster),
                distinct=True,
            ),
        )
        .order_by("municipality__name")
    )


def camp_list(*, user) -> QuerySet[Camp]:
    return (
        Camp.objects.for_user(user)
        .select_related("cluster")
        .annotate(
            companies_attended=Count("company_attendance", distinct=True),
            staff_attended=Count("staff_attendance", distinct=True),
        )
        .order_by("-date", "pk")
    )


def next_camp(*, user, today: datetime.date | None = None) -> Camp | None:
    today = today or timezone.localdate()
    return (
        Camp.objects.for_user(user)
        .filter(date__gte=today, cancelled=False)
        .select_related("cluster")
        .order_by("date", "pk")
        .first()
    )


def camp_attendees(camp: Camp, *, user) -> QuerySet[Company]:
    """The companies that attended the camp, each with `visible` (the user may open it).

    The one answer to who attended: the camp page counts and lists these, the camp list
    counts the same rows, and the attendance form has them ticked."""
    return (
        _attended(camp)
        .annotate(visible=Exists(Company.objects.for_user(user).filter(pk=OuterRef("pk"))))
        .order_by("name", "pk")
    )


def _attended(camp: Camp) -> QuerySet[Company]:
    return Company.objects.filter(camp_attendance__camp=camp)


def camp_attendance_choices(camp: Camp) -> tuple[QuerySet[Company], QuerySet[User]]:
    """Who can attend: the programme's companies, and municipal staff of its municipalities,
    with those already registered (whatever their programme) so none is dropped unseen."""
    companies = Company.objects.filter(
        Q(enrolled_cluster=camp.cluster) | Q(pk__in=_attended(camp).values("pk"))
    ).order_by("name", "pk")
    staff = (
        User.objects.filter(
            Q(
                role__in=MUNICIPAL_ROLES,
                is_active=True,
                municipality__memberships__cluster=camp.cluster,
            )
            | Q(camp_attendance__camp=camp)
        )
        .distinct()
        .select_related("municipality")
        .order_by("municipality__name", "first_name", "last_name")
    )
    return companies, staff


def campaign_list(*, user) -> QuerySet[Campaign]:
    return (
        Campaign.objects.for_user(user)
        .select_related("municipality", "cluster")
        .annotate(
            invited=Count("invitations", distinct=True),
            attended=Count("invitations", filter=Q(invitations__attended=True), distinct=True),
            selected=Count("invitations", filter=Q(invitations__selected=True), distinct=True),
        )
        .order_by("-started_on", "pk")
    )


def developer_panel(*, user, today: datetime.date | None = None) -> dict[str, Any]:
    """The business developer's start page: my companies, milestones due, the next camp."""
    today = today or timezone.localdate()
    companies = company_list(user=user).filter(business_developer=user)
    milestones = (
        Milestone.objects.for_user(user)
        .open()
        .filter(
            company__business_developer=user,
            due_on__lte=today + datetime.timedelta(days=MILESTONE_HORIZON_DAYS),
        )
        .select_related("company")
        .order_by("due_on", "pk")[:10]
    )
    return {
        "companies": companies[:10],
        "company_count": companies.count(),
        "milestones_due": milestones,
        "next_camp": next_camp(user=user, today=today),
        "today": today,
    }


def company_contact_panel(*, user) -> dict[str, Any]:
    """A company contact's start page: their company, its buddies and its job commitments."""
    company = (
        Company.objects.for_user(user)
        .annotate(
            buddy_count=Count("buddies", distinct=True),
            trained_buddies=Count(
                "buddies", filter=Q(buddies__trained_on__isnull=False), distinct=True
            ),
        )
        .first()
    )
    commitments = (
        JobCommitment.objects.for_user(user).filter(company=company).order_by("due_on")
        if company
        else JobCommitment.objects.none()
    )
    return {"company": company, "commitments": commitments}
