"""The password life cycle in the browser: an administrator creates a user and hands them a
one-time link, with which the user chooses a password (strength meter, show-password button);
a user changes their own password on their account page, and their other browser is signed
out."""

import re

import pytest
from playwright.sync_api import expect

from .axe import assert_accessible
from .conftest import sign_in

pytestmark = pytest.mark.e2e

CHOSEN = "Ravnsborg-tværgade-17-blå"


def accept_confirmations(page):
    page.on("dialog", lambda dialog: dialog.accept())


def test_a_new_user_chooses_their_password_with_the_administrators_link(
    browser, live_server, page, demo_people
):
    accept_confirmations(page)
    sign_in(page, "admin")
    page.goto("/brugere/ny/")
    assert page.locator('input[type="password"]').count() == 0  # no password chosen for them
    page.get_by_label("Brugernavn").fill("ny-controller")
    page.get_by_label("Fornavn").fill("Nina")
    page.get_by_label("Efternavn").fill("Berg")
    page.get_by_label("Rolle").select_option(label="Projektcontroller")
    page.get_by_label("Organisation").select_option(label="Den Sociale Kapitalfond")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Ikke sat endnu")).to_be_visible()

    page.get_by_role("button", name="Udsted link til adgangskode").click()
    link = page.locator("[data-password-link]").input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/konto/link/[\w-]+/", link)
    page.get_by_role("button", name="Log ud").click()

    # The new user, in a browser of their own.
    context = browser.new_context(base_url=live_server.url, locale="da-DK")
    user = context.new_page()
    try:
        user.goto(link)
        user.get_by_role("button", name="Fortsæt").click()
        expect(user).to_have_url(re.compile(r"/konto/vaelg-adgangskode/$"))
        assert link.split("/konto/link/")[1] not in user.url
        new = user.get_by_label("Ny adgangskode")

        new.fill("ny-controller1")
        expect(user.locator("[data-password-strength-text]")).to_have_text("Styrke: Meget svag")
        new.fill(CHOSEN)
        expect(user.locator("[data-password-strength-text]")).to_have_text("Styrke: Meget stærk")
        assert new.get_attribute("type") == "password"
        show = user.get_by_role("button", name="Vis adgangskode").first
        show.click()
        assert new.get_attribute("type") == "text"
        expect(user.get_by_role("button", name="Skjul adgangskode")).to_be_visible()
        assert_accessible(user)

        user.get_by_label("Gentag den nye adgangskode").fill(CHOSEN)
        user.get_by_role("button", name="Gem adgangskode").click()
        expect(user.get_by_text("Din adgangskode er gemt. Log ind med den.")).to_be_visible()

        sign_in(user, "ny-controller", CHOSEN)
        expect(user.get_by_role("heading", level=1)).to_contain_text("Goddag")

        # The link is used up.
        user.goto(link)
        expect(user.get_by_role("heading", name="Linket virker ikke")).to_be_visible()
    finally:
        context.close()


def test_a_user_changes_their_password_and_their_other_browser_is_signed_out(
    browser, live_server, page, demo_people
):
    other_context = browser.new_context(base_url=live_server.url, locale="da-DK")
    other = other_context.new_page()
    try:
        sign_in(other, "aktoer")
        sign_in(page, "aktoer")

        page.get_by_role("link", name=re.compile("Beskæftigelsesaktør")).click()
        expect(page.get_by_role("heading", name="Min konto")).to_be_visible()
        sessions = page.locator("[data-sessions] tbody tr")
        expect(sessions).to_have_count(2)
        expect(sessions.first).to_contain_text("Denne session")
        assert_accessible(page)

        page.get_by_role("link", name="Skift adgangskode").click()
        page.get_by_label("Nuværende adgangskode").fill("siv-demo-2026")
        page.get_by_label("Ny adgangskode").fill(CHOSEN)
        page.get_by_label("Gentag den nye adgangskode").fill(CHOSEN)
        assert_accessible(page)
        page.get_by_role("button", name="Skift adgangskode").click()

        expect(
            page.get_by_text("Din adgangskode er skiftet. Du er logget ud alle andre steder.")
        ).to_be_visible()
        expect(page.locator("[data-sessions] tbody tr")).to_have_count(1)

        other.reload()
        expect(other).to_have_url(re.compile(r"/login/"))
        sign_in(other, "aktoer", CHOSEN)
        expect(other.get_by_role("heading", level=1)).to_contain_text("Goddag")
    finally:
        other_context.close()
