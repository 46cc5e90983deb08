"""The writes of `make bench` through the real HTTP endpoints: each form is fetched as a
browser would (its CSRF token, its hidden fields), changed, and posted; only the post is
timed. Each write is valid, and what it changed is put back afterwards, so the next
measurement (and the next run) finds the data as seeded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from participants.common import iso_week_label, week_monday

from .browser import Answer, Browser, post_form, set_fields

# What a page says when the save met someone else's change: a conflict, not an error.
CONFLICT_MARKS = ("Ændret af en anden", "Posten er ændret af en anden")
CITIZEN_PATH = re.compile(r"/deltagere/(\d+)/$")


class WriteRefused(RuntimeError):
    pass


def outcome(answer: Answer) -> str:
    """ "ok" (the save redirected), "conflict" (someone else's change came first) or
    "error"."""
    if answer.status in {302, 303}:
        return "ok"
    if answer.status == 409 or (
        answer.status == 200 and any(mark in answer.body for mark in CONFLICT_MARKS)
    ):
        return "conflict"
    return "error"


def checked(answer: Answer, what: str) -> Answer:
    if outcome(answer) != "ok":
        raise WriteRefused(f"{what} answered {answer.status}")
    return answer


def grid_week() -> str:
    """Last week: over, so every citizen in the programme then may have hours in it."""
    return iso_week_label(week_monday(timezone.localdate() - timedelta(days=7)))


@dataclass
class GridSave:
    """The actor's week grid (a page of 50 citizens): every editable cell of one kind gets a
    new value at each save, so each save writes them all."""

    browser: Browser
    week: str = field(default_factory=grid_week)
    original: dict = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"/timer/?uge={self.week}"

    def open(self) -> tuple[dict, list[str]]:
        answer = self.browser.get(self.path)
        if answer.status != 200:
            raise WriteRefused(f"the hours grid answered {answer.status}")
        form = post_form(answer.body, "h-")
        values = dict(form["fields"])
        names = [name for name, _v in form["fields"] if name.startswith("h-")]
        kind = names[0].rsplit("-", 1)[1] if names else ""
        cells = [name for name in names if name.endswith(f"-{kind}")]
        if not self.original:
            self.original = {name: values[name] for name in cells}
        return form, cells

    def save(self, round_: int) -> tuple[Answer, int]:
        form, cells = self.open()
        values = dict(form["fields"])
        new = {}
        for name in cells:
            value = str(1 + round_ % 9)
            new[name] = value if value != values[name] else str(10 + round_ % 9)
        return self.browser.post(self.path, set_fields(form["fields"], new)), len(cells)

    def restore(self) -> None:
        form, _cells = self.open()
        checked(
            self.browser.post(self.path, set_fields(form["fields"], self.original)),
            "putting the grid back",
        )


@dataclass
class CitizenEdit:
    """A caseworker changes a citizen's phone number on the edit form (the record's version
    carried as the form carries it)."""

    browser: Browser
    citizen_id: int
    original: str | None = None

    @property
    def path(self) -> str:
        return f"/deltagere/{self.citizen_id}/rediger/"

    def save(self, phone: str | None = None, round_: int = 0) -> Answer:
        answer = self.browser.get(self.path)
        if answer.status != 200:
            raise WriteRefused(f"the citizen form answered {answer.status}")
        form = post_form(answer.body, "version")
        if self.original is None:
            self.original = dict(form["fields"]).get("phone", "")
        phone = phone if phone is not None else f"70 00 {round_ % 10000:04d}"
        return self.browser.post(self.path, set_fields(form["fields"], {"phone": phone}))

    def restore(self) -> None:
        if self.original is not None:
            checked(self.save(phone=self.original), "putting the phone number back")


@dataclass
class VisitationProposal:
    """A caseworker proposes a new citizen (a CPR number not in the database) to an
    employment actor; the citizens made are removed afterwards."""

    browser: Browser
    cprs: list[str]
    made: list[int] = field(default_factory=list)

    path = "/visitationer/ny/"

    def save(self, round_: int) -> Answer:
        answer = self.browser.get(self.path)
        if answer.status != 200:
            raise WriteRefused(f"the proposal form answered {answer.status}")
        form = post_form(answer.body, "cpr")
        values = dict(form["fields"])
        chosen = {
            name: next(option for option in options if option)
            for name, options in form["options"].items()
            if not values.get(name) and any(options) and name in REQUIRED_CHOICES
        }
        chosen.update(
            cpr=self.cprs[round_],
            first_name="Bench",
            last_name=f"Forslag {round_}",
        )
        posted = self.browser.post(self.path, set_fields(form["fields"], chosen))
        match = CITIZEN_PATH.search(posted.location)
        if match:
            self.made.append(int(match.group(1)))
        return posted

    def remove_made(self) -> None:
        from participants.models import Citizen

        Citizen.objects.filter(pk__in=self.made).delete()
        self.made.clear()


REQUIRED_CHOICES = {"gender", "target_group", "benefit", "entry_status", "cluster"}
REQUIRED_CHOICES |= {"employment_actor"}


def unused_cprs(count: int) -> list[str]:
    """`count` CPR numbers no citizen has (synthetic, far from the seed's)."""
    from demo.scale.seed import synthetic_cpr
    from participants.track.services import citizen_find_by_cpr

    found, index = [], 0
    while len(found) < count:
        digits = synthetic_cpr(index, 40_000_000)
        index += 1
        if citizen_find_by_cpr(cpr=digits) is None:
            found.append(digits)
    return found
