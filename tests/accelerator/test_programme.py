"""The programme per cluster: 12 months from its start, then 6 months of follow-up."""

import datetime

from django.urls import reverse

from accelerator import services
from accelerator.models import BootCampInvitation, Campaign, Programme
from tests.factories.accelerator import CampaignFactory

from .conftest import own_company


def test_the_controller_sets_the_start_and_the_page_shows_programme_and_follow_up(
    personas, signed_in
):
    client = signed_in(personas.controller)
    url = reverse("accelerator:programme_detail", args=[personas.cluster.pk])
    assert client.post(url, {"start": "2019-09-01"}).status_code == 302
    programme = Programme.objects.get(cluster=personas.cluster)
    assert programme.end == datetime.date(2020, 9, 1)
    assert programme.follow_up_end == datetime.date(2021, 3, 1)
    page = client.get(url).content.decode()
    assert "01.09.2019 – 01.09.2020" in page and "01.03.2021" in page


def test_a_caseworker_reads_the_programme_but_cannot_set_its_start(personas, signed_in):
    client = signed_in(personas.caseworker)
    url = reverse("accelerator:programme_detail", args=[personas.cluster.pk])
    page = client.get(url).content.decode()
    assert "Gem programstart" not in page
    assert client.post(url, {"start": "2019-09-01"}).status_code == 404
    assert not Programme.objects.exists()


def test_the_programme_page_counts_a_shared_slot_once(personas, signed_in):
    from tests.factories.accelerator import CompanyFactory

    a = own_company(personas)
    b = CompanyFactory(municipality=personas.own.municipality, size="micro")
    services.company_enrol(company=a, cluster=personas.cluster, by=personas.controller)
    services.company_enrol(
        company=b, cluster=personas.cluster, share_with=a, by=personas.controller
    )
    page = (
        signed_in(personas.controller)
        .get(reverse("accelerator:programme_detail", args=[personas.cluster.pk]))
        .content.decode()
    )
    koege_row = page.split('<th scope="row">Køge</th>')[1].split("</tr>")[0]
    assert [cell.split(">")[1].split("<")[0] for cell in koege_row.split("<td")[1:]] == [
        "12",
        "1",
        "2",
    ]


def test_a_campaign_is_created_and_a_company_invited_once(personas, signed_in):
    client = signed_in(personas.developer)
    response = client.post(
        reverse("accelerator:campaign_create"),
        {
            "municipality": personas.own.municipality.pk,
            "cluster": personas.cluster.pk,
            "title": "Rekruttering Køge",
            "started_on": "2019-03-01",
            "boot_camp_date": "2019-06-03",
        },
    )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "03.06.2019 – 04.06.2019" in detail

    company = own_company(personas)
    campaign = Campaign.objects.get()
    invite = reverse("accelerator:campaign_invite", args=[campaign.pk])
    data = {"company": company.pk, "invited_on": "2019-04-01"}
    assert client.post(invite, data).status_code == 302
    # Once invited, the company is no longer offered: a second try is a form error.
    response = client.post(invite, data)
    assert response.status_code == 200
    assert BootCampInvitation.objects.filter(campaign=campaign).count() == 1


def test_campaigns_of_another_municipality_are_not_found_for_a_caseworker(personas, signed_in):
    campaign = CampaignFactory(municipality=personas.foreign.municipality, cluster=personas.cluster)
    response = signed_in(personas.caseworker).get(
        reverse("accelerator:campaign_detail", args=[campaign.pk])
    )
    assert response.status_code == 404


def test_the_programme_phase_follows_the_calendar(personas):
    programme = Programme(cluster=personas.cluster, start=datetime.date(2019, 9, 1))
    assert programme.phase_on(datetime.date(2019, 8, 31)) == "Ikke startet"
    assert programme.phase_on(datetime.date(2019, 9, 1)) == "I gang"
    assert programme.phase_on(datetime.date(2020, 9, 1)) == "Opfølgning"
    assert programme.phase_on(datetime.date(2021, 3, 1)) == "Afsluttet"
