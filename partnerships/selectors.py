"""Scoped, annotated reads for partnerships' screens and start-page panels."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from siv.models import Decision

from .models import (
    AdminGrant,
    Cluster,
    ClusterMembership,
    CollaborationEvaluation,
    GrowthPartnership,
    Municipality,
    Organisation,
    PartnerPlanEntry,
    SteeringGroupMeeting,
    User,
)


def partnership_list(*, user) -> QuerySet[GrowthPartnership]:
    return (
        GrowthPartnership.objects.for_user(user)
        .select_related("municipality__region", "cluster")
        .annotate(partner_count=Count("partners", distinct=True))
        .order_by("municipality__name", "name")
    )


def partnership_detail_context(*, partnership: GrowthPartnership) -> dict:
    return {
        "partners": partnership.partners.order_by("kind", "name"),
        "plan_entries": PartnerPlanEntry.objects.filter(partnership=partnership)
        .select_related("organisation")
        .order_by("organisation__name"),
        "meetings": partnership.meetings.order_by("-date"),
        "evaluations": CollaborationEvaluation.objects.filter(partnership=partnership)
        .select_related("organisation")
        .order_by("-year", "organisation__name"),
    }


def cluster_list(*, user) -> QuerySet[Cluster]:
    return (
        Cluster.objects.for_user(user)
        .annotate(
            municipality_count=Count("memberships", distinct=True),
            slot_total=Sum("memberships__slots"),
            place_total=Sum(F("memberships__slots") * F("memberships__places_per_slot")),
        )
        .order_by("number")
    )


def cluster_memberships(*, cluster: Cluster) -> QuerySet[ClusterMembership]:
    return cluster.memberships.select_related("municipality__region").order_by("municipality__name")


def organisation_list(*, user) -> QuerySet[Organisation]:
    return (
        Organisation.objects.for_user(user)
        .select_related("municipality")
        .annotate(user_count=Count("users", distinct=True))
        .order_by("name")
    )


def steering_meeting_list(*, user) -> QuerySet[SteeringGroupMeeting]:
    return (
        SteeringGroupMeeting.objects.for_user(user)
        .annotate(municipality_count=Count("attending_municipalities", distinct=True))
        .order_by("-date")
    )


def cluster_municipalities_not_represented(
    *, meeting: SteeringGroupMeeting
) -> dict[Cluster, list[Municipality]]:
    """Per cluster: its municipalities that sent nobody to the meeting (only clusters that
    had at least one municipality there, so the list is about the clusters the meeting was for)."""
    attending = set(meeting.attending_municipalities.values_list("pk", flat=True))
    memberships = ClusterMembership.objects.select_related("cluster", "municipality").order_by(
        "cluster__number", "municipality__name"
    )
    by_cluster: dict[Cluster, list[ClusterMembership]] = {}
    for membership in memberships:
        by_cluster.setdefault(membership.cluster, []).append(membership)
    return {
        cluster: [m.municipality for m in members if m.municipality_id not in attending]
        for cluster, members in by_cluster.items()
        if any(m.municipality_id in attending for m in members)
    }


def locked_out_usernames() -> QuerySet:
    cutoff = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=cutoff
    ).values("username")


def user_list(*, user) -> QuerySet[User]:
    return (
        User.objects.for_user(user)
        .select_related("organisation", "municipality")
        .annotate(locked_out=Exists(locked_out_usernames().filter(username=OuterRef("username"))))
        .order_by("username")
    )


def pending_admin_grants(*, user) -> QuerySet[AdminGrant]:
    """The proposals to make someone administrator that wait for a second administrator."""
    return (
        AdminGrant.objects.filter(
            status=Decision.PENDING, user__in=User.objects.for_user(user, write=True)
        )
        .select_related("user", "proposed_by")
        .order_by("proposed_at", "id")
    )


# Start-page panels


def municipality_panel(*, user) -> dict:
    memberships = (
        ClusterMembership.objects.filter(municipality_id=user.municipality_id)
        .select_related("cluster", "municipality")
        .order_by("cluster__number")
    )
    return {
        "memberships": memberships,
        "partnerships": partnership_list(user=user),
    }


def steering_panel(*, user) -> dict:
    today = timezone.localdate()
    meetings = SteeringGroupMeeting.objects.for_user(user)
    return {
        "next_meeting": meetings.filter(date__gte=today).order_by("date").first(),
        "last_meeting": meetings.filter(date__lt=today).order_by("-date").first(),
        "clusters": cluster_list(user=user),
    }


def admin_panel(*, user) -> dict:
    users = User.objects.for_user(user)
    counts = users.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=Q(is_active=True)),
        without_role=Count("pk", filter=Q(role="")),
    )
    counts["locked"] = users.filter(username__in=locked_out_usernames()).count()
    counts["admin_grants"] = pending_admin_grants(user=user).count()
    return counts


def partner_panel(*, user) -> dict:
    return {"partnerships": partnership_list(user=user)}
