import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnerships.models import User
from siv.models import AuditAction, AuditEntry, PasswordLink, UserSession
from siv.roles import Role
from siv_api.services import token_issue
from tests.factories.partnerships import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_the_admin_lists_users_filtered_by_role_and_the_search_is_logged(client, personas):
    client.force_login(personas.admin)
    response = client.get(reverse("partnerships:user_list"), {"role": Role.CASEWORKER})
    assert [u.username for u in response.context["page"]] == [
        "koege-sagsbehandler",
        "naestved-sagsbehandler",
    ]
    search = AuditEntry.objects.get(action=AuditAction.SEARCH)
    assert search.details["criteria"] == {"role": "caseworker"}


def test_the_user_list_filters_by_organisation_and_status(client, personas):
    personas.actor.is_active = False
    personas.actor.save()
    client.force_login(personas.admin)
    url = reverse("partnerships:user_list")
    by_org = client.get(url, {"organisation": personas.own.actor_org.pk})
    assert [u.username for u in by_org.context["page"]] == ["koege-aktoer"]
    inactive = client.get(url, {"status": "inactive"})
    assert [u.username for u in inactive.context["page"]] == ["koege-aktoer"]


def test_the_user_list_has_a_constant_number_of_queries(
    client, personas, django_assert_max_num_queries
):
    client.force_login(personas.admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("partnerships:user_list"))
    assert len(response.context["page"]) == 14


def new_user(username, role, organisation, **more):
    return {
        "username": username,
        "first_name": "Nina",
        "last_name": "Berg",
        "email": f"{username}@example.dk",
        "role": role,
        "organisation": organisation.pk,
        **more,
    }


def test_the_admin_creates_a_caseworker_who_needs_a_municipality(client, personas):
    client.force_login(personas.admin)
    data = new_user("ny-sagsbehandler", Role.CASEWORKER, personas.own.jobcentre, municipality="")
    refused = client.post(reverse("partnerships:user_create"), data)
    assert refused.status_code == 200
    assert "En kommunal rolle kræver en kommune." in refused.content.decode()

    data["municipality"] = personas.own.municipality.pk
    response = client.post(reverse("partnerships:user_create"), data)
    user = User.objects.get(username="ny-sagsbehandler")
    assert response["Location"] == reverse("partnerships:user_detail", args=[user.pk])
    assert user.role == Role.CASEWORKER and not user.has_usable_password()
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(user.pk))
    assert "role" in entry.details["fields"]
    assert "Nina" not in str(entry.details)


def test_an_actor_must_belong_to_an_actor_organisation(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("partnerships:user_edit", args=[personas.actor.pk]),
        {
            "first_name": "A",
            "last_name": "B",
            "email": "",
            "role": Role.EMPLOYMENT_ACTOR,
            "organisation": personas.own.company_org.pk,
        },
    )
    assert "En beskæftigelsesaktør skal høre til en aktør-organisation." in (
        response.content.decode()
    )


def test_revoking_a_role_on_the_admin_screen_takes_effect_on_the_next_request(client, personas):
    controller = Client()
    controller.force_login(personas.controller)
    assert controller.get(reverse("audit_log")).status_code == 200

    client.force_login(personas.admin)
    client.post(
        reverse("partnerships:user_edit", args=[personas.controller.pk]),
        {
            "first_name": personas.controller.first_name,
            "last_name": personas.controller.last_name,
            "email": personas.controller.email,
            "role": "",
            "organisation": personas.fund.pk,
        },
    )
    assert controller.get(reverse("audit_log")).status_code == 404
    entry = AuditEntry.objects.filter(action=AuditAction.CHANGE).latest("at")
    assert entry.details == {
        "fields": ["role"],
        "before": {"role": "controller"},
        "after": {"role": ""},
    }


def test_deactivating_a_user_ends_their_sessions_at_once(client, personas):
    victim = Client()
    sign_in(victim, "koege-aktoer")
    assert victim.get(reverse("home")).status_code == 200
    assert UserSession.objects.count() == 1

    client.force_login(personas.admin)
    response = client.post(
        reverse("partnerships:user_set_active", args=[personas.actor.pk]), {"active": "0"}
    )
    assert response.status_code == 302
    personas.actor.refresh_from_db()
    assert not personas.actor.is_active
    # Only the admin's own session is left in the store.
    remaining = [s.get_decoded().get("_auth_user_id") for s in UserSession.objects.all()]
    assert remaining == [str(personas.admin.pk)]
    assert victim.get(reverse("home")).status_code == 302

    client.post(reverse("partnerships:user_set_active", args=[personas.actor.pk]), {"active": "1"})
    personas.actor.refresh_from_db()
    assert personas.actor.is_active
    assert sign_in(Client(), "koege-aktoer").status_code == 302


