import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from demo.partnerships import DEMO_PASSWORD
from partnerships.models import User

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = [
    "sagsbehandler",
    "projektleder",
    "aktoer",
    "udvikler",
    "controller",
    "virksomhed",
    "admin",
]


def test_every_demo_user_signs_in_and_reaches_their_start_page():
    call_command("seed_demo")
    for username in DEMO_USERNAMES:
        client = Client()
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        home = client.get(reverse("home"))
        user = User.objects.get(username=username)
        assert home.status_code == 200, username
        assert f"Goddag, {user.first_name}" in home.content.decode(), username
        assert home.context["panels"], username


def test_seeding_again_with_if_empty_changes_nothing():
    call_command("seed_demo")
    count = User.objects.count()
    call_command("seed_demo", "--if-empty")
    assert User.objects.count() == count
