"""ISO weeks as Danish staff count them, shared by the track, the hours and the placements."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _


def week_monday(day: date) -> date:
    # Most days asked about are Mondays already (an upload's thousands of cells).
    weekday = day.weekday()
    return day - timedelta(days=weekday) if weekday else day


# ISO weeks are written `2024-W07`. The years are bounded so that the weeks on either side of
# any week still exist in the calendar.
ISO_WEEK_RE = re.compile(r"(\d{4})-W(\d{1,2})", re.IGNORECASE)


ISO_WEEK_YEARS = range(1900, 3000)


def iso_week_label(day: date) -> str:
    """The ISO week `day` lies in, written `2024-W07`."""
    year, week, _day = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_iso_week(text: str) -> date:
    """The Monday of the ISO week written `2024-W07`; a ValueError in Danish if it is none."""
    match = ISO_WEEK_RE.fullmatch(text.strip())
    if match and int(match[1]) in ISO_WEEK_YEARS:
        try:
            return date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            pass  # a week number the year does not have
    raise ValueError(_("Ugen skal skrives som ISO-uge, fx 2024-W07."))
