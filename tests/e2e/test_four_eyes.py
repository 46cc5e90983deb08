"""Four eyes in the browser: a controller proposes a payment and a second controller approves
it; an administrator proposes the administrator role and a second administrator approves it.
Every step that books or gives a right asks first, in Danish."""

from datetime import date

import pytest
from django.urls import reverse

from partnerships.models import Municipality, User
from pbr.models import Contract, LedgerEntry
from siv.roles import Role
from tests.factories.pbr import make_contract

from .axe import assert_accessible
from .conftest import sign_in

pytestmark = pytest.mark.e2e


def second_page(browser, live_server, username: str):
    context = browser.new_context(base_url=live_server.url, locale="da-DK")
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, username)
    return page


def accept_asking(page, dialogs: list[str]) -> None:
    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)


def test_a_payment_is_booked_when_the_second_controller_approves_it(
    signed_in_page, browser, live_server
):
    koege = Municipality.objects.get(name="Køge")
    contract = Contract.objects.filter(municipality=koege).first() or make_contract(
        koege, valid_from=date(2024, 1, 1)
    )
    page = signed_in_page("controller")
    asked: list[str] = []
    accept_asking(page, asked)
    page.goto(reverse("pbr:contract_detail", args=[contract.pk]))
    page.get_by_role("link", name="Foreslå betaling").click()
    page.get_by_label("Beløb (kr.)").fill("2.500,50")
    page.get_by_role("button", name="Foreslå").click()
    page.wait_for_load_state()
    assert asked == ["Foreslå betalingen? En anden controller skal godkende den."]
    assert page.get_by_text("Det bogføres, når en anden controller har godkendt det.").is_visible()
    assert not LedgerEntry.objects.exists()

    approver = second_page(browser, live_server, "controller2")
    approved: list[str] = []
    accept_asking(approver, approved)
    approver.goto(reverse("pbr:proposal_list"))
    assert_accessible(approver)
    approver.get_by_role("link", name="Betaling #").first.click()
    assert approver.get_by_text("2.500,50 kr.").is_visible()
    assert_accessible(approver)
    approver.get_by_role("button", name="Godkend og bogfør").click()
    approver.wait_for_load_state()
    assert approved == ["Godkend og bogfør posteringen? Den kan ikke ændres bagefter."]
    assert approver.get_by_text("godkendt og bogført som postering #1").is_visible()
    entry = LedgerEntry.objects.get()
    assert entry.created_by == User.objects.get(username="controller2")
    approver.context.close()


def test_the_administrator_role_is_given_when_the_second_administrator_approves_it(
    signed_in_page, browser, live_server
):
    developer = User.objects.get(username="udvikler")
    page = signed_in_page("admin")
    page.goto(reverse("partnerships:user_edit", args=[developer.pk]))
    page.get_by_label("Rolle").select_option(Role.ADMIN)
    page.get_by_role("button", name="Gem").click()
    page.wait_for_load_state()
    assert page.get_by_text("Administratorrollen er foreslået.").is_visible()
    assert page.get_by_text("Du kan ikke selv godkende forslaget").is_visible()
    developer.refresh_from_db()
    assert developer.role == Role.BUSINESS_DEVELOPER

    approver = second_page(browser, live_server, "admin2")
    asked: list[str] = []
    accept_asking(approver, asked)
    approver.goto(reverse("partnerships:user_list"))
    assert approver.get_by_text("Forslag om administratorrolle, der venter").is_visible()
    assert_accessible(approver)
    approver.get_by_role("link", name="udvikler").first.click()
    assert_accessible(approver)
    approver.get_by_role("button", name="Godkend administratorrollen").click()
    approver.wait_for_load_state()
    assert asked == [
        "Godkend, at brugeren bliver administrator med adgang til alle brugere og alle data?"
    ]
    assert approver.get_by_text("brugeren er nu administrator").is_visible()
    developer.refresh_from_db()
    assert developer.role == Role.ADMIN
    approver.context.close()
