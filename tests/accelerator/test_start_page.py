"""The business developer's start page and the menu."""

import datetime

from django.urls import reverse
from django.utils import timezone

from tests.factories.accelerator import CampFactory, MilestoneFactory

from .conftest import foreign_company, own_company


def test_the_developer_sees_companies_milestones_due_and_the_next_camp(personas, signed_in):
    today = timezone.localdate()
    company = own_company(personas)
    MilestoneFactory(
        company=company, kind="tasks_identified", due_on=today + datetime.timedelta(days=5)
    )
    MilestoneFactory(
        company=company, kind="follow_up_done", due_on=today + datetime.timedelta(days=90)
    )
    MilestoneFactory(company=foreign_company(personas), kind="tasks_identified", due_on=today)
    CampFactory(
        cluster=personas.cluster, title="Gammel camp", date=today - datetime.timedelta(days=3)
    )
    CampFactory(
        cluster=personas.cluster, title="Næste camp", date=today + datetime.timedelta(days=7)
    )
    CampFactory(
        cluster=personas.cluster, title="Senere camp", date=today + datetime.timedelta(days=30)
    )

    page = signed_in(personas.developer).get(reverse("home")).content.decode()
    assert "Mine virksomheder" in page
    assert "Grøn Vask ApS" in page
    assert "Sydhavn Café ApS" not in page
    assert "Værdiskabende opgaver identificeret" in page
    assert "Opfølgning gennemført" not in page
    assert "Næste camp" in page and "Senere camp" not in page and "Gammel camp" not in page


def test_the_menu_shows_companies_to_all_and_camps_to_fund_and_municipal_roles(personas, signed_in):
    client = signed_in(personas.caseworker)
    page = client.get(reverse("home")).content.decode()
    assert reverse("accelerator:company_list") in page
    assert reverse("accelerator:camp_list") in page
    client = signed_in(personas.contact)
    page = client.get(reverse("home")).content.decode()
    assert reverse("accelerator:company_list") in page
    assert reverse("accelerator:camp_list") not in page


def test_a_company_contact_sees_own_company_buddies_and_commitments(personas, signed_in):
    from tests.factories.accelerator import JobCommitmentFactory

    company = own_company(personas)
    company.buddies.create(name="Mette", trained_on=datetime.date(2020, 2, 20))
    company.buddies.create(name="Jens")
    JobCommitmentFactory(company=company, openings=3, due_on=datetime.date(2021, 6, 30))
    JobCommitmentFactory(company=foreign_company(personas), openings=9)

    page = signed_in(personas.contact).get(reverse("home")).content.decode()
    assert "Min virksomhed" in page and "Grøn Vask ApS" in page
    assert "2 buddies, heraf 1 uddannet" in page
    assert "3 job à 15,0 timer pr. uge senest 30.06.2021" in page
    assert "9 job" not in page


def test_a_company_contact_without_a_company_is_told_so(personas, signed_in):
    page = signed_in(personas.contact).get(reverse("home")).content.decode()
    assert "Din virksomhed er ikke registreret i acceleratoren endnu." in page
