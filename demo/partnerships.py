"""Demo data: the programme's 2 clusters and 12 municipalities with their slots,
organisations and one user per role."""

from datetime import date, timedelta

from django.utils import timezone

from demo.context import DemoContext
from partnerships.models import (
    EVALUATION_QUESTIONS,
    PLACES_PER_SLOT,
    Answer,
    Cluster,
    ClusterMembership,
    CollaborationEvaluation,
    GrowthPartnership,
    Municipality,
    Organisation,
    OrganisationKind,
    PartnerPlanEntry,
    PartnershipMeeting,
    SteeringGroupMeeting,
    User,
)
from siv.roles import Role

DEMO_PASSWORD = "siv-demo-2026"

# The programme's memberships: per cluster (start year), each municipality's accelerator
# company slots; every slot carries PLACES_PER_SLOT citizen places.
CLUSTERS = {
    1: (
        2019,
        {"Aalborg": 2, "Kolding": 1, "Gentofte": 2, "Køge": 1, "Stevns": 2, "Odsherred": 2},
    ),
    2: (
        2020,
        {
            "Ikast-Brande": 1,
            "Holstebro": 1,
            "Silkeborg": 2,
            "Frederiksberg": 2,
            "Gribskov": 1,
            "Holbæk": 1,
        },
    ),
}
ACTORS = {
    "Stevns Beskæftigelse": "Stevns",
    "Odsherred Jobværksted": "Odsherred",
    "Jobværkstedet Silkeborg": "Silkeborg",
}
COMPANIES = {
    "Grøn Vask ApS": "Køge",
    "Café Åen ApS": "Silkeborg",
    "Holstebro Cykler ApS": "Holstebro",
    "Stevns Køkken ApS": "Stevns",
}


def _org(kind, name, municipality=None):
    org, _ = Organisation.objects.get_or_create(
        kind=kind, name=name, defaults={"municipality": municipality}
    )
    return org


def _user(username, role, first, last, organisation, municipality=None):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "role": role,
            "first_name": first,
            "last_name": last,
            "organisation": organisation,
            "municipality": municipality,
            "email": f"{username}@demo.siv.dk",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.full_clean()
        user.save()
    return user


