"""Journey: a caseworker hands their citizens to a colleague in the same jobcentre — the
form, the preview with the citizens by name, the confirmation — and the colleague finds
them in the citizen list under their own name."""

import pytest
from playwright.sync_api import expect

from demo.partnerships import DEMO_PASSWORD
from participants.models import Citizen
from partnerships.models import Cluster, Organisation, OrganisationKind, User
from siv.roles import Role
from tests.factories.participants import CitizenFactory
from tests.factories.partnerships import UserFactory

from .axe import assert_accessible
from .conftest import go_to, save_screenshot, sign_in

pytestmark = pytest.mark.e2e

NAMES = [("Karen", "Mortensen"), ("Ole", "Dam"), ("Rikke", "Bech")]


@pytest.fixture
def sofies_citizens(demo_people):
    sofie = User.objects.get(username="sagsbehandler")
    colleague = UserFactory(
        username="kollega",
        first_name="Jonas",
        last_name="Berg",
        role=Role.CASEWORKER,
        organisation=sofie.organisation,
        municipality=sofie.municipality,
        password=DEMO_PASSWORD,
    )
    actor = Organisation.objects.filter(kind=OrganisationKind.EMPLOYMENT_ACTOR).first()
    cluster = Cluster.objects.get(number=1)
    citizens = [
        CitizenFactory(
            first_name=first,
            last_name=last,
            municipality=sofie.municipality,
            cluster=cluster,
            employment_actor=actor,
            caseworker=sofie,
        )
        for first, last in NAMES
    ]
    return sofie, colleague, citizens


def test_a_caseworker_hands_her_citizens_to_a_colleague(page, sofies_citizens, request):
    sofie, colleague, citizens = sofies_citizens
    sign_in(page, "sagsbehandler")
    go_to(page, "Overdrag deltagere")
    expect(page.get_by_role("heading", name="Overdrag deltagere til en kollega")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Til sagsbehandler").select_option(label="Jonas Berg")
    page.get_by_role("button", name="Vis forhåndsvisning").click()

    expect(page.get_by_role("heading", name="Forhåndsvisning")).to_be_visible()
    expect(
        page.get_by_text("3 deltagere får Jonas Berg som sagsbehandler i stedet for Sofie Holm.")
    ).to_be_visible()
    for first, last in NAMES:
        expect(page.get_by_role("row").filter(has_text=f"{first} {last}")).to_contain_text(
            "Sofie Holm"
        )
    assert_accessible(page)
    save_screenshot(page, request, suffix="preview")
    page.get_by_role("button", name="Bekræft").click()

    expect(page.get_by_text("3 deltagere er overdraget.")).to_be_visible()
    assert Citizen.objects.filter(caseworker=colleague).count() == 3

    # The colleague signs in and finds the citizens under their own name.
    page.context.clear_cookies()
    sign_in(page, "kollega")
    go_to(page, "Deltagere")
    page.get_by_label("Sagsbehandler").select_option(label="Jonas Berg")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    for first, last in NAMES:
        expect(page.get_by_role("row").filter(has_text=f"{first} {last}")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="rækker")).to_have_text("3 rækker")
    assert_accessible(page)
