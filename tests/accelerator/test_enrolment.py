"""Selection into the programme uses a slot; two small companies may share one."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accelerator import services
from accelerator.models import CompanySize, ProgrammeSlot
from partnerships.models import ClusterMembership
from tests.factories.accelerator import CampaignFactory, CompanyFactory


@pytest.fixture
def koege(personas):
    membership = ClusterMembership.objects.get(
        cluster=personas.cluster, municipality=personas.own.municipality
    )
    membership.slots = 2
    membership.save()
    return membership


def _company(personas, size=CompanySize.SMALL):
    return CompanyFactory(municipality=personas.own.municipality, size=size)


def test_two_small_companies_sharing_a_slot_use_one_slot(personas, koege):
    first, second = _company(personas), _company(personas, CompanySize.MICRO)
    services.company_enrol(company=first, cluster=personas.cluster, by=personas.controller)
    services.company_enrol(
        company=second, cluster=personas.cluster, share_with=first, by=personas.controller
    )
    assert services.slots_used(cluster=personas.cluster, municipality_id=koege.municipality_id) == 1
    assert first.slot == second.slot
    assert second.enrolled_cluster == personas.cluster
    assert second.entry_year == personas.cluster.start_year


def test_the_slot_limit_is_enforced_with_a_clear_message(personas, koege):
    for _ in range(2):
        services.company_enrol(
            company=_company(personas), cluster=personas.cluster, by=personas.controller
        )
    with pytest.raises(ValidationError, match="Alle 2 pladser for Køge"):
        services.company_enrol(
            company=_company(personas), cluster=personas.cluster, by=personas.controller
        )
    assert ProgrammeSlot.objects.count() == 2


def test_a_shared_slot_still_leaves_room_within_the_limit(personas, koege):
    a, b, c = _company(personas), _company(personas), _company(personas)
    services.company_enrol(company=a, cluster=personas.cluster, by=personas.controller)
    services.company_enrol(
        company=b, cluster=personas.cluster, share_with=a, by=personas.controller
    )
    services.company_enrol(company=c, cluster=personas.cluster, by=personas.controller)
    assert ProgrammeSlot.objects.count() == 2


def test_a_medium_company_cannot_share_a_slot(personas, koege):
    small, medium = _company(personas), _company(personas, CompanySize.MEDIUM)
    services.company_enrol(company=small, cluster=personas.cluster, by=personas.controller)
    with pytest.raises(ValidationError, match="mikro- eller små"):
        services.company_enrol(
            company=medium, cluster=personas.cluster, share_with=small, by=personas.controller
        )


def test_a_slot_is_shared_by_at_most_two(personas, koege):
    a, b, c = _company(personas), _company(personas), _company(personas)
    services.company_enrol(company=a, cluster=personas.cluster, by=personas.controller)
    services.company_enrol(
        company=b, cluster=personas.cluster, share_with=a, by=personas.controller
    )
    with pytest.raises(ValidationError, match="allerede af to"):
        services.company_enrol(
            company=c, cluster=personas.cluster, share_with=a, by=personas.controller
        )


def test_the_enrol_screen_shows_the_slot_limit_instead_of_failing(personas, koege, signed_in):
    from .conftest import own_company

    for _ in range(2):
        services.company_enrol(
            company=_company(personas), cluster=personas.cluster, by=personas.controller
        )
    company = own_company(personas)
    response = signed_in(personas.developer).post(
        reverse("accelerator:company_enrol", args=[company.pk]), {"cluster": personas.cluster.pk}
    )
    assert response.status_code == 200
    assert "Alle 2 pladser for Køge" in response.content.decode()
    company.refresh_from_db()
    assert company.slot is None


def test_selection_from_the_boot_camp_marks_the_invitation(personas, koege, signed_in):
    from .conftest import own_company

    company = own_company(personas)
    campaign = CampaignFactory(municipality=personas.own.municipality, cluster=personas.cluster)
    invitation = services.campaign_invite(
        campaign=campaign, company=company, invited_on=campaign.started_on, by=personas.developer
    )
    client = signed_in(personas.developer)
    client.post(
        reverse("accelerator:campaign_attendance", args=[campaign.pk]),
        {"attended": [invitation.pk]},
    )
    invitation.refresh_from_db()
    assert invitation.attended
    page = client.get(reverse("accelerator:campaign_detail", args=[campaign.pk])).content.decode()
    assert f"?invitation={invitation.pk}" in page

    response = client.post(
        reverse("accelerator:company_enrol", args=[company.pk]) + f"?invitation={invitation.pk}",
        {"cluster": personas.cluster.pk},
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    company.refresh_from_db()
    assert invitation.selected
    assert company.enrolled_cluster == personas.cluster