def seed(context: DemoContext) -> None:
    munis = {
        m.name: m
        for m in Municipality.objects.filter(
            name__in=[name for _, names in CLUSTERS.values() for name in names]
        )
    }
    clusters = {}
    for number, (year, names) in CLUSTERS.items():
        cluster, _ = Cluster.objects.get_or_create(number=number, defaults={"start_year": year})
        clusters[number] = cluster
        for name, slots in names.items():
            ClusterMembership.objects.get_or_create(
                cluster=cluster,
                municipality=munis[name],
                defaults={
                    "slots": slots,
                    "places_per_slot": PLACES_PER_SLOT,
                    "declaration_signed": date(year - 1, 11, 1),
                },
            )
    fund = _org(OrganisationKind.FUND, "Den Sociale Kapitalfond")
    jobcentres = {
        name: _org(OrganisationKind.MUNICIPALITY, f"Jobcenter {name}", muni)
        for name, muni in munis.items()
    }
    actors = {
        name: _org(OrganisationKind.EMPLOYMENT_ACTOR, name, munis[m]) for name, m in ACTORS.items()
    }
    companies = {
        name: _org(OrganisationKind.COMPANY, name, munis[m]) for name, m in COMPANIES.items()
    }

    partnerships = {}
    for number, (year, names) in CLUSTERS.items():
        for name in names:
            partnership, created = GrowthPartnership.objects.get_or_create(
                municipality=munis[name],
                cluster=clusters[number],
                name=f"Vækstpartnerskab {name}",
                defaults={
                    "facilitation_start": date(year, 3, 1),
                    "jobcentre_contact": f"Virksomhedskonsulent, Jobcenter {name}",
                    "terms_of_reference": (
                        "Partnerskabet samler jobcentret, beskæftigelsesaktøren, "
                        "acceleratorvirksomheden og fonden om at skabe job til borgere "
                        "langt fra arbejdsmarkedet."
                    ),
                },
            )
            partnerships[name] = partnership
    sjaelland_actor = actors["Stevns Beskæftigelse"]
    for name in ("Køge", "Stevns"):
        partnerships[name].partners.add(sjaelland_actor, companies["Grøn Vask ApS"])
        partnerships[name].single_point_of_contact = sjaelland_actor
        partnerships[name].save()
    partnerships["Odsherred"].partners.add(actors["Odsherred Jobværksted"])
    for name in ("Silkeborg", "Holstebro", "Ikast-Brande"):
        partnerships[name].partners.add(actors["Jobværkstedet Silkeborg"])
    partnerships["Silkeborg"].partners.add(companies["Café Åen ApS"])
    partnerships["Holstebro"].partners.add(companies["Holstebro Cykler ApS"])

    meeting, _ = SteeringGroupMeeting.objects.get_or_create(
        date=date(2020, 4, 15),
        defaults={
            "place": "Køge Rådhus",
            "minutes": (
                "Status på klynge 1. Visitationstakten drøftet; aftale om fast kontaktperson."
            ),
            "attendees": "Den Sociale Kapitalfond\nJobcenter Køge\nJobcenter Stevns",
        },
    )
    meeting.attending_municipalities.set([munis["Køge"], munis["Stevns"], munis["Odsherred"]])
    upcoming, _ = SteeringGroupMeeting.objects.get_or_create(
        place="Silkeborg Rådhus",
        defaults={"date": timezone.localdate() + timedelta(days=30)},
    )
    upcoming.attending_municipalities.set([munis["Silkeborg"], munis["Holstebro"]])

    koege = partnerships["Køge"]
    PartnerPlanEntry.objects.get_or_create(
        partnership=koege,
        organisation=companies["Grøn Vask ApS"],
        defaults={
            "needs": "Medarbejdere til vask og pakning, 15-20 timer om ugen.",
            "wishes": "Buddy-træning til to faste medarbejdere.",
        },
    )
    PartnershipMeeting.objects.get_or_create(
        partnership=koege,
        date=date(2019, 4, 2),
        defaults={"notes": "Opstart: roller, fast kontaktperson og de første visitationer."},
    )
    CollaborationEvaluation.objects.get_or_create(
        partnership=koege,
        organisation=companies["Grøn Vask ApS"],
        year=2020,
        defaults={
            "answers": {
                key: {"answer": Answer.YES if n % 3 else Answer.PARTLY, "comment": ""}
                for n, (key, _label) in enumerate(EVALUATION_QUESTIONS)
            }
        },
    )

    users = {
        Role.CASEWORKER: _user(
            "sagsbehandler", Role.CASEWORKER, "Sofie", "Holm", jobcentres["Køge"], munis["Køge"]
        ),
        Role.MUNICIPAL_LEAD: _user(
            "projektleder", Role.MUNICIPAL_LEAD, "Peter", "Lund", jobcentres["Køge"], munis["Køge"]
        ),
        Role.EMPLOYMENT_ACTOR: _user(
            "aktoer", Role.EMPLOYMENT_ACTOR, "Amira", "Jensen", sjaelland_actor
        ),
        Role.BUSINESS_DEVELOPER: _user("udvikler", Role.BUSINESS_DEVELOPER, "Mads", "Krogh", fund),
        Role.CONTROLLER: _user("controller", Role.CONTROLLER, "Karen", "Beck", fund),
        Role.COMPANY_CONTACT: _user(
            "virksomhed", Role.COMPANY_CONTACT, "Lars", "Vask", companies["Grøn Vask ApS"]
        ),
        Role.ADMIN: _user("admin", Role.ADMIN, "Ida", "Admin", fund),
    }
    context.municipalities = munis
    context.clusters = clusters
    context.actors = actors
    context.company_organisations = companies
    context.partnerships = partnerships
    colleagues = {
        Role.CONTROLLER: _user("controller2", Role.CONTROLLER, "Jonas", "Friis", fund),
        Role.ADMIN: _user("admin2", Role.ADMIN, "Mette", "Skov", fund),
    }
    context.users = users
    context.colleagues = colleagues
    context.report.extend(
        [f"Demo password for every user: {DEMO_PASSWORD}"]
        + [f"  {user.username:<14} {Role(role).label}" for role, user in users.items()]
        + [
            f"  {user.username:<14} {Role(role).label} (approves what {users[role].username} "
            "proposes)"
            for role, user in colleagues.items()
        ]
    )
