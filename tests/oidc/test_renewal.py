"""A provider session is renewed server to server at most every SIV_OIDC_RENEW_SECONDS; a
leaver disabled at the provider is signed out at the next renewal."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from oidc.models import GroupMapping, ProviderGrant, ProviderOrganisation
from partnerships.models import User
from partnerships.services import user_set_active
from siv import sessions
from siv.models import AuditAction, AuditEntry
from siv.models import UserSession as Session
from siv.roles import Role
from tests.quality.servers import free_port

from .helpers import koege_caseworkers_group, provider_sign_in

pytestmark = pytest.mark.django_db


def _after_renewal_interval(settings):
    return time_machine.travel(
        timezone.now() + timedelta(seconds=settings.SIV_OIDC_RENEW_SECONDS + 1), tick=True
    )


def test_a_user_disabled_at_the_provider_is_signed_out_at_the_next_renewal(
    client, oidc_settings, settings, personas
):
    provider_sign_in(client, oidc_settings, "frida")
    oidc_settings.disable("frida")

    assert client.get(reverse("home")).status_code == 200  # the renewal is not due yet
    with _after_renewal_interval(settings):
        response = client.get(reverse("home"))
        again = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?provider_ended=1"
    assert again["Location"].startswith(reverse("login"))
    assert (
        "Din organisation har afsluttet dit login"
        in client.get(response["Location"]).content.decode()
    )
    assert not ProviderGrant.objects.filter(user__first_name="Frida").exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGOUT, actor__first_name="Frida", details__reason="provider_refused"
    ).exists()


def test_an_htmx_request_of_a_leaver_is_sent_to_the_sign_in_page_by_htmx(
    client, oidc_settings, settings, personas
):
    provider_sign_in(client, oidc_settings, "ida")
    oidc_settings.disable("ida")

    with _after_renewal_interval(settings):
        response = client.get(reverse("home"), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('login')}?provider_ended=1"


def test_the_renewal_refreshes_the_token_and_the_request_goes_on(
    client, oidc_settings, settings, personas
):
    koege_caseworkers_group(personas, oidc_settings.issuer)
    provider_sign_in(client, oidc_settings, "anne")
    grant = ProviderGrant.objects.get(user__first_name="Anne")
    first_token = grant.refresh_token

    with _after_renewal_interval(settings):
        response = client.get(reverse("participants:citizen_list"), headers={"HX-Request": "true"})

    grant.refresh_from_db()
    assert response.status_code == 200
    assert "HX-Redirect" not in response
    assert grant.refresh_token != first_token  # rotated
    assert grant.renewed > grant.created


def test_a_new_field_key_leaves_the_stored_token_readable_and_the_renewal_goes_on(
    client, oidc_settings, settings, personas
):
    koege_caseworkers_group(personas, oidc_settings.issuer)
    provider_sign_in(client, oidc_settings, "anne")
    newest = max(settings.SIV_FIELD_KEYS) + 1
    settings.SIV_FIELD_KEYS = {**settings.SIV_FIELD_KEYS, newest: "en-ny-feltnoegle-" + "n" * 40}

    with _after_renewal_interval(settings):
        response = client.get(reverse("participants:citizen_list"), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "HX-Redirect" not in response
    with connection.cursor() as cursor:
        cursor.execute("SELECT refresh_token FROM oidc_providergrant")
        (column,) = cursor.fetchone()
    assert column.startswith(f"{newest}:")  # renewed, and sealed with the newest key


def test_a_form_posted_when_the_renewal_is_due_is_saved(client, oidc_settings, settings, personas):
    issuer = oidc_settings.issuer
    ProviderOrganisation.objects.create(issuer=issuer, organisation=personas.fund)
    ProviderOrganisation.objects.create(issuer=issuer, organisation=personas.own.jobcentre)
    GroupMapping.objects.create(
        issuer=issuer, group="siv-koege-sagsbehandlere", role=Role.ADMIN, organisation=personas.fund
    )
    provider_sign_in(client, oidc_settings, "anne")
    grant = ProviderGrant.objects.get(user__first_name="Anne")

    with _after_renewal_interval(settings):
        response = client.post(
            reverse("oidc:mapping_create"),
            {
                "group": "siv-koege-ledere",
                "role": Role.MUNICIPAL_LEAD,
                "organisation": personas.own.jobcentre.pk,
                "municipality": personas.own.municipality.pk,
            },
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("oidc:provider_settings")
    assert GroupMapping.objects.filter(group="siv-koege-ledere").exists()
    assert ProviderGrant.objects.get(pk=grant.pk).renewed > grant.renewed


def test_the_refresh_token_goes_with_the_session_at_sign_out(client, oidc_settings, personas):
    provider_sign_in(client, oidc_settings, "bo")
    assert ProviderGrant.objects.filter(user__first_name="Bo").exists()

    client.post(reverse("logout"))

    assert not ProviderGrant.objects.filter(user__first_name="Bo").exists()


def test_the_refresh_token_goes_when_the_administrator_deactivates_the_user(
    client, oidc_settings, personas
):
    provider_sign_in(client, oidc_settings, "bo")
    user = User.objects.get(first_name="Bo", provider_account__isnull=False)

    user_set_active(by=personas.admin, user=user, active=False)

    assert not ProviderGrant.objects.filter(user=user).exists()
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_within_the_interval_the_provider_is_not_asked(client, oidc_settings, personas):
    provider_sign_in(client, oidc_settings, "bo")
    grant = ProviderGrant.objects.get(user__first_name="Bo")

    for _ in range(3):
        assert client.get(reverse("home")).status_code == 200

    assert ProviderGrant.objects.get(pk=grant.pk).renewed == grant.renewed


def test_the_refresh_token_is_kept_sealed_on_the_server_not_in_the_session(
    client, oidc_settings, personas
):
    provider_sign_in(client, oidc_settings, "bo")
    grant = ProviderGrant.objects.get(user__first_name="Bo")
    token = grant.refresh_token
    stored = Session.objects.get(session_key=client.session.session_key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT refresh_token FROM oidc_providergrant WHERE id = %s", [grant.pk])
        (column,) = cursor.fetchone()

    assert token and token not in column
    assert token not in stored.session_data
    assert token not in str(stored.get_decoded())


def test_an_unreachable_provider_keeps_the_session_and_is_asked_again_later(
    client, oidc_settings, settings, personas
):
    provider_sign_in(client, oidc_settings, "bo")
    signed_in = ProviderGrant.objects.get(user__first_name="Bo").renewed
    settings.SIV_OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/o"  # nothing listens there

    with _after_renewal_interval(settings):
        response = client.get(reverse("home"))

    grant = ProviderGrant.objects.get(user__first_name="Bo")
    assert response.status_code == 200
    # Due again a minute after the failed attempt, not on the next request.
    retry_at = grant.renewed + timedelta(seconds=settings.SIV_OIDC_RENEW_SECONDS)
    attempted_at = signed_in + timedelta(seconds=settings.SIV_OIDC_RENEW_SECONDS + 1)
    assert timedelta(seconds=59) < retry_at - attempted_at < timedelta(seconds=70)


def test_a_provider_session_shows_its_address_and_browser_and_counts_once_when_ended(
    client, oidc_settings, personas
):
    provider_sign_in(client, oidc_settings, "bo")
    user = User.objects.get(first_name="Bo", provider_account__isnull=False)
    assert ProviderGrant.objects.filter(user=user).exists()

    (info,) = sessions.sessions_of(user, current_key=client.session.session_key)
    assert info.ip == "127.0.0.1"

    # The grant goes with the session, but "sessions ended" counts the session alone.
    assert sessions.end_sessions(user) == 1
    assert not ProviderGrant.objects.filter(user=user).exists()
