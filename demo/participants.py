"""Demo data: 25 citizens across every phase, with hours, placements, pauses, exits and
follow-ups. CPR numbers are fake (real dates, serials 0001–0025); running it twice adds
nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from demo.context import DemoContext
from participants.hours import services as hours_services
from participants.models import (
    EMPLOYED_STATUSES,
    Citizen,
    ExitStatus,
    FollowUpKind,
    HoursKind,
    NotAvailableReason,
    PauseReason,
    PlacementKind,
    week_monday,
)
from participants.placements import services as placements_services
from participants.track import services as track_services
from siv.roles import Role

ACTOR_FOR = {
    "Køge": "Stevns Beskæftigelse",
    "Stevns": "Stevns Beskæftigelse",
    "Odsherred": "Odsherred Jobværksted",
    "Silkeborg": "Jobværkstedet Silkeborg",
    "Holstebro": "Jobværkstedet Silkeborg",
    "Ikast-Brande": "Jobværkstedet Silkeborg",
}
# Where each municipality's citizens are placed. Café Åen ApS dropped out of cluster 2 (see
# demo/accelerator.py), so Silkeborg's and Ikast-Brande's citizens are placed with the
# cluster's other accelerator company instead.
COMPANY_FOR = {
    "Køge": "Grøn Vask ApS",
    "Stevns": "Stevns Køkken ApS",
    "Odsherred": "Grøn Vask ApS",
    "Silkeborg": "Holstebro Cykler ApS",
    "Holstebro": "Holstebro Cykler ApS",
    "Ikast-Brande": "Holstebro Cykler ApS",
}
# (first name, last name, gender, municipality, scenario)
CITIZENS = [
    ("Mette", "Skov", "F", "Køge", "waiting"),
    ("Jonas", "Bach", "M", "Køge", "waiting_overdue"),
    ("Aisha", "Rahimi", "F", "Køge", "phase1_new"),
    ("Kim", "Dahl", "X", "Køge", "phase1_paused"),
    ("Henrik", "Lund", "M", "Køge", "phase2"),
    ("Lene", "Friis", "F", "Køge", "phase3"),
    ("Omar", "Haddad", "M", "Køge", "early_exit"),
    ("Birgitte", "Vang", "F", "Køge", "left_employed_partner"),
    ("Søren", "Kjær", "M", "Stevns", "phase1_new"),
    ("Nadia", "Holt", "F", "Stevns", "phase2"),
    ("Peter", "Krag", "M", "Stevns", "phase3"),
    ("Tina", "Berg", "F", "Stevns", "left_education"),
    ("Ali", "Yousef", "M", "Stevns", "phase1_paused"),
    ("Camilla", "Ravn", "F", "Odsherred", "phase1_new"),
    ("Mikkel", "Storm", "M", "Odsherred", "phase2"),
    ("Rikke", "Mose", "F", "Odsherred", "left_not_available"),
    ("Frederik", "Aagaard", "M", "Silkeborg", "waiting_late"),
    ("Hanne", "Bro", "F", "Silkeborg", "phase1_new"),
    ("Lars", "Eg", "M", "Silkeborg", "phase2"),
    ("Maria", "Sand", "F", "Silkeborg", "phase3"),
    ("Tobias", "Vinther", "M", "Silkeborg", "left_employed"),
    ("Yasmin", "Ali", "F", "Holstebro", "phase1_paused"),
    ("Jens", "Hede", "M", "Holstebro", "early_exit"),
    ("Sara", "Lind", "F", "Ikast-Brande", "phase2"),
    ("Mads", "Toft", "M", "Ikast-Brande", "left_education"),
]
# Days before today each phase started (None: not started). A proposal still awaiting review
# has `proposed`; an accepted one was proposed REVIEW_DAYS before its review, which came a week
# before phase 1 started.
SCENARIOS = {
    "waiting": {"proposed": 9},
    "waiting_late": {"proposed": 23},
    "waiting_overdue": {"proposed": 41},
    "phase1_new": {"p1": 35},
    "phase1_paused": {"p1": 130, "pause": (74, 60)},
    "phase2": {"p1": 220, "p2": 30, "placement": PlacementKind.PRAKTIK},
    "phase3": {
        "p1": 400,
        "p2": 210,
        # Over 13 weeks in a paid job: the first retention checkpoint is due.
        "p3": 100,
        "placement": PlacementKind.LOENTILSKUD,
    },
    "early_exit": {"p1": 100, "exit": (12, ExitStatus.UNEMPLOYED, "", True)},
    "left_employed": {
        "p1": 620,
        "p2": 430,
        "exit": (240, ExitStatus.EMPLOYED_ORDINARY, "", False),
        "followup": FollowUpKind.SIX_MONTHS,
    },
    "left_employed_partner": {
        "p1": 620,
        "p2": 430,
        # Hired by the partner company two weeks before leaving the programme: the job runs
        # on past the exit, and its retention is confirmed after it, at 13 and 26 weeks.
        "p3": 254,
        "placement": PlacementKind.ORDINAER,
        "exit": (240, ExitStatus.EMPLOYED_ORDINARY, "", False),
        "followup": FollowUpKind.SIX_MONTHS,
    },
    "left_education": {
        "p1": 1180,
        "exit": (900, ExitStatus.EDUCATION, "", False),
        "followup": FollowUpKind.TWO_YEARS,
    },
    "left_not_available": {
        "p1": 480,
        "exit": (300, ExitStatus.NOT_AVAILABLE, NotAvailableReason.ILLNESS, True),
    },
}


# Days from proposal to review: a few days to five weeks, varying from citizen to citizen.
REVIEW_DAYS = (3, 6, 11, 17, 24, 31, 35)
START_AFTER_REVIEW = 7


def fake_cpr(index: int) -> str:
    birth = date(1965, 3, 1) + timedelta(days=index * 401)
    return f"{birth:%d%m%y}-{index + 1:04d}"


def _seed_citizen(index: int, row: tuple, context: DemoContext, today: date) -> None:
    first, last, gender, muni_name, scenario = row
    cpr = fake_cpr(index)
    if track_services.citizen_find_by_cpr(cpr=cpr) is not None:
        return
    plan = SCENARIOS[scenario]
    users = context.users
    caseworker = users[Role.CASEWORKER] if muni_name == "Køge" else None
    by = caseworker or users[Role.ADMIN]
    actor = context.actors[ACTOR_FOR[muni_name]]
    partnership = context.partnerships[muni_name]

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    citizen = track_services.citizen_create(
        by=by,
        cpr=cpr,
        first_name=first,
        last_name=last,
        gender=gender,
        phone=f"20 00 {index:02d} {index + 10:02d}",
        target_group=["resource_course", "flexjob_low_capacity", "cash_benefit_activity_ready"][
            index % 3
        ],
        benefit=["ressourceforloebsydelse", "ledighedsydelse", "kontanthjaelp"][index % 3],
        isced=["1-2", "3-4", "1-2", "5-8"][index % 4],
        entry_status=["long_term_unemployed", "inactive", "unemployed"][index % 3],
        migrant=index % 5 == 0,
        disability=index % 4 == 1,
        municipality=partnership.municipality,
        cluster=partnership.cluster,
        partnership=partnership,
        employment_actor=actor,
        caseworker=caseworker,
    )
    if "p1" not in plan:
        track_services.visitation_propose(
            citizen=citizen, by=by, proposed_on=ago(plan["proposed"]), realistic_20_hours=True
        )
        return
    reviewed = plan["p1"] + START_AFTER_REVIEW
    visitation = track_services.visitation_propose(
        citizen=citizen,
        by=by,
        proposed_on=ago(reviewed + REVIEW_DAYS[index % len(REVIEW_DAYS)]),
        realistic_20_hours=True,
    )
    track_services.visitation_match_meeting(
        visitation=visitation,
        by=by,
        meeting_date=ago(reviewed),
        participants="Borger, virksomhed, jobformidler",
        notes="Gensidig interesse; start aftalt.",
        start_on=ago(plan["p1"]),
    )
    track_services.visitation_accept(visitation=visitation, by=by, reviewed_on=ago(reviewed))
    track_services.track_start_phase(citizen=citizen, by=by, phase=1, start=ago(plan["p1"]))
    track_services.screening_register(
        citizen=citizen,
        by=by,
        screened_on=ago(plan["p1"]),
        functional_level=2 + index % 3,
        barriers=[["health"], ["transport", "language"], ["housing", "health"]][index % 3],
        wishes="Praktisk arbejde, gerne køkken eller lager.",
    )
    track_services.assessment_register(
        citizen=citizen,
        by=by,
        assessed_on=ago(max(plan["p1"] - 28, 1)),
        attendance_stability=3,
        social_skills=2 + index % 3,
        motivation=4,
        self_care=3,
        work_skills=2,
    )
    if "pause" in plan:
        start, end = plan["pause"]
        track_services.pause_add(
            citizen=citizen, by=by, start=ago(start), end=ago(end), reason=PauseReason.ILLNESS
        )
    if plan.get("p2"):
        track_services.track_start_phase(citizen=citizen, by=by, phase=2, start=ago(plan["p2"]))
    if plan.get("p3"):
        track_services.track_start_phase(citizen=citizen, by=by, phase=3, start=ago(plan["p3"]))
    if plan.get("placement"):
        placement = placements_services.placement_create(
            citizen=citizen,
            by=by,
            kind=plan["placement"],
            company=context.companies[COMPANY_FOR[muni_name]],
            start=ago(plan.get("p3") or plan["p2"]),
            hours_per_week=Decimal("12"),
            buddy="Kollega med buddy-uddannelse",
            support_person="Mentor fra aktøren",
            steps=[(ago((plan.get("p3") or plan["p2"]) - 14), Decimal("16"))],
        )
        for weeks in (13, 26, 52):
            confirmed_on = placement.start + timedelta(weeks=weeks, days=3)
            if placement.is_paid and confirmed_on <= today and muni_name == "Køge":
                placements_services.placement_confirm_retention(
                    placement=placement, by=by, weeks=weeks, confirmed_on=confirmed_on
                )
    track_services.note_add(citizen=citizen, by=by, text="Møder stabilt op og tager ansvar.")
    if index % 4 == 0:
        track_services.note_add(
            citizen=citizen,
            by=by,
            text="Helbredsoplysninger drøftet med egen læge.",
            sensitive=True,
        )
    if "exit" in plan:
        days, status, reason, early = plan["exit"]
        employer = {}
        if status in EMPLOYED_STATUSES:
            # Hired by the partner company in Køge, by another local employer elsewhere.
            employer = (
                {"employer_company": context.companies[COMPANY_FOR[muni_name]]}
                if muni_name == "Køge"
                else {"employer_name": "Lokalt Byggemarked A/S"}
            )
        exit_form = track_services.exit_register(
            citizen=citizen,
            by=by,
            exit_date=ago(days),
            status=status,
            not_available_reason=reason,
            early=early,
            **employer,
        )
        if plan.get("followup"):
            kind = plan["followup"]
            track_services.followup_register(
                exit=exit_form,
                by=by,
                kind=kind,
                followed_up_on=exit_form.follow_up_due(kind),
                status=status,
            )


def _seed_hours(context: DemoContext, today: date) -> None:
    """Six recent weeks of hours for every citizen on track, logged by their actor."""
    users = context.users
    stevns_actor = users[Role.EMPLOYMENT_ACTOR]
    citizens = list(
        Citizen.objects.filter(phase1_start__isnull=False).with_last_exit(today).order_by("pk")
    )
    for weeks_back in range(6, 0, -1):
        monday = week_monday(today) - timedelta(weeks=weeks_back)
        rows_by_actor: dict = {}
        for c in citizens:
            if c.exit_date or c.phase1_start > monday:
                continue
            if c.phase3_start and c.phase3_start <= monday:
                rows = [(HoursKind.PAID, "15"), (HoursKind.PRACTICE, "5")]
            elif c.phase2_start and c.phase2_start <= monday:
                rows = [(HoursKind.PRACTICE, "12"), (HoursKind.TRAINING, "2")]
            else:
                rows = [(HoursKind.TRAINING, "9,5")]
            by = (
                stevns_actor
                if c.employment_actor_id == stevns_actor.organisation_id
                else users[Role.ADMIN]
            )
            rows_by_actor.setdefault(by, []).extend(
                hours_services.HoursRow(citizen_id=c.pk, kind=kind, hours=hours)
                for kind, hours in rows
            )
        for by, rows in rows_by_actor.items():
            hours_services.hours_save_week(actor=by, week=monday, rows=rows)


def seed(context: DemoContext) -> None:
    today = timezone.localdate()
    before = Citizen.objects.count()
    for index, row in enumerate(CITIZENS):
        _seed_citizen(index, row, context, today)
    if Citizen.objects.count() > before:
        _seed_hours(context, today)
    context.report.append(
        f"Participants: {Citizen.objects.count()} citizens (CPR numbers are fake)."
    )
