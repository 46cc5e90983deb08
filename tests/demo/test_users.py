import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from demo.partnerships import DEMO_PASSWORD
from partnerships.models import User
from pbr.models import LedgerEntry, LedgerProposal
from siv.models import Decision

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = [
    "sagsbehandler",
    "projektleder",
    "aktoer",
    "udvikler",
    "controller",
    "virksomhed",
    "admin",
    "controller2",
    "admin2",
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


def test_the_demo_has_an_invoice_for_the_second_controller_to_approve():
    call_command("seed_demo")
    proposal = LedgerProposal.objects.get(status=Decision.PENDING)
    assert proposal.proposed_by.username == "controller"
    client = Client()
    client.post(reverse("login"), {"username": "controller2", "password": DEMO_PASSWORD})
    url = reverse("pbr:proposal_detail", args=[proposal.pk])
    assert "Godkend og bogfør" in client.get(url).content.decode()
    client.post(url, {"decision": "approve"})
    proposal.refresh_from_db()
    assert proposal.status == Decision.APPROVED
    assert LedgerEntry.objects.get(seq=proposal.entry_seq).kind == "invoice"
    assert User.objects.get(username="admin2").role == "admin"
