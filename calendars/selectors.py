"""What a user's calendar holds: the camps, boot camps and meetings they see in the app, and
the deadlines of their role. Each kind is read in one query, scoped as on its screen.

No event carries a citizen's name or CPR number (the feed is read without a sign-in): the
titles are those of camps, campaigns, partnerships and companies, and fixed texts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accelerator.models import Camp, Campaign, Milestone
from participants.models import ExitForm
from participants.track.models import REVISITATION_DEADLINE_DAYS
from partnerships.models import GrowthPartnership, PartnershipMeeting, SteeringGroupMeeting
from siv.permissions import has_perm

# How far back and ahead the feed reaches: a year of history, two years of plans.
MONTHS_BACK = 12
MONTHS_AHEAD = 24


@dataclass(frozen=True)
class Event:
    """An all-day event (the app keeps dates, not times); `end` is the last day."""

    uid: str
    title: str
    start: datetime.date
    end: datetime.date
    place: str = ""


def events_for(user, *, today: datetime.date | None = None) -> list[Event]:
    today = today or timezone.localdate()
    first, last = (
        today - relativedelta(months=MONTHS_BACK),
        today + relativedelta(months=MONTHS_AHEAD),
    )
    events = [
        *_camps(user, first, last),
        *_boot_camps(user, first, last),
        *_steering_meetings(user, first, last),
        *_partnership_meetings(user, first, last),
        *_milestone_deadlines(user, first, last),
        *_half_year_ends(user, first, last),
        *_revisitation_deadlines(user, first, last, today),
    ]
    return sorted(events, key=lambda event: (event.start, event.uid))


def _camps(user, first, last) -> list[Event]:
    camps = Camp.objects.for_user(user).filter(cancelled=False, date__range=(first, last))
    return [
        Event(f"camp-{c.pk}", _("Camp: %(title)s") % {"title": c.title}, c.date, c.date, c.place)
        for c in camps.order_by("date", "pk")
    ]


def _boot_camps(user, first, last) -> list[Event]:
    campaigns = Campaign.objects.for_user(user).filter(boot_camp_date__range=(first, last))
    return [
        Event(
            f"bootcamp-{c.pk}",
            _("Boot camp: %(title)s") % {"title": c.title},
            c.boot_camp_date,
            c.boot_camp_end,
            c.boot_camp_place,
        )
        for c in campaigns.order_by("boot_camp_date", "pk")
    ]


def _steering_meetings(user, first, last) -> list[Event]:
    meetings = SteeringGroupMeeting.objects.for_user(user).filter(date__range=(first, last))
    return [
        Event(f"steering-{m.pk}", _("Styregruppemøde"), m.date, m.date, m.place)
        for m in meetings.order_by("date", "pk")
    ]


def _partnership_meetings(user, first, last) -> list[Event]:
    meetings = PartnershipMeeting.objects.filter(
        partnership__in=GrowthPartnership.objects.for_user(user), date__range=(first, last)
    ).select_related("partnership")
    return [
        Event(
            f"partnership-meeting-{m.pk}",
            _("Partnerskabsmøde: %(partnership)s") % {"partnership": m.partnership.name},
            m.date,
            m.date,
        )
        for m in meetings.order_by("date", "pk")
    ]


def _milestone_deadlines(user, first, last) -> list[Event]:
    """A business developer's open milestones on their own companies, on their due day."""
    if not has_perm(user, "companies.developer"):
        return []
    milestones = (
        Milestone.objects.for_user(user)
        .open()
        .filter(company__business_developer=user, due_on__range=(first, last))
        .select_related("company")
    )
    return [
        Event(
            f"milestone-{m.pk}",
            _("Frist: %(milestone)s, %(company)s")
            % {"milestone": m.get_kind_display(), "company": m.company.name},
            m.due_on,
            m.due_on,
        )
        for m in milestones.order_by("due_on", "pk")
    ]


def _half_year_ends(user, first, last) -> list[Event]:
    """The last day of each half-year, the period the reports to Erhvervsstyrelsen cover."""
    if not has_perm(user, "reports.programme"):
        return []
    ends = [
        datetime.date(year, month, day)
        for year in range(first.year, last.year + 1)
        for month, day in ((6, 30), (12, 31))
    ]
    return [
        Event(
            f"half-year-{end:%Y%m%d}",
            _("Halvåret slutter: halvårsrapport til Erhvervsstyrelsen"),
            end,
            end,
        )
        for end in ends
        if first <= end <= last
    ]


def _revisitation_deadlines(user, first, last, today) -> list[Event]:
    """The days by which open places must be re-visited (4 weeks after an early exit), as a
    number of places per day: the citizens who left are not named."""
    if not has_perm(user, "revisitations.view"):
        return []
    waiting = timedelta(days=REVISITATION_DEADLINE_DAYS)
    per_exit_date = (
        ExitForm.objects.for_user(user)
        .places_open(today)
        .filter(exit_date__range=(first - waiting, last - waiting))
        .order_by()
        .values("exit_date")
        .annotate(places=Count("pk"))
    )
    events = []
    for row in per_exit_date.order_by("exit_date"):
        deadline = row["exit_date"] + waiting
        title = ngettext(
            "Genvisitering: frist for %(places)s ledig plads",
            "Genvisitering: frist for %(places)s ledige pladser",
            row["places"],
        ) % {"places": row["places"]}
        events.append(Event(f"revisitation-{deadline:%Y%m%d}", title, deadline, deadline))
    return events
