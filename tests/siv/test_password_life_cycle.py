"""The password life cycle (ASVS 2.1.5, 2.1.6, 2.3.1): a user changes their own password with
the current one, their other sessions end; an administrator's one-time link lets a user choose
a password; Django's validators judge every new one."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from siv.models import AuditAction, AuditEntry, PasswordLink, UserSession
from siv.passwords import password_link_issue
from tests.factories.partnerships import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "Ravnsborg-tværgade-17-blå"
CHANGE = reverse("password_change")


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in(username, password=PASSWORD) -> Client:
    browser = Client()
    assert sign_in(browser, username, password).status_code == 302
    return browser


def change(client, *, current=PASSWORD, new=NEW, repeat=None):
    return client.post(
        CHANGE,
        {"old_password": current, "new_password1": new, "new_password2": repeat or new},
    )


def test_the_change_refuses_a_wrong_current_password(personas):
    browser = signed_in("koege-aktoer")
    response = change(browser, current="forkert-adgangskode")
    assert response.status_code == 200
    assert "Din nuværende adgangskode er forkert." in response.content.decode()
    personas.actor.refresh_from_db()
    assert personas.actor.check_password(PASSWORD)
    refused = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert refused.details == {"reason": "current_password"}


def test_wrong_current_passwords_as_many_as_the_lockout_allows_end_the_session(personas, settings):
    settings.AXES_FAILURE_LIMIT = 3
    browser = signed_in("koege-aktoer")
    for _ in range(2):
        assert change(browser, current="forkert-adgangskode").status_code == 200
    response = change(browser, current="forkert-adgangskode")
    assert response["Location"] == reverse("login")
    assert browser.get(reverse("home")).status_code == 302
    page = browser.get(reverse("login")).content.decode()
    assert "Du er logget ud efter for mange forkerte forsøg. Log ind igen." in page


def test_a_change_keeps_this_session_and_ends_the_others(personas):
    other = signed_in("koege-aktoer")
    browser = signed_in("koege-aktoer")
    colleague = signed_in("koege-sagsbehandler")

    response = change(browser)
    assert response["Location"] == reverse("account")
    followed = browser.get(reverse("account")).content.decode()
    assert "Din adgangskode er skiftet. Du er logget ud alle andre steder." in followed

    assert other.get(reverse("home")).status_code == 302
    assert colleague.get(reverse("home")).status_code == 200
    assert UserSession.objects.filter(user_id=personas.actor.pk).count() == 1
    assert sign_in(Client(), "koege-aktoer").status_code == 200  # the old one is refused
    assert sign_in(Client(), "koege-aktoer", NEW).status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.CHANGE, details__password_changed=True)
    assert entry.details["sessions_ended"] == 1
    assert NEW not in str(entry.details) and PASSWORD not in str(entry.details)


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("1234567890qwertyuiop", "Denne adgangskode er for almindelig."),
        ("koege-aktoer1", "Din adgangskode minder for meget om"),
        ("Kort-1a", "Denne adgangskode er for kort."),
        ("408127639015724", "Denne adgangskode er udelukkende numerisk."),
    ],
)
def test_djangos_validators_judge_the_new_password(personas, new, message):
    browser = signed_in("koege-aktoer")
    response = change(browser, new=new)
    assert message in response.content.decode()
    personas.actor.refresh_from_db()
    assert personas.actor.check_password(PASSWORD)


def test_the_two_new_passwords_must_match(personas):
    response = change(signed_in("koege-aktoer"), repeat=NEW + "x")
    assert "De to adgangskoder er ikke ens." in response.content.decode()


def test_the_new_password_must_differ_from_the_current(personas):
    personas.actor.set_password(NEW)
    personas.actor.save()
    response = change(signed_in("koege-aktoer", NEW), current=NEW, new=NEW)
    assert "Den nye adgangskode skal være en anden end den nuværende." in (
        response.content.decode()
    )


def test_the_change_form_has_a_strength_meter_and_asks_for_the_current_password(personas):
    page = signed_in("koege-aktoer").get(CHANGE).content.decode()
    assert 'autocomplete="current-password"' in page
    assert 'data-password-strength="[&quot;Meget svag&quot;' in page
    assert "js/password.js" in page


# The administrator's link


def open_link(browser, key):
    """Open the link and press the button: the session now holds the link."""
    url = reverse("password_link", args=[key])
    assert browser.get(url).status_code == 200
    response = browser.post(url)
    assert response["Location"] == reverse("password_set")
    return url


def test_a_link_sets_the_password_once_and_ends_the_users_sessions(personas):
    old_session = signed_in("koege-aktoer")
    key = password_link_issue(user=personas.actor, by=personas.admin)
    browser = Client()
    page = browser.get(reverse("password_link", args=[key])).content.decode()
    assert "Linket virker kun én gang." in page

    open_link(browser, key)
    form = browser.get(reverse("password_set")).content.decode()
    assert "koege-aktoer" in form and 'autocomplete="new-password"' in form

    weak = browser.post(
        reverse("password_set"),
        {"new_password1": "administrator", "new_password2": "administrator"},
    )
    assert "Denne adgangskode er for almindelig." in weak.content.decode()

    done = browser.post(reverse("password_set"), {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("login")
    assert (
        "Din adgangskode er gemt. Log ind med den."
        in browser.get(reverse("login")).content.decode()
    )
    assert sign_in(Client(), "koege-aktoer", NEW).status_code == 302
    assert old_session.get(reverse("home")).status_code == 302

    # Used: neither the session nor the link sets it again.
    again = browser.post(reverse("password_set"), {"new_password1": "x", "new_password2": "x"})
    assert again.status_code == 404
    assert Client().get(reverse("password_link", args=[key])).status_code == 404
    link = PasswordLink.objects.get(user=personas.actor)
    assert link.used is not None
    used = AuditEntry.objects.filter(action=AuditAction.CHANGE, object_id=str(link.pk)).latest("at")
    assert used.details["sessions_ended"] == 1 and NEW not in str(used.details)


def test_opening_a_link_does_not_use_it_but_continuing_retires_its_address(personas):
    key = password_link_issue(user=personas.actor, by=personas.admin)
    url = reverse("password_link", args=[key])
    for _preview in range(2):  # a chat's or a mail scanner's preview
        assert Client().get(url).status_code == 200

    browser = Client()
    open_link(browser, key)
    # The address (in a proxy's log, the history) opens nothing any more; the session goes on.
    assert Client().get(url).status_code == 404
    assert Client().post(url).status_code == 404
    assert browser.get(reverse("password_set")).status_code == 200


def test_a_link_expires_after_the_setting(personas, settings):
    settings.SIV_PASSWORD_LINK_HOURS = 24
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        key = password_link_issue(user=personas.actor, by=personas.admin)
    url = reverse("password_link", args=[key])
    with time_machine.travel(start + timedelta(hours=23, minutes=59), tick=False):
        assert Client().get(url).status_code == 200
    with time_machine.travel(start + timedelta(hours=24, minutes=1), tick=False):
        response = Client().get(url)
    assert response.status_code == 404
    assert "Linket er udløbet eller allerede brugt." in response.content.decode()


def test_a_link_stops_working_when_the_session_has_it_but_the_link_expired(personas):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        key = password_link_issue(user=personas.actor, by=personas.admin)
        browser = Client()
        open_link(browser, key)
    with time_machine.travel(start + timedelta(hours=49), tick=False):
        response = browser.post(
            reverse("password_set"), {"new_password1": NEW, "new_password2": NEW}
        )
    assert response.status_code == 404
    personas.actor.refresh_from_db()
    assert personas.actor.check_password(PASSWORD)


def test_a_deactivated_users_link_opens_nothing(personas):
    key = password_link_issue(user=personas.actor, by=personas.admin)
    personas.actor.is_active = False
    personas.actor.save()
    assert Client().get(reverse("password_link", args=[key])).status_code == 404


def test_password_set_without_a_link_in_the_session_is_not_found(personas):
    assert Client().get(reverse("password_set")).status_code == 404
