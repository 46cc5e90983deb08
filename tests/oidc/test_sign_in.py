"""Signing in with the organisation's own account, against a real OpenID Connect provider
(django-oauth-toolkit in its own process, tests/oidc_provider)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from oidc.models import ProviderAccount, ProviderDevice
from partnerships.models import User
from siv.models import AuditAction, AuditEntry
from siv.roles import Role
from tests.factories.partnerships import UserFactory
from tests.quality.servers import free_port

from .helpers import koege_caseworkers_group, provider_answer, provider_sign_in

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_links_to_the_organisations_account_when_a_provider_is_set(
    client, oidc_settings
):
    page = client.get(reverse("login"))
    assert "Log ind med din organisations konto" in page.content.decode()
    assert reverse("oidc:start") in page.content.decode()


def test_without_a_provider_the_sign_in_page_has_only_the_local_form(client, settings):
    settings.SIV_OIDC_ISSUER = ""
    page = client.get(reverse("login"))
    assert "Log ind med din organisations konto" not in page.content.decode()
    assert client.get(reverse("oidc:start")).status_code == 404


def test_the_link_goes_to_the_authorization_endpoint_with_state_nonce_and_pkce(
    client, oidc_settings
):
    response = client.get(reverse("oidc:start"))

    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert response.status_code == 302
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{oidc_settings.issuer}/authorize/"
    )
    assert query["client_id"] == ["siv-test-client"]
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"] == ["http://testserver/login/organisation/retur/"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["state"][0] and query["nonce"][0]
    assert "openid" in query["scope"][0].split()


def test_an_unreachable_provider_is_a_message_not_an_error(client, settings):
    settings.SIV_OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/o"  # nothing listens there
    settings.SIV_OIDC_CLIENT_ID, settings.SIV_OIDC_CLIENT_SECRET = "siv", "hemmelig"

    response = client.get(reverse("oidc:start"))

    assert response.status_code == 503
    assert "Din organisations login svarer ikke lige nu" in response.content.decode()


def test_an_unknown_person_becomes_a_user_who_waits_for_a_role(client, oidc_settings, personas):
    response = provider_sign_in(client, oidc_settings, "bo", follow=True)

    assert "Din konto har ingen rolle endnu" in response.content.decode()
    user = User.objects.get(provider_account__subject__isnull=False, first_name="Bo")
    assert user.role == ""
    assert not user.has_usable_password()
    assert user.provider_account.issuer == oidc_settings.issuer
    assert client.get(reverse("participants:citizen_list")).status_code == 404
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_id=str(user.pk), details__source="provider"
    ).exists()
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN, actor=user).exists()


def test_the_account_is_tied_to_the_subject_never_to_the_email(client, oidc_settings, personas):
    namesake = personas.caseworker
    namesake.email = "bo@example.dk"
    namesake.save()

    provider_sign_in(client, oidc_settings, "bo")
    client.logout()
    provider_sign_in(client, oidc_settings, "bo")

    accounts = ProviderAccount.objects.filter(issuer=oidc_settings.issuer)
    assert accounts.count() == 1
    assert accounts.get().user != namesake


def test_a_local_username_is_never_taken_over(client, oidc_settings, personas):
    local = UserFactory(username="bo", role=Role.CONTROLLER, organisation=personas.fund)

    provider_sign_in(client, oidc_settings, "bo")

    account = ProviderAccount.objects.get(issuer=oidc_settings.issuer)
    assert account.user != local
    assert account.user.username == "bo-2"


def test_a_user_deactivated_in_siv_is_refused(client, oidc_settings, personas):
    provider_sign_in(client, oidc_settings, "bo")
    client.logout()
    User.objects.filter(first_name="Bo", provider_account__isnull=False).update(is_active=False)

    response = provider_sign_in(client, oidc_settings, "bo")

    assert response.status_code == 403
    assert "Din konto i SIV er deaktiveret." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_mapped_group_gives_the_role_and_organisation(client, oidc_settings, personas):
    koege_caseworkers_group(personas, oidc_settings.issuer)

    response = provider_sign_in(client, oidc_settings, "anne")

    user = User.objects.get(provider_account__isnull=False, first_name="Anne")
    assert response.status_code == 302
    assert (user.role, user.organisation, user.municipality) == (
        Role.CASEWORKER,
        personas.own.jobcentre,
        personas.own.municipality,
    )
    assert user.provider_account.role_from_group
    assert client.get(reverse("participants:citizen_list")).status_code == 200
    assert AuditEntry.objects.filter(
        action=AuditAction.CHANGE, object_id=str(user.pk), details__source="provider_group"
    ).exists()


def test_a_role_from_a_group_goes_when_the_group_no_longer_maps(client, oidc_settings, personas):
    mapping = koege_caseworkers_group(personas, oidc_settings.issuer)
    provider_sign_in(client, oidc_settings, "anne")
    client.logout()
    mapping.delete()

    response = provider_sign_in(client, oidc_settings, "anne", follow=True)

    assert "Din konto har ingen rolle endnu" in response.content.decode()
    assert User.objects.get(first_name="Anne", provider_account__isnull=False).role == ""


def test_a_role_the_administrator_gave_stays_without_a_mapped_group(
    client, oidc_settings, personas
):
    provider_sign_in(client, oidc_settings, "bo")
    client.logout()
    user = User.objects.get(first_name="Bo", provider_account__isnull=False)
    koege_caseworkers_group(personas, oidc_settings.issuer)
    user.role, user.organisation = Role.EMPLOYMENT_ACTOR, personas.own.actor_org
    user.save()
    from oidc.models import ProviderOrganisation

    ProviderOrganisation.objects.create(
        issuer=oidc_settings.issuer, organisation=personas.own.actor_org
    )

    provider_sign_in(client, oidc_settings, "bo")

    user.refresh_from_db()
    assert user.role == Role.EMPLOYMENT_ACTOR
    assert client.get(reverse("home")).status_code == 200


def test_an_organisation_the_provider_may_not_sign_in_for_is_refused(
    client, oidc_settings, personas
):
    provider_sign_in(client, oidc_settings, "bo")
    client.logout()
    user = User.objects.get(first_name="Bo", provider_account__isnull=False)
    user.role, user.organisation = Role.CONTROLLER, personas.fund
    user.save()

    response = provider_sign_in(client, oidc_settings, "bo")

    assert response.status_code == 403
    assert "Din organisation kan ikke logge ind i SIV" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGIN_FAILED, details__reason="provider_organisation"
    ).exists()


def test_a_tampered_id_token_is_refused(client, oidc_settings, personas):
    response = provider_sign_in(client, oidc_settings, "erik")

    assert response.status_code == 403
    assert "Login hos din organisation mislykkedes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(first_name="Erik", provider_account__isnull=False).exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGIN_FAILED,
        details__reason="provider_refused",
        details__error="BadSignatureError",
    ).exists()


def test_an_expired_id_token_is_refused(client, oidc_settings, personas):
    response = provider_sign_in(client, oidc_settings, "dorte")

    assert response.status_code == 403
    assert "Login hos din organisation mislykkedes" in response.content.decode()
    assert not User.objects.filter(first_name="Dorte", provider_account__isnull=False).exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGIN_FAILED, details__error="ExpiredTokenError"
    ).exists()


def test_an_id_token_for_another_client_is_refused(client, oidc_settings, settings, personas):
    answer = provider_answer(client, oidc_settings, "bo")
    settings.SIV_OIDC_CLIENT_ID = "another-client"  # the audience SIV now expects

    response = client.get(answer)

    assert response.status_code == 403
    assert not User.objects.filter(first_name="Bo", provider_account__isnull=False).exists()


def test_an_id_token_from_another_issuer_is_refused(client, oidc_settings, settings, personas):
    settings.SIV_OIDC_ISSUER = f"{oidc_settings.issuer}/"  # the same server, not the same issuer

    response = provider_sign_in(client, oidc_settings, "bo")

    assert response.status_code == 403
    assert not User.objects.filter(first_name="Bo", provider_account__isnull=False).exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGIN_FAILED, details__error="InvalidClaimError"
    ).exists()


def test_a_sign_in_without_the_providers_second_factor_is_refused(client, oidc_settings, personas):
    response = provider_sign_in(client, oidc_settings, "carl")

    assert response.status_code == 403
    assert "ikke bekræftet dit login med to trin" in response.content.decode()
    assert not User.objects.filter(first_name="Carl", provider_account__isnull=False).exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGIN_FAILED, details__reason="provider_mfa_missing"
    ).exists()


def test_the_second_factor_may_be_asked_as_acr_instead(client, oidc_settings, settings, personas):
    settings.SIV_OIDC_MFA_CLAIM = "acr"
    settings.SIV_OIDC_MFA_VALUES = ["http://schemas.microsoft.com/claims/multipleauthn"]

    response = provider_sign_in(client, oidc_settings, "anne")

    assert response.status_code == 403  # the test provider sends no acr


def test_without_a_second_factor_claim_the_provider_is_not_asked(
    client, oidc_settings, settings, personas
):
    settings.SIV_OIDC_MFA_CLAIM = ""

    response = provider_sign_in(client, oidc_settings, "carl")

    assert response.status_code == 302
    assert User.objects.filter(first_name="Carl", provider_account__isnull=False).exists()


def test_the_providers_second_factor_counts_where_siv_requires_one(
    client, oidc_settings, settings, personas
):
    settings.SIV_REQUIRE_2FA = True
    koege_caseworkers_group(personas, oidc_settings.issuer)

    provider_sign_in(client, oidc_settings, "anne")
    page = client.get(reverse("participants:citizen_list"))

    assert page.status_code == 200
    assert ProviderDevice.objects.filter(user__first_name="Anne").exists()


def test_a_password_sign_in_still_asks_for_totp_where_required(client, settings, personas):
    settings.SIV_REQUIRE_2FA = True
    client.force_login(personas.caseworker)

    assert client.get(reverse("participants:citizen_list"))["Location"].startswith(
        reverse("otp_verify")
    )


def test_the_sign_in_returns_to_the_page_asked_for(client, oidc_settings, personas):
    koege_caseworkers_group(personas, oidc_settings.issuer)
    target = reverse("participants:citizen_list")

    answer = provider_answer(
        client, oidc_settings, "anne", start=f"{reverse('oidc:start')}?next={target}"
    )
    response = client.get(answer)

    assert response["Location"] == target


def test_an_answer_without_the_sessions_state_is_refused(client, oidc_settings, personas):
    answer = provider_answer(client, oidc_settings, "bo")
    client.cookies.clear()  # another browser

    response = client.get(answer)

    assert response.status_code == 403
    assert not User.objects.filter(first_name="Bo", provider_account__isnull=False).exists()