def test_the_admin_cannot_deactivate_themself(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("partnerships:user_set_active", args=[personas.admin.pk]),
        {"active": "0"},
        follow=True,
    )
    assert "Du kan ikke deaktivere dig selv." in response.content.decode()
    personas.admin.refresh_from_db()
    assert personas.admin.is_active


def test_the_admin_lifts_a_lockout(client, personas):
    for _ in range(3):
        sign_in(Client(), "koege-aktoer", "forkert")
    assert sign_in(Client(), "koege-aktoer").status_code == 429

    client.force_login(personas.admin)
    detail = client.get(reverse("partnerships:user_detail", args=[personas.actor.pk]))
    assert "Låst efter forkerte loginforsøg" in detail.content.decode()
    assert "Låste konti" in client.get(reverse("home")).content.decode()
    client.post(reverse("partnerships:user_reset_lockout", args=[personas.actor.pk]))

    assert sign_in(Client(), "koege-aktoer").status_code == 302
    assert AuditEntry.objects.filter(
        action=AuditAction.CHANGE, object_id=str(personas.actor.pk), details__lockout_reset=1
    ).exists()


def test_the_admin_resets_a_second_factor(client, personas):
    TOTPDevice.objects.create(user=personas.actor, name="SIV", confirmed=True)
    client.force_login(personas.admin)
    client.post(reverse("partnerships:user_reset_second_factor", args=[personas.actor.pk]))
    assert not TOTPDevice.objects.filter(user=personas.actor).exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.CHANGE, object_id=str(personas.actor.pk), details__totp_reset=1
    ).exists()


def test_viewing_a_user_is_logged(client, personas):
    client.force_login(personas.admin)
    client.get(reverse("partnerships:user_detail", args=[personas.actor.pk]))
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, object_id=str(personas.actor.pk)
    ).exists()


def test_the_admin_cannot_choose_a_new_users_password(client, personas):
    client.force_login(personas.admin)
    form = client.get(reverse("partnerships:user_create")).content.decode()
    assert 'type="password"' not in form
    data = new_user("ny-controller", Role.CONTROLLER, personas.fund, password="lang-og-sikker-2026")
    response = client.post(reverse("partnerships:user_create"), data, follow=True)
    user = User.objects.get(username="ny-controller")
    assert not user.has_usable_password()
    assert "Udsted et link, så brugeren selv kan vælge sin adgangskode." in (
        response.content.decode()
    )
    assert "Ikke sat endnu" in response.content.decode()


def test_the_admin_issues_a_one_time_password_link_shown_once(client, personas):
    client.force_login(personas.admin)
    detail = reverse("partnerships:user_detail", args=[personas.actor.pk])
    assert "Udsted link til ny adgangskode" in client.get(detail).content.decode()
    url = reverse("partnerships:user_password_link", args=[personas.actor.pk])
    first = client.post(url).context["link"]
    second = client.post(url).context["link"]
    assert first.startswith("http://testserver/konto/link/") and first != second
    # The newer link replaces the older; only its digest is stored and logged.
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    key = second.rsplit("/", 2)[-2]
    assert not PasswordLink.objects.filter(digest=key).exists()
    created = AuditEntry.objects.filter(action=AuditAction.CREATE, actor=personas.admin).latest(
        "at"
    )
    assert created.details["link_for"] == personas.actor.pk and key not in str(created.details)


def test_a_second_factor_reset_revokes_the_api_tokens_and_ends_the_sessions(client, personas):
    TOTPDevice.objects.create(user=personas.actor, name="SIV", confirmed=True)
    issued = token_issue(user=personas.actor, by=personas.actor)
    other = token_issue(user=personas.caseworker, by=personas.caseworker)
    victim = Client()
    sign_in(victim, "koege-aktoer")
    api = Client(HTTP_AUTHORIZATION=f"Token {issued.key}")
    assert api.get(reverse("siv_api:participant-list")).status_code == 200

    client.force_login(personas.admin)
    client.post(reverse("partnerships:user_reset_second_factor", args=[personas.actor.pk]))

    assert api.get(reverse("siv_api:participant-list")).status_code == 401
    assert victim.get(reverse("home")).status_code == 302
    issued.token.refresh_from_db()
    other.token.refresh_from_db()
    assert issued.token.revoked is not None and other.token.revoked is None
    entry = AuditEntry.objects.get(details__totp_reset=1)
    assert entry.details["sessions_ended"] == 1
