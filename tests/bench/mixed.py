"""The mixed load test of `make bench`: simulated users, each a thread with its own session
and keep-alive connection, looping a role's journey for a fixed time against the real
server. Caseworkers search, open a citizen's page and change the citizen's phone number;
employment actors open their week grid and save it (several users share each actor's
grid, so two saves of the same cell meet: the second is refused as a conflict, an answer
counted apart from the errors); controllers open the reports.

Everything the journeys change is put back afterwards (the grid's week and the phone
numbers), so the database stays as seeded."""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from .browser import Answer, Browser, post_form, set_fields
from .writes import CitizenEdit, GridSave, WriteRefused, outcome

CITIZEN_LINK = re.compile(r'href="/deltagere/(\d+)/"')
# The share of the users in each role, and how many actors' grids (the busiest) the actors
# share: with the seed's 33 actors, two users to a grid, so that saves of the same cell meet
# now and then (with ten, seven to a grid, most saves met another one).
SHARES = {"caseworker": 0.4, "actor": 0.35, "controller": 0.25}
ACTOR_ACCOUNTS = 35
# The controller's reports (URL names), each a step.
CONTROLLER_PAGES = {
    "indicator screen": "reporting:indicators",
    "ESF indicators": "reporting:esf",
    "hours statement": "reporting:hours",
}


@dataclass
class Tally:
    samples: dict = field(default_factory=lambda: defaultdict(list))
    errors: Counter = field(default_factory=Counter)
    conflicts: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, other: Tally) -> None:
        with self.lock:
            for step, values in other.samples.items():
                self.samples[step].extend(values)
            self.errors.update(other.errors)
            self.conflicts.update(other.conflicts)


# What a step may raise instead of answering: the connection failed (reset, closed, timed
# out), the page had no form the journey needs, or a form page answered other than 200.
STEP_FAILURES = (OSError, http.client.HTTPException, LookupError, WriteRefused)


class Journey:
    def __init__(self, browser: Browser, tally: Tally):
        self.browser, self.tally = browser, tally

    def step(self, name: str, request: Callable[[], Answer], expect: int = 200) -> Answer | None:
        """Make the step's request and count its answer: the expected status (timed), a
        conflict, or an error by step and kind (the status, or what was raised). The answer
        when it was the expected one, else None."""
        try:
            answer = request()
        except STEP_FAILURES as exc:
            self.tally.errors[f"{name}: {type(exc).__name__}"] += 1
            return None
        if answer.status == expect:
            self.tally.samples[name].append(answer.seconds)
            return answer
        if outcome(answer) == "conflict":
            self.tally.conflicts[name] += 1
        else:
            self.tally.errors[f"{name}: {answer.status}"] += 1
        return None


class Caseworker(Journey):
    def __init__(self, browser, tally, words: list[str]):
        super().__init__(browser, tally)
        self.words, self.round = words, 0

    def once(self) -> None:
        self.round += 1
        form_page = self.step("citizen list", lambda: self.browser.get("/deltagere/"))
        if form_page is None:
            return
        word = self.words[self.round % len(self.words)]

        def search() -> Answer:
            form = post_form(form_page.body, "q")
            return self.browser.post("/deltagere/", set_fields(form["fields"], {"q": word}))

        searched = self.step("search", search, expect=303)
        if searched is None:
            return
        found = self.step("search result", lambda: self.browser.get(searched.location))
        if found is None:
            return
        ids = CITIZEN_LINK.findall(found.body)
        if not ids:
            return
        citizen = ids[self.round % len(ids)]
        if self.step("citizen page", lambda: self.browser.get(f"/deltagere/{citizen}/")):
            edit = CitizenEdit(self.browser, int(citizen))
            self.step("citizen edit", lambda: edit.save(round_=self.round), expect=302)


class Actor(Journey):
    def __init__(self, browser, tally, week: str):
        super().__init__(browser, tally)
        self.grid, self.round = GridSave(browser, week=week), 0

    def once(self) -> None:
        self.round += 1
        if self.step("grid read", lambda: self.browser.get(self.grid.path)):
            self.step("grid save", lambda: self.grid.save(self.round)[0], expect=302)


class Controller(Journey):
    def __init__(self, browser, tally, pages: dict[str, str]):
        super().__init__(browser, tally)
        self.pages = pages

    def once(self) -> None:
        for name, path in self.pages.items():
            if self.step(name, lambda path=path: self.browser.get(path)) is None:
                return


def run(base: str, users: dict[str, list[tuple[str, dict]]], seconds: float) -> dict:
    """`users`: per role, (session cookie, journey arguments) for each simulated user."""
    tally = Tally()
    deadline = time.perf_counter() + seconds
    journeys = {"caseworker": Caseworker, "actor": Actor, "controller": Controller}

    def user(role: str, cookie: str, kwargs: dict) -> None:
        mine = Tally()
        browser = Browser(base, cookie, timeout=60)
        journey = journeys[role](browser, mine, **kwargs)
        while time.perf_counter() < deadline:
            journey.once()
        browser.close()
        tally.add(mine)

    threads = [
        threading.Thread(target=user, args=(role, cookie, kwargs))
        for role, entries in users.items()
        for cookie, kwargs in entries
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "users": {role: len(entries) for role, entries in users.items()},
        "seconds": round(elapsed, 1),
        **summary(tally, elapsed),
    }


def summary(tally: Tally, elapsed: float) -> dict:
    """Throughput, p50/p95 per step, errors by step and kind, and conflicts by step: a
    conflict is an answer (the second of two saves of the same cell or record is refused),
    never an error."""
    requests = sum(len(v) for v in tally.samples.values())
    steps = {}
    for name, values in sorted(tally.samples.items()):
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
        steps[name] = {
            "p50_ms": round(ordered[len(ordered) // 2] * 1000, 2),
            "p95_ms": round(p95 * 1000, 2),
            "n": len(ordered),
        }
    return {
        "requests": requests,
        "requests_per_s": round(requests / elapsed, 1),
        "steps": steps,
        "errors": sum(tally.errors.values()),
        "errors_by_kind": dict(sorted(tally.errors.items())),
        "conflicts": sum(tally.conflicts.values()),
        "conflicts_by_step": dict(sorted(tally.conflicts.items())),
    }


def split(total: int) -> dict[str, int]:
    counts = {role: int(total * share) for role, share in SHARES.items()}
    counts["caseworker"] += total - sum(counts.values())
    return counts
