"""Demo data: the four demo companies, their figures and social model, camps and a campaign."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accelerator.models import (
    BootCampInvitation,
    Buddy,
    Camp,
    Campaign,
    CampCompanyAttendance,
    CampStaffAttendance,
    CampTheme,
    Company,
    CompanyContact,
    CompanyFinancial,
    CompanyRole,
    CompanySize,
    CompanyStatus,
    ContactChannel,
    ContactLogEntry,
    DevelopmentSession,
    JobCommitment,
    JobOpening,
    Milestone,
    MilestoneKind,
    OpeningKind,
    Programme,
    ProgrammeSlot,
)
from demo.context import DemoContext
from siv.roles import Role

# name: (cvr, municipality, cluster, role, size, industry)
COMPANIES = {
    "Grøn Vask ApS": ("35740015", "Køge", 1, CompanyRole.ACCELERATOR, CompanySize.SMALL, "Vaskeri"),
    "Café Åen ApS": (
        "35740023",
        "Silkeborg",
        2,
        CompanyRole.ACCELERATOR,
        CompanySize.MICRO,
        "Café",
    ),
    "Holstebro Cykler ApS": (
        "35740031",
        "Holstebro",
        2,
        CompanyRole.ACCELERATOR,
        CompanySize.SMALL,
        "Cykelværksted",
    ),
    "Stevns Køkken ApS": (
        "35740058",
        "Stevns",
        None,
        CompanyRole.SUPPORT,
        CompanySize.SMALL,
        "Kantine",
    ),
}
# EBITDA per year 2019–2022 in thousands; revenue is roughly ten times EBITDA.
EBITDA = {
    "Grøn Vask ApS": (120, 150, 210, 260),
    "Café Åen ApS": (40, 30, 25, 10),
    "Holstebro Cykler ApS": (80, 80, 95, 80),
    "Stevns Køkken ApS": (300, 310, 320, 330),
}
CAMPS = [
    (1, CampTheme.PARTNERSHIPS, "Vækstpartnerskaber og sociale modeller", date(2019, 9, 12)),
    (1, CampTheme.BRAND, "Brand, salg og markedsføring", date(2019, 11, 7)),
    (1, CampTheme.COLLEGIALITY, "Buddy-træning", date(2020, 2, 20)),
    (2, CampTheme.PARTNERSHIPS, "Vækstpartnerskaber og impact management", date(2020, 9, 10)),
    (2, CampTheme.ECONOMY, "Driftsøkonomi og ledelse", date(2020, 11, 5)),
]


def _company(name: str, context: DemoContext) -> Company:
    cvr, muni, cluster_no, role, size, industry = COMPANIES[name]
    company, created = Company.objects.get_or_create(
        cvr=cvr,
        defaults={"name": name, "municipality": context.municipalities[muni]},
    )
    developer = context.users[Role.BUSINESS_DEVELOPER]
    company.name = name
    company.organisation = context.company_organisations.get(name)
    company.role = role
    company.size = size
    company.industry = industry
    company.registered_social_economy = name != "Holstebro Cykler ApS"
    company.address = "Hovedgaden 1"
    company.business_developer = developer if name != "Holstebro Cykler ApS" else None
    if cluster_no and company.slot_id is None:
        cluster = context.clusters[cluster_no]
        company.slot = ProgrammeSlot.objects.create(
            cluster=cluster, municipality=company.municipality
        )
        company.enrolled_cluster = cluster
        company.entry_year = cluster.start_year
    company.full_clean()
    company.save()
    return company


def seed(context: DemoContext) -> None:
    clusters = context.clusters
    developer = context.users[Role.BUSINESS_DEVELOPER]
    for cluster in clusters.values():
        Programme.objects.get_or_create(
            cluster=cluster, defaults={"start": date(cluster.start_year, 9, 1)}
        )
    companies = {name: _company(name, context) for name in COMPANIES}
    cafe = companies["Café Åen ApS"]
    if cafe.status == CompanyStatus.ACTIVE:
        cafe.status = CompanyStatus.DROPPED_OUT
        cafe.dropped_out_on = date(2021, 6, 30)
        cafe.dropout_reason = "Konkurs"
        cafe.save()

    for name, company in companies.items():
        for year, ebitda in zip(range(2019, 2023), EBITDA[name], strict=True):
            CompanyFinancial.objects.get_or_create(
                company=company,
                year=year,
                defaults={
                    "ebitda": Decimal(ebitda * 1000),
                    "revenue": Decimal(ebitda * 10_000 + 250_000),
                    "full_time_employees": Decimal(4 + (year - 2019)),
                },
            )
        CompanyContact.objects.get_or_create(
            company=company,
            name=f"Direktør, {name}",
            defaults={"title": "Direktør", "email": "kontakt@demo.siv.dk"},
        )

    green = companies["Grøn Vask ApS"]
    Buddy.objects.get_or_create(
        company=green, name="Mette Buddy", defaults={"trained_on": date(2020, 2, 20)}
    )
    Buddy.objects.get_or_create(company=green, name="Jens Buddy")
    for kind, due, done in [
        (MilestoneKind.TASKS_IDENTIFIED, date(2019, 10, 1), date(2019, 10, 15)),
        (MilestoneKind.BUDDY_TRAINING, date(2020, 3, 1), date(2020, 2, 20)),
        (MilestoneKind.INTRODUCTION_PLANNED, date(2020, 6, 1), None),
        (MilestoneKind.FOLLOW_UP_DONE, date(2021, 3, 1), None),
    ]:
        Milestone.objects.get_or_create(
            company=green, kind=kind, defaults={"due_on": due, "done_on": done}
        )
    Milestone.objects.get_or_create(
        company=cafe, kind=MilestoneKind.TASKS_IDENTIFIED, defaults={"due_on": date(2020, 11, 1)}
    )
    JobCommitment.objects.get_or_create(
        company=green,
        due_on=date(2020, 12, 31),
        defaults={"openings": 2, "hours_per_week": Decimal(15), "description": "Vaskeriassistent"},
    )
    JobCommitment.objects.get_or_create(
        company=green,
        due_on=date(2021, 6, 30),
        defaults={
            "openings": 2,
            "hours_per_week": Decimal(20),
            "description": "Chauffør og pakning",
        },
    )
    kitchen = companies["Stevns Køkken ApS"]
    for company, title, positions, hours, kind, starts, status in [
        (green, "Vaskeriassistent", 2, 15, OpeningKind.LOENTILSKUD, date(2021, 1, 4), "open"),
        (green, "Chauffør", 1, 20, OpeningKind.PRAKTIK, date(2021, 4, 1), "filled"),
        (kitchen, "Køkkenhjælp", 1, 10, OpeningKind.SMAAJOB, date(2021, 2, 1), "open"),
    ]:
        JobOpening.objects.get_or_create(
            company=company,
            title=title,
            defaults={
                "positions": positions,
                "hours_per_week": Decimal(hours),
                "kind": kind,
                "starts_on": starts,
                "status": status,
            },
        )
    if not ContactLogEntry.objects.filter(company=green).exists():
        for role, when, channel, subject in [
            (Role.EMPLOYMENT_ACTOR, date(2021, 2, 10), ContactChannel.VISIT, "Besøg om jobtilsagn"),
            (Role.CASEWORKER, date(2021, 2, 24), ContactChannel.PHONE, "Løntilskud til vaskeriet"),
        ]:
            author = context.users[role]
            ContactLogEntry.objects.create(
                company=green,
                date=when,
                channel=channel,
                subject=subject,
                summary="Aftalt at følge op om en måned.",
                follow_up_on=when + timedelta(days=30),
                author=author,
                organisation_id=author.organisation_id,
            )
    for company, when, topic in [
        (green, date(2019, 10, 3), "Forretningsplan og social model"),
        (green, date(2020, 1, 14), "Prissætning og salg"),
        (cafe, date(2020, 10, 20), "Likviditet"),
    ]:
        DevelopmentSession.objects.get_or_create(
            company=company,
            date=when,
            topic=topic,
            defaults={
                "hours": Decimal("2.0"),
                "developer": developer,
                "notes": "Opfølgning aftalt.",
            },
        )

    staff = [context.users[Role.CASEWORKER], context.users[Role.MUNICIPAL_LEAD]]
    for cluster_no, theme, title, when in CAMPS:
        camp, _ = Camp.objects.get_or_create(
            cluster=clusters[cluster_no],
            title=title,
            defaults={
                "theme": theme,
                "date": when,
                "place": "Fondens lokaler",
                "experts": "Ekstern underviser",
            },
        )
        for company in companies.values():
            if company.enrolled_cluster_id == camp.cluster_id:
                CampCompanyAttendance.objects.get_or_create(camp=camp, company=company)
        if cluster_no == 1:
            for user in staff:
                CampStaffAttendance.objects.get_or_create(camp=camp, user=user)

    # One camp ahead, so the start page has a next camp whatever day the demo runs.
    Camp.objects.get_or_create(
        cluster=clusters[2],
        title="Opfølgning: den sociale model i praksis",
        defaults={
            "theme": CampTheme.COLLEGIALITY,
            "date": timezone.localdate() + timedelta(days=21),
            "place": "Silkeborg Bad",
            "experts": "Ekstern underviser i socialt kollegaskab",
        },
    )

    campaign, _ = Campaign.objects.get_or_create(
        municipality=context.municipalities["Køge"],
        cluster=clusters[1],
        title="Rekruttering Køge 2019",
        defaults={
            "started_on": date(2019, 3, 1),
            "boot_camp_date": date(2019, 6, 3),
            "boot_camp_place": "Køge Erhvervsråd",
        },
    )
    BootCampInvitation.objects.get_or_create(
        campaign=campaign,
        company=green,
        defaults={"invited_on": date(2019, 4, 1), "attended": True, "selected": True},
    )
    context.companies = companies
