"""Journey: a caseworker proposes a new citizen, the employment actor accepts the proposal,
and the caseworker sees it accepted."""

import re

import pytest
from playwright.sync_api import expect

from .axe import assert_accessible
from .conftest import go_to, save_screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_a_caseworker_proposes_a_citizen_and_the_actor_accepts(page, demo_people, request):
    sign_in(page, "sagsbehandler")
    go_to(page, "Visitationer")
    expect(page.get_by_role("heading", name="Visitationer", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Foreslå en borger").click()
    expect(page.get_by_role("heading", name="Foreslå en borger til en plads")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("CPR-nummer").fill("010190-1234")
    page.get_by_label("Fornavn").fill("Karen")
    page.get_by_label("Efternavn").fill("Mortensen")
    page.get_by_label("Køn").select_option(label="Kvinde")
    page.get_by_label("Målgruppe").select_option(label="Ressourceforløb")
    page.get_by_label("Ydelse").select_option(label="Ressourceforløbsydelse")
    page.get_by_label("Arbejdsmarkedsstatus ved start").select_option(label="Langtidsledig")
    page.get_by_label("Klynge").select_option(label="Klynge 1 (2019)")
    page.get_by_label("Beskæftigelsesaktør").select_option(label="Stevns Beskæftigelse")
    page.get_by_label("Realistisk med job på mindst 20 timer").select_option(label="Ja")
    save_screenshot(page, request, suffix="proposal")
    page.get_by_role("button", name="Send forslag").click()

    expect(page.get_by_text("Visitationen er sendt til beskæftigelsesaktøren.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Karen Mortensen")
    assert_accessible(page)

    # The actor signs in (a fresh session) and reviews the proposal.
    page.context.clear_cookies()
    sign_in(page, "aktoer")
    go_to(page, "Visitationer")
    row = page.get_by_role("row").filter(has_text="Karen Mortensen")
    expect(row).to_contain_text("Foreslået")
    assert_accessible(page)

    row.get_by_role("link", name="Vurder").click()
    expect(page.get_by_role("heading", name="Godkend eller afvis")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Godkend").check()
    page.get_by_role("button", name="Gem vurdering").click()

    expect(page.get_by_text("Visitationen er godkendt.")).to_be_visible()
    save_screenshot(page, request, suffix="accepted-by-actor")

    # The caseworker sees the visitation accepted.
    page.context.clear_cookies()
    sign_in(page, "sagsbehandler")
    go_to(page, "Visitationer")
    page.get_by_role("link", name="Godkendt").click()
    expect(page).to_have_url(re.compile(r"status=accepted"))
    row = page.get_by_role("row").filter(has_text="Karen Mortensen")
    expect(row).to_contain_text("Godkendt")
    expect(row).to_contain_text("Stevns Beskæftigelse")
    assert_accessible(page)
