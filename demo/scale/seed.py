"""A national-scale synthetic programme: every municipality in a cluster, employment actors,
companies with financials, camps, and citizens with their whole track and weekly hours.

Deterministic for a given seed. CPR numbers are synthetic but valid in form (real birth
dates), stored encrypted and hashed exactly as participants.models.Citizen stores them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC as utc
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from accelerator.models import (
    Camp,
    CampTheme,
    Company,
    CompanyFinancial,
    CompanyRole,
    CompanyStatus,
)
from participants import cpr as cpr_lib
from participants import names
from participants.hours.services import fold_hours_groups
from participants.models import (
    EMPLOYED_STATUSES,
    PAID_PLACEMENT_KINDS,
    Benefit,
    Citizen,
    EntryStatus,
    ExitForm,
    ExitStatus,
    FollowUp,
    FollowUpKind,
    Gender,
    HoursEntry,
    HoursGroup,
    HoursGroupMonth,
    HoursKind,
    HoursMonth,
    IscedBand,
    NotAvailableReason,
    Pause,
    PauseReason,
    Placement,
    PlacementKind,
    TargetGroup,
    Visitation,
    VisitationStatus,
)
from partnerships.models import (
    Cluster,
    ClusterMembership,
    GrowthPartnership,
    Municipality,
    Organisation,
    OrganisationKind,
    User,
)
from siv import figures, keyring
from siv.roles import Role

from .writer import Table, Timings, analyze, next_id, reset_sequences

SCALE_PREFIX = "Skala"
CLUSTER_YEARS = (2019, 2020, 2021, 2022)
COMPANIES_PER_MUNICIPALITY = 20  # 98 × 20 ≈ 2000 companies
MUNICIPALITIES_PER_ACTOR = 3
CAMPS_PER_CLUSTER = 12
# One scale user's password for every scale user (benchmarks sign in as them).
SCALE_PASSWORD = "siv-skala-2026"

WRITTEN_MODELS = [
    Cluster,
    ClusterMembership,
    Organisation,
    User,
    GrowthPartnership,
    GrowthPartnership.partners.through,
    Company,
    CompanyFinancial,
    Camp,
    Citizen,
    Visitation,
    Pause,
    Placement,
    HoursEntry,
    ExitForm,
    FollowUp,
]


@dataclass
class Options:
    participants: int = 1000
    weeks: int = 100
    seed: int = 2026
    today: date | None = None


def valid_cvr(rng: random.Random, taken: set[str]) -> str:
    """An unused 8-digit CVR number with a correct check digit (modulus 11)."""
    weights = (2, 7, 6, 5, 4, 3, 2)
    while True:
        head = f"{rng.randrange(1_000_000, 9_999_999):07d}"
        remainder = sum(int(d) * w for d, w in zip(head, weights, strict=True)) % 11
        check = (11 - remainder) % 11
        if check == 10:
            continue
        cvr = f"{head}{check}"
        if cvr not in taken:
            taken.add(cvr)
            return cvr


def synthetic_cpr(index: int, offset: int) -> str:
    """A unique ten-digit CPR number per index: a birth date 1950–1999 and a serial 0000–3999.

    7919 is prime and coprime with the 18,250 days, so indexes map to distinct (day, serial).
    """
    days = 18_250
    position = (index + offset) % (days * 4000)
    day = date(1950, 1, 1) + timedelta(days=(position * 7919) % days)
    serial = position // days
    return f"{day:%d%m%y}{serial:04d}"


def clear() -> None:
    """Remove all programme data (keeps reference data, and users not made by seed_scale)."""
    with transaction.atomic():
        # The big tables without dependants go in one statement; the rest through the ORM,
        # which follows every cascade (placement steps, screenings, notes …).
        _empty(HoursGroupMonth, HoursGroup, HoursMonth, HoursEntry)
        FollowUp.objects.all()._raw_delete(connection.alias)
        Visitation.objects.all().delete()
        ExitForm.objects.all().delete()
        Citizen.objects.all().delete()
        CompanyFinancial.objects.all()._raw_delete(connection.alias)
        Camp.objects.all().delete()
        Company.objects.all().delete()
        GrowthPartnership.objects.all().delete()
        ClusterMembership.objects.all().delete()
        User.objects.filter(username__startswith="skala-").delete()
        Organisation.objects.filter(name__startswith=SCALE_PREFIX).delete()
        Cluster.objects.filter(partnerships__isnull=True, citizens__isnull=True).delete()


def _empty(*tables: type[models.Model]) -> None:
    """Empty the weekly hours and their roll-ups together in one TRUNCATE, so the roll-ups'
    triggers do not subtract millions of rows one month at a time."""
    names = ", ".join(connection.ops.quote_name(t._meta.db_table) for t in tables)
    with connection.cursor() as cursor:
        # Deferred foreign-key checks of rows written earlier in this transaction would
        # block the TRUNCATE: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {names}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def seed(options: Options) -> Timings:
    """Write the whole data set in one transaction; timings per table."""
    rng = random.Random(options.seed)
    today = options.today or timezone.localdate()
    now = timezone.now()
    timings = Timings()
    with transaction.atomic():
        world = _programme(rng, timings, now)
        _citizens(rng, timings, world, options, today, now)
        reset_sequences(WRITTEN_MODELS)
        # The statement's groups, written by the triggers as changes: one row per group.
        fold_hours_groups()
        # The figures' changes, one row per statement written: folded into one.
        figures.fold()
    # The roll-ups, filled by their triggers.
    analyze(
        [
            *timings.rows,
            HoursMonth._meta.db_table,
            HoursGroup._meta.db_table,
            HoursGroupMonth._meta.db_table,
        ]
    )
    return timings


@dataclass
class World:
    municipalities: list[int]
    cluster_of: dict[int, int]
    partnership_of: dict[int, int]
    actor_of: dict[int, int]
    caseworker_of: dict[int, int]
    companies_of: dict[int, list[int]]
    actor_user_of: dict[int, int]


def _programme(rng: random.Random, timings: Timings, now: datetime) -> World:
    municipalities = list(Municipality.objects.order_by("code").values_list("pk", flat=True))

    cluster_table = Table(Cluster)
    first_number = (
        Cluster.objects.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    cluster_ids = list(range(next_id(Cluster), next_id(Cluster) + len(CLUSTER_YEARS)))
    timings.run(
        cluster_table,
        (
            cluster_table.row(id=pk, number=first_number + i, start_year=year)
            for i, (pk, year) in enumerate(zip(cluster_ids, CLUSTER_YEARS, strict=True))
        ),
    )
    cluster_of = {m: cluster_ids[i % len(cluster_ids)] for i, m in enumerate(municipalities)}
    year_of = dict(zip(cluster_ids, CLUSTER_YEARS, strict=True))
    membership = Table(ClusterMembership)
    start = next_id(ClusterMembership)
    timings.run(
        membership,
        (
            membership.row(
                id=start + i,
                cluster=cluster_of[m],
                municipality=m,
                slots=rng.randint(8, 40),
                declaration_signed=date(year_of[cluster_of[m]] - 1, 11, 1),
            )
            for i, m in enumerate(municipalities)
        ),
    )

    # Organisations: one jobcentre per municipality, an actor per three, the fund, companies.
    organisation = Table(Organisation)
    org_id = next_id(Organisation)
    org_rows = []
    jobcentre_of, actor_of = {}, {}
    for i, m in enumerate(municipalities):
        jobcentre_of[m] = org_id
        org_rows.append(
            organisation.row(
                id=org_id,
                kind=OrganisationKind.MUNICIPALITY,
                name=f"{SCALE_PREFIX} Jobcenter {m}",
                municipality=m,
            )
        )
        org_id += 1
        if i % MUNICIPALITIES_PER_ACTOR == 0:
            actor = org_id
            org_rows.append(
                organisation.row(
                    id=actor,
                    kind=OrganisationKind.EMPLOYMENT_ACTOR,
                    name=f"{SCALE_PREFIX} Beskæftigelse {i // MUNICIPALITIES_PER_ACTOR + 1}",
                    municipality=m,
                )
            )
            org_id += 1
        actor_of[m] = actor
    fund = org_id
    org_rows.append(
        organisation.row(id=fund, kind=OrganisationKind.FUND, name=f"{SCALE_PREFIX} Fonden")
    )
    org_id += 1
    companies_of: dict[int, list[int]] = {m: [] for m in municipalities}
    company_id = next_id(Company)
    company_rows = []
    taken = set(Company.objects.values_list("cvr", flat=True))
    for m in municipalities:
        for j in range(COMPANIES_PER_MUNICIPALITY):
            org_rows.append(
                organisation.row(
                    id=org_id,
                    kind=OrganisationKind.COMPANY,
                    name=f"{SCALE_PREFIX} Virksomhed {m}-{j + 1} ApS",
                    municipality=m,
                )
            )
            companies_of[m].append(company_id)
            company_rows.append((company_id, m, org_id, j))
            org_id += 1
            company_id += 1
    timings.run(organisation, org_rows)

    # Users: a caseworker per municipality, a user per actor, a controller and developers.
    user_table = Table(User)
    password = make_password(SCALE_PASSWORD)
    user_id = next_id(User)
    user_rows = []
    caseworker_of, actor_user_of, developers = {}, {}, []

    def add_user(username, role, org=None, municipality=None):
        nonlocal user_id
        user_rows.append(
            user_table.row(
                id=user_id,
                username=username,
                password=password,
                role=role,
                organisation=org,
                municipality=municipality,
                first_name="Skala",
                last_name=username,
                is_active=True,
                date_joined=now,
            )
        )
        user_id += 1
        return user_id - 1

    for m in municipalities:
        caseworker_of[m] = add_user(f"skala-sagsbehandler-{m}", Role.CASEWORKER, jobcentre_of[m], m)
    for actor in sorted(set(actor_of.values())):
        actor_user_of[actor] = add_user(f"skala-aktoer-{actor}", Role.EMPLOYMENT_ACTOR, actor)
    add_user("skala-controller", Role.CONTROLLER, fund)
    for k in range(10):
        developers.append(add_user(f"skala-udvikler-{k + 1}", Role.BUSINESS_DEVELOPER, fund))
    timings.run(user_table, user_rows)

    partnership = Table(GrowthPartnership)
    partnership_of = {}
    pid = next_id(GrowthPartnership)
    rows = []
    for m in municipalities:
        partnership_of[m] = pid
        rows.append(
            partnership.row(
                id=pid,
                name=f"{SCALE_PREFIX} Vækstpartnerskab {m}",
                municipality=m,
                cluster=cluster_of[m],
                single_point_of_contact=actor_of[m],
                facilitation_start=date(year_of[cluster_of[m]], 2, 1),
            )
        )
        pid += 1
    timings.run(partnership, rows)
    through = Table(GrowthPartnership.partners.through)
    tid = next_id(GrowthPartnership.partners.through)
    partner_rows = []
    for m in municipalities:
        for org in (jobcentre_of[m], actor_of[m], *[c[2] for c in company_rows if c[1] == m][:3]):
            partner_rows.append(
                through.row(id=tid, growthpartnership=partnership_of[m], organisation=org)
            )
            tid += 1
    timings.run(through, partner_rows)

    company = Table(Company)
    financial = Table(CompanyFinancial)
    fin_id = next_id(CompanyFinancial)
    financial_rows = []
    rows = []
    for pk, m, org, j in company_rows:
        accelerator = j < COMPANIES_PER_MUNICIPALITY // 2
        dropped = accelerator and rng.random() < 0.08
        entry_year = year_of[cluster_of[m]]
        rows.append(
            company.row(
                id=pk,
                cvr=valid_cvr(rng, taken),
                name=f"{SCALE_PREFIX} Virksomhed {m}-{j + 1} ApS",
                municipality=m,
                organisation=org,
                role=CompanyRole.ACCELERATOR if accelerator else CompanyRole.SUPPORT,
                status=CompanyStatus.DROPPED_OUT if dropped else CompanyStatus.ACTIVE,
                dropped_out_on=date(entry_year + 1, 6, 30) if dropped else None,
                dropout_reason="Konkurs" if dropped else "",
                enrolled_cluster=cluster_of[m] if accelerator else None,
                entry_year=entry_year if accelerator else None,
                business_developer=developers[pk % len(developers)] if accelerator else None,
            )
        )
        if accelerator:
            revenue = Decimal(rng.randrange(2_000_000, 40_000_000))
            ebitda = Decimal(rng.randrange(-500_000, 3_000_000))
            for k in range(3):
                financial_rows.append(
                    financial.row(
                        id=fin_id,
                        company=pk,
                        year=entry_year + k,
                        revenue=(revenue * Decimal(1 + 0.06 * k)).quantize(Decimal("1.00")),
                        ebitda=(ebitda + Decimal(rng.randrange(-400_000, 900_000)) * k).quantize(
                            Decimal("1.00")
                        ),
                        full_time_employees=Decimal(rng.randrange(20, 400)) / 10,
                    )
                )
                fin_id += 1
    timings.run(company, rows)
    timings.run(financial, financial_rows)

    camp = Table(Camp)
    camp_id = next_id(Camp)
    themes = list(CampTheme.values)
    rows = []
    for cluster in cluster_ids:
        for k in range(CAMPS_PER_CLUSTER):
            rows.append(
                camp.row(
                    id=camp_id,
                    cluster=cluster,
                    theme=themes[k % len(themes)],
                    title=f"Camp {k + 1}",
                    date=date(year_of[cluster], 1, 15) + timedelta(days=30 * k),
                    place="Fredericia",
                    cancelled=k == CAMPS_PER_CLUSTER - 1,
                )
            )
            camp_id += 1
    timings.run(camp, rows)
    return World(
        municipalities,
        cluster_of,
        partnership_of,
        actor_of,
        caseworker_of,
        companies_of,
        actor_user_of,
    )


def _citizens(rng, timings, world: World, options: Options, today: date, now: datetime) -> None:
    """Citizens and their tracks, written table by table from one plan per citizen."""
    weeks = options.weeks
    latest_phase1 = today - timedelta(weeks=weeks + 1)
    latest_phase1 -= timedelta(days=latest_phase1.weekday())
    spread_days = 3 * 365

    citizen = Table(Citizen)
    visitation = Table(Visitation)
    pause = Table(Pause)
    placement = Table(Placement)
    exit_form = Table(ExitForm)
    follow_up = Table(FollowUp)

    ids = {
        model: next_id(model)
        for model in (Citizen, Visitation, Pause, Placement, ExitForm, FollowUp, HoursEntry)
    }
    offset = rng.randrange(0, 1_000_000)
    genders = Gender.values
    target_groups = TargetGroup.values
    benefits = Benefit.values
    iscedbands = IscedBand.values
    entry_statuses = EntryStatus.values
    exit_statuses = ExitStatus.values
    paid_kinds = sorted(PAID_PLACEMENT_KINDS)
    employed_to_kind = {
        ExitStatus.EMPLOYED_ORDINARY: PlacementKind.ORDINAER,
        ExitStatus.EMPLOYED_FLEX: PlacementKind.FLEKSJOB,
        ExitStatus.EMPLOYED_WAGE_SUBSIDY: PlacementKind.LOENTILSKUD,
        ExitStatus.EMPLOYED_SMALL_JOB: PlacementKind.SMAAJOB,
    }

    citizens, visitations, pauses, placements, exits, follow_ups = [], [], [], [], [], []
    tracks = []  # (citizen id, phase1, phase2, phase3, actor user, paused Mondays)
    for index in range(options.participants):
        cid = ids[Citizen] + index
        m = world.municipalities[index % len(world.municipalities)]
        digits = synthetic_cpr(index, offset)
        parsed = cpr_lib.parse(digits)
        status = rng.choices(
            [VisitationStatus.ACCEPTED, VisitationStatus.PROPOSED, VisitationStatus.REJECTED],
            weights=[94, 4, 2],
        )[0]
        accepted = status == VisitationStatus.ACCEPTED
        phase1 = latest_phase1 - timedelta(weeks=rng.randrange(0, spread_days // 7))
        proposed_on = (
            phase1 - timedelta(days=rng.randint(7, 35))
            if accepted
            else today - timedelta(days=rng.randint(1, 60))
        )
        phase2 = phase1 + timedelta(days=182) if accepted and rng.random() < 0.7 else None
        phase3 = phase2 + timedelta(days=182) if phase2 and rng.random() < 0.5 else None
        # Leaving comes after the last week of hours; no phase starts after it.
        exit_date = phase1 + timedelta(weeks=weeks - 1, days=rng.randint(7, 90))
        leaves = accepted and exit_date <= today and rng.random() < 0.6
        if leaves:
            phase2 = phase2 if phase2 and phase2 < exit_date else None
            phase3 = phase3 if phase2 and phase3 and phase3 < exit_date else None
        # A phase that has not begun yet is not stored (short runs reach close to today).
        phase2 = phase2 if phase2 and phase2 <= today else None
        phase3 = phase3 if phase2 and phase3 and phase3 <= today else None
        citizens.append(
            citizen.row(
                id=cid,
                cpr_encrypted=cpr_lib.encrypt(parsed.digits),
                cpr_hash=cpr_lib.keyed_hash(parsed.digits),
                birth_date=parsed.birth_date,
                # COPY writes the columns as given: the names sealed as the model seals them.
                first_name=keyring.encrypt(f"Borger{index + 1}"),
                last_name=keyring.encrypt(f"Skala{m}"),
                name_hashes=names.search_hashes(f"Borger{index + 1}", f"Skala{m}"),
                gender=rng.choice(genders),
                target_group=rng.choice(target_groups),
                benefit=rng.choice(benefits),
                isced=rng.choice(iscedbands),
                entry_status=rng.choice(entry_statuses),
                migrant=rng.random() < 0.2,
                disability=rng.random() < 0.15,
                other_disadvantaged=rng.random() < 0.1,
                municipality=m,
                cluster=world.cluster_of[m],
                partnership=world.partnership_of[m],
                employment_actor=world.actor_of[m],
                caseworker=world.caseworker_of[m],
                phase1_start=phase1 if accepted else None,
                phase2_start=phase2,
                phase3_start=phase3,
                created_at=now,
                updated_at=now,
            )
        )
        reviewed = accepted or status == VisitationStatus.REJECTED
        visitations.append(
            visitation.row(
                id=ids[Visitation] + index,
                citizen=cid,
                partnership=world.partnership_of[m],
                proposed_on=proposed_on,
                proposed_by=world.caseworker_of[m],
                status=status,
                realistic_20_hours=True if reviewed else None,
                reviewed_by=world.actor_user_of[world.actor_of[m]] if reviewed else None,
                reviewed_at=datetime.combine(
                    proposed_on + timedelta(days=5), datetime.min.time(), tzinfo=utc
                )
                if reviewed
                else None,
                rejection_reason="Ikke realistisk nu"
                if status == VisitationStatus.REJECTED
                else "",
                start_on=phase1 if accepted else None,
                created_at=now,
            )
        )
        if not accepted:
            continue
        paused = None
        if rng.random() < 0.1:
            start = phase1 + timedelta(days=rng.randint(20, 120))
            end = start + timedelta(days=rng.randint(7, 60))
            pause_reason = rng.choice(PauseReason.values)
            # A pause holds the track inside its stay: it ends by the exit at the latest.
            if leaves:
                end = min(end, exit_date)
            if start <= end:
                paused = (start, end)
                pauses.append(
                    pause.row(
                        id=ids[Pause] + len(pauses),
                        citizen=cid,
                        start=start,
                        end=end,
                        reason=pause_reason,
                    )
                )
        actor_user = world.actor_user_of[world.actor_of[m]]
        tracks.append((cid, phase1, phase2, phase3, actor_user, _paused_weeks(paused)))
        companies = world.companies_of[m]
        if phase2:
            placements.append(
                placement.row(
                    id=ids[Placement] + len(placements),
                    citizen=cid,
                    kind=PlacementKind.PRAKTIK,
                    company=rng.choice(companies),
                    start=phase2,
                    # Practice ends when phase 3 begins, and by the exit at the latest.
                    end=phase3 - timedelta(days=1) if phase3 else exit_date if leaves else None,
                    hours_per_week=Decimal(rng.choice([4, 8, 12, 15])),
                    created_at=now,
                )
            )
        if leaves:
            status_out = rng.choice(exit_statuses)
            reason = ""
            if status_out == ExitStatus.NOT_AVAILABLE:
                reason = rng.choice(NotAvailableReason.values)
            exit_id = ids[ExitForm] + len(exits)
            job_company = rng.choice(companies) if status_out in employed_to_kind else None
            employer = {}
            if status_out in EMPLOYED_STATUSES:
                # The first half of a municipality's companies are its accelerator companies.
                partner = job_company is not None and (
                    companies.index(job_company) < COMPANIES_PER_MUNICIPALITY // 2
                )
                employer = (
                    {"employer_company": job_company}
                    if partner
                    else {"employer_name": "Arbejdsgiver uden for programmet"}
                )
            exits.append(
                exit_form.row(
                    id=exit_id,
                    citizen=cid,
                    exit_date=exit_date,
                    status=status_out,
                    not_available_reason=reason,
                    early=phase2 is None,
                    created_at=now,
                    **employer,
                )
            )
            if job_company is not None:
                placements.append(
                    placement.row(
                        id=ids[Placement] + len(placements),
                        citizen=cid,
                        kind=employed_to_kind[status_out],
                        company=job_company,
                        start=exit_date,
                        hours_per_week=Decimal(rng.choice([10, 15, 20, 30, 37])),
                        created_at=now,
                    )
                )
            elif phase3 and rng.random() < 0.5:
                placements.append(
                    placement.row(
                        id=ids[Placement] + len(placements),
                        citizen=cid,
                        kind=rng.choice(paid_kinds),
                        company=rng.choice(companies),
                        start=phase3,
                        end=exit_date,
                        hours_per_week=Decimal(20),
                        created_at=now,
                    )
                )
            for kind, delta in ((FollowUpKind.SIX_MONTHS, 182), (FollowUpKind.TWO_YEARS, 730)):
                due = exit_date + timedelta(days=delta)
                if due > today or reason == NotAvailableReason.DECEASED:
                    continue
                later = rng.choice(exit_statuses)
                follow_ups.append(
                    follow_up.row(
                        id=ids[FollowUp] + len(follow_ups),
                        exit=exit_id,
                        kind=kind,
                        followed_up_on=due,
                        status=later,
                        not_available_reason=(
                            NotAvailableReason.ILLNESS if later == ExitStatus.NOT_AVAILABLE else ""
                        ),
                        improved_situation=later in EMPLOYED_STATUSES,
                    )
                )

    timings.run(citizen, citizens)
    timings.run(visitation, visitations)
    timings.run(pause, pauses)
    timings.run(placement, placements)
    timings.run(exit_form, exits)
    timings.run(follow_up, follow_ups)
    hours = Table(HoursEntry)
    assert hours.columns == HOURS_COLUMNS, hours.columns  # _hours_rows writes tuples directly
    timings.run(hours, _hours_rows(rng, tracks, weeks, ids[HoursEntry], now))


HOURS_COLUMNS = [
    "id",
    "citizen_id",
    "week_start",
    "iso_year",
    "iso_week",
    "kind",
    "hours",
    "registered_by_id",
    "updated_at",
]


def _paused_weeks(paused: tuple[date, date] | None) -> tuple[date, date] | None:
    """The first and last Monday of the weeks whose Monday to Friday lie wholly inside the
    pause (start, end), or None when it holds no such week."""
    if paused is None:
        return None
    start, end = paused
    first = start + timedelta(days=-start.weekday() % 7)  # the first Monday on or after start
    last = end - timedelta(days=(end.weekday() - 4) % 7)  # the last Friday on or before end
    last -= timedelta(days=4)
    return (first, last) if first <= last else None


def _hours_rows(rng, tracks, weeks: int, first_id: int, now: datetime):
    """`weeks` weekly rows per citizen from the start of phase 1, the kind following the
    phase; a week wholly inside a pause has no hours."""
    hours_values = [Decimal(h) for h in ("6.00", "8.00", "9.50", "10.00", "12.00", "15.00")]
    training, practice, paid = HoursKind.TRAINING, HoursKind.PRACTICE, HoursKind.PAID
    pk = first_id
    for cid, phase1, phase2, phase3, actor_user, paused in tracks:
        week = phase1
        for _ in range(weeks):
            if paused and paused[0] <= week <= paused[1]:
                week += timedelta(weeks=1)
                continue
            if phase3 and week >= phase3:
                kind = paid
            elif phase2 and week >= phase2:
                kind = practice
            else:
                kind = training
            year, number, _day = week.isocalendar()
            yield (pk, cid, week, year, number, kind, rng.choice(hours_values), actor_user, now)
            pk += 1
            week += timedelta(weeks=1)
