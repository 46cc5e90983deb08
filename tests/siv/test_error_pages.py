"""Every error a user can meet is a Danish page of the product, never Django's debug page."""

import pytest
from django.test import Client

from siv.roles import Role
from tests.factories.partnerships import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.siv.error_urls")]


@pytest.fixture
def user():
    return UserFactory(role=Role.CASEWORKER)


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/findes-ikke/", 404, "Siden findes ikke"),
        ("/fejl/403/", 403, "Du har ikke adgang til siden"),
        ("/fejl/400/", 400, "Forespørgslen kunne ikke læses"),
    ],
)
def test_a_signed_in_user_gets_the_danish_page(client, user, url, status, heading):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status
    body = response.content.decode()
    assert heading in body
    assert "Til forsiden" in body
    assert "Traceback" not in body and "URLconf" not in body


def test_a_server_error_is_the_danish_page(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    response = client.get("/fejl/500/")
    assert response.status_code == 500
    assert "Der skete en fejl" in response.content.decode()


def test_a_stale_form_is_explained_in_danish_not_as_a_csrf_failure(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/sprog/", {"language": "en"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "Formularen kunne ikke sendes" in body
    assert "CSRF verification failed" not in body


def test_the_favicon_is_there_for_browsers_that_ask_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")
    page = client.get("/login/").content.decode()
    assert 'rel="icon"' in page
