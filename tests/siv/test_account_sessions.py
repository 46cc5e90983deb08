"""The account page (ASVS 3.3.4, 3.5.1): a user sees where they are signed in and their API
tokens, and ends a session or revokes a token; the session store knows each session's user."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from siv.models import AuditAction, AuditEntry, UserSession
from siv.sessions import session_ref
from siv_api.services import token_issue
from tests.factories.partnerships import PASSWORD

pytestmark = pytest.mark.django_db

ACCOUNT = reverse("account")
END = reverse("session_end")


def signed_in(username, *, agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0") -> Client:
    browser = Client(HTTP_USER_AGENT=agent)
    response = browser.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_the_page_lists_the_users_own_sessions_this_one_first(personas):
    signed_in("koege-aktoer", agent="Firefox på kontoret")
    browser = signed_in("koege-aktoer", agent="Chromium derhjemme")
    signed_in("koege-sagsbehandler", agent="Kollegaens Edge")

    response = browser.get(ACCOUNT)
    sessions = response.context["sessions"]
    assert [(s.current, s.agent, s.ip) for s in sessions] == [
        (True, "Chromium derhjemme", "127.0.0.1"),
        (False, "Firefox på kontoret", "127.0.0.1"),
    ]
    page = response.content.decode()
    assert "Denne session" in page and "Firefox på kontoret" in page
    assert "Kollegaens Edge" not in page
    # A session is named by a digest, never by its key (which would sign in).
    assert browser.session.session_key not in page


def test_the_user_ends_one_of_their_other_sessions(personas):
    office = signed_in("koege-aktoer")
    home = signed_in("koege-aktoer")
    browser = signed_in("koege-aktoer")
    response = browser.post(END, {"session": session_ref(office.session.session_key)})
    assert response["Location"] == ACCOUNT
    assert "Sessionen er afsluttet." in browser.get(ACCOUNT).content.decode()
    assert office.get(reverse("home")).status_code == 302
    assert home.get(reverse("home")).status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.CHANGE, details__sessions_ended=1)
    assert entry.actor == personas.actor and entry.object_id == str(personas.actor.pk)


def test_the_user_signs_out_everywhere_else(personas):
    others = [signed_in("koege-aktoer") for _ in range(2)]
    browser = signed_in("koege-aktoer")
    browser.post(END, {"session": "others"})
    assert "Du er logget ud alle andre steder." in browser.get(ACCOUNT).content.decode()
    assert all(other.get(reverse("home")).status_code == 302 for other in others)
    assert UserSession.objects.filter(user_id=personas.actor.pk).count() == 1


def test_another_users_session_cannot_be_ended(personas):
    colleague = signed_in("koege-sagsbehandler")
    browser = signed_in("koege-aktoer")
    browser.post(END, {"session": session_ref(colleague.session.session_key)})
    assert "Sessionen var allerede afsluttet." in browser.get(ACCOUNT).content.decode()
    assert colleague.get(reverse("home")).status_code == 200


def test_the_current_session_is_not_ended_from_the_list(personas):
    browser = signed_in("koege-aktoer")
    browser.post(END, {"session": session_ref(browser.session.session_key)})
    assert browser.get(ACCOUNT).status_code == 200


def test_ending_a_session_is_a_post(personas):
    assert signed_in("koege-aktoer").get(END).status_code == 405


def test_the_page_shows_the_usable_api_tokens_and_revokes_one_there(personas):
    usable = token_issue(user=personas.actor, by=personas.actor)
    revoked = token_issue(user=personas.actor, by=personas.actor)
    token_issue(user=personas.caseworker, by=personas.caseworker)
    browser = signed_in("koege-aktoer")
    browser.post(reverse("siv_api:token_revoke", args=[revoked.token.pk]), follow=True)

    page = browser.get(ACCOUNT).content.decode()
    assert usable.token.prefix in page and revoked.token.prefix not in page
    response = browser.post(
        reverse("siv_api:token_revoke", args=[usable.token.pk]), {"back": "account"}
    )
    assert response["Location"] == ACCOUNT
    assert "Du har ingen gyldige API-nøgler." in browser.get(ACCOUNT).content.decode()
    api = Client(HTTP_AUTHORIZATION=f"Token {usable.key}")
    assert api.get(reverse("siv_api:participant-list")).status_code == 401


def test_the_page_has_a_constant_number_of_queries(personas):
    browser = signed_in("koege-aktoer")
    token_issue(user=personas.actor, by=personas.actor)
    with CaptureQueriesContext(connection) as few:
        browser.get(ACCOUNT)
    for _ in range(5):
        signed_in("koege-aktoer")
        token_issue(user=personas.actor, by=personas.actor)
    with CaptureQueriesContext(connection) as many:
        response = browser.get(ACCOUNT)
    assert len(response.context["sessions"]) == 6
    assert len(many.captured_queries) == len(few.captured_queries) <= 12


def test_the_header_links_to_the_account_page(personas):
    page = signed_in("koege-aktoer").get(reverse("home")).content.decode()
    assert f'href="{ACCOUNT}"' in page


def test_a_signed_in_session_row_names_its_user(personas):
    browser = signed_in("koege-aktoer")
    row = UserSession.objects.get(session_key=browser.session.session_key)
    assert row.user_id == personas.actor.pk
    anonymous = Client()
    anonymous.get(reverse("login"))
    anonymous.session.save()
    assert UserSession.objects.get(session_key=anonymous.session.session_key).user_id is None
