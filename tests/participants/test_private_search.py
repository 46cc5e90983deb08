"""The citizen search keeps its free text out of every URL: posted, kept in the session
under a short-lived search id, and the list shown under `?s=<id>`."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from siv import audit
from siv.models import AuditAction, AuditEntry, UserSession
from tests.factories.participants import CitizenFactory

from .helpers import citizen_in

LIST = reverse("participants:citizen_list")
EXPIRED = "Søgningen er udløbet – søg igen."


def query_of(response) -> dict[str, list[str]]:
    assert response.status_code == 303
    location = response["Location"]
    assert urlsplit(location).path == LIST
    return parse_qs(urlsplit(location).query)


@pytest.mark.django_db
class TestSearchById:
    def test_a_posted_search_redirects_to_a_search_id_with_the_choices(self, client, personas):
        citizen_in(personas.own, personas.cluster, cpr="150685-1234", first_name="Quirina")
        client.force_login(personas.caseworker)
        response = client.post(LIST, {"q": "150685-1234", "status": "active", "phase": ""})
        query = query_of(response)
        assert set(query) == {"s", "status"} and query["status"] == ["active"]
        assert "150685" not in response["Location"] and "1234" not in response["Location"]
        html = client.get(response["Location"]).content.decode()
        assert "Quirina" in html
        # The box still shows what was typed: in the page, not in its address.
        assert 'value="150685-1234"' in html

    def test_the_search_is_audited_pseudonymised(self, client, personas):
        citizen_in(personas.own, personas.cluster, last_name="Qvist-Hansen")
        client.force_login(personas.caseworker)
        client.post(LIST, {"q": "Qvist-Hansen"}, follow=True)
        entry = AuditEntry.objects.get(action=AuditAction.SEARCH)
        assert entry.details["criteria"] == {"q": audit.pseudonymised("Qvist-Hansen")}
        assert "qvist" not in str(entry.details).casefold()

    def test_paging_keeps_the_search_and_carries_only_its_id(self, client, personas):
        CitizenFactory.create_batch(
            55,
            last_name="Zbyszko",
            municipality=personas.own.municipality,
            employment_actor=personas.own.actor_org,
            cluster=personas.cluster,
        )
        citizen_in(personas.own, personas.cluster, first_name="Quirina", last_name="Andersen")
        client.force_login(personas.caseworker)
        location = client.post(LIST, {"q": "Zbyszko"})["Location"]
        html = client.get(location).content.decode()
        assert "55 rækker" in html and "Side 1 af 2" in html
        search_id = parse_qs(urlsplit(location).query)["s"][0]
        assert f'href="?s={search_id}&amp;side=2"' in html
        assert "Zbyszko" not in html.split('class="pagination"')[1]
        page2 = client.get(LIST, {"s": search_id, "side": 2}).content.decode()
        assert "Side 2 af 2" in page2 and "Quirina" not in page2

    def test_an_expired_search_shows_the_unfiltered_list_with_a_notice(self, client, personas):
        citizen_in(personas.own, personas.cluster, first_name="Quirina")
        citizen_in(personas.own, personas.cluster, first_name="Mette", last_name="Zbyszko")
        client.force_login(personas.caseworker)
        with time_machine.travel(timezone.now(), tick=False) as clock:
            location = client.post(LIST, {"q": "Zbyszko"})["Location"]
            html = client.get(location).content.decode()
            assert "Quirina" not in html and EXPIRED not in html
            # The session stays alive (the user works on), the search is not used again.
            for _ in range(2):
                clock.shift(timedelta(minutes=20))
                assert client.get(LIST).status_code == 200
            html = client.get(location).content.decode()
        assert EXPIRED in html
        assert "Quirina" in html and "Mette" in html

    def test_a_search_id_is_the_sessions_own(self, client, personas):
        citizen_in(personas.own, personas.cluster, first_name="Quirina")
        client.force_login(personas.caseworker)
        location = client.post(LIST, {"q": "Zbyszko"})["Location"]
        other = Client()
        other.force_login(personas.caseworker)
        html = other.get(location).content.decode()
        assert EXPIRED in html and "Quirina" in html

    def test_an_unknown_search_id_shows_the_notice(self, client, personas):
        client.force_login(personas.caseworker)
        assert EXPIRED in client.get(LIST, {"s": "nonsense"}).content.decode()

    def test_an_old_bookmark_with_the_text_is_redirected_to_a_search_id(self, client, personas):
        citizen_in(personas.own, personas.cluster, first_name="Quirina", last_name="Zbyszko")
        client.force_login(personas.caseworker)
        response = client.get(LIST, {"q": "Zbyszko", "status": "active", "side": "1"})
        query = query_of(response)
        assert set(query) == {"s", "status", "side"}
        assert "Zbyszko" not in response["Location"]
        assert not AuditEntry.objects.filter(action=AuditAction.SEARCH).exists()
        assert "Quirina" in client.get(response["Location"]).content.decode()

    def test_an_empty_search_redirects_to_the_plain_list(self, client, personas):
        client.force_login(personas.caseworker)
        response = client.post(LIST, {"q": "  ", "status": ""})
        assert response.status_code == 303 and response["Location"] == LIST

    def test_text_posted_into_a_choice_never_reaches_the_url(self, client, personas):
        client.force_login(personas.caseworker)
        query = query_of(client.post(LIST, {"q": "x", "status": "1506851234"}))
        assert set(query) == {"s"}

    def test_the_search_form_posts_with_a_csrf_token(self, client, personas):
        client.force_login(personas.caseworker)
        html = client.get(LIST).content.decode()
        assert 'method="post"' in html and "csrfmiddlewaretoken" in html
        guarded = Client(enforce_csrf_checks=True)
        guarded.force_login(personas.caseworker)
        assert guarded.post(LIST, {"q": "Zbyszko"}).status_code == 403


@pytest.mark.django_db
def test_the_session_store_holds_no_readable_search_text(client, personas):
    client.force_login(personas.caseworker)
    client.post(LIST, {"q": "150685-1234"})
    (session,) = UserSession.objects.all()
    assert "150685" not in str(session.get_decoded())
    assert "150685" not in session.session_data
