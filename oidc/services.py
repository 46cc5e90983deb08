"""Every write of the provider sign-in: the account link, the administrator's tables and
the server-side grants, each validated and logged in one transaction."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import timedelta
from enum import Enum
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerships.models import Municipality, Organisation, User
from siv import audit
from siv.models import AuditAction

from . import provider
from .models import (
    GroupMapping,
    ProviderAccount,
    ProviderDevice,
    ProviderGrant,
    ProviderOrganisation,
)

logger = logging.getLogger(__name__)

# An unreachable provider is asked again after this long, not on every request.
RETRY_UNREACHABLE_SECONDS = 60


class SignInRefused(Exception):
    """A provider sign-in SIV refuses; `reason` goes in the audit log, `message` to the user."""

    MESSAGES = {
        "mfa_missing": gettext_lazy(
            "Din organisation har ikke bekræftet dit login med to trin. Log ind igen med "
            "totrinsbekræftelse."
        ),
        "inactive": gettext_lazy("Din konto i SIV er deaktiveret. Kontakt din administrator."),
        "organisation": gettext_lazy(
            "Din organisation kan ikke logge ind i SIV med sin egen konto. Kontakt din "
            "administrator."
        ),
        "unreachable": gettext_lazy(
            "Din organisations login svarer ikke lige nu. Prøv igen om lidt."
        ),
        "refused": gettext_lazy(
            "Login hos din organisation mislykkedes eller blev afvist. Prøv igen."
        ),
    }

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.reason])


# Signing in


def _mapping_for(groups: Iterable[str]) -> tuple[GroupMapping | None, bool]:
    """The one mapping the user's groups give, and whether they gave conflicting ones (then
    none: the administrator decides)."""
    found = list(
        GroupMapping.objects.filter(issuer=provider.issuer(), group__in=list(groups)).order_by(
            "group"
        )
    )
    targets = {(m.role, m.organisation_id, m.municipality_id) for m in found}
    if len(targets) == 1:
        return found[0], False
    return None, len(targets) > 1


def _free_username(claims: dict[str, Any]) -> str:
    """A username from the provider's preferred name (only a handle: the link is the
    subject), made unique among the local ones."""
    wanted = str(claims.get("preferred_username") or claims.get("email") or "bruger")
    base = re.sub(r"[^\w.@+-]", "", wanted)[:140] or "bruger"
    name, number = base, 1
    while User.objects.filter(username=name).exists():
        number += 1
        name = f"{base}-{number}"
    return name


def _new_user(claims: dict[str, Any]) -> User:
    user = User()
    user.set_unusable_password()
    return audit.save_and_record(
        obj=user,
        by=None,
        changes={
            "username": _free_username(claims),
            "first_name": str(claims.get("given_name") or "")[:150],
            "last_name": str(claims.get("family_name") or "")[:150],
            "email": str(claims.get("email") or "")[:254],
        },
        details={"source": "provider"},
    )


def _groups(claims: dict[str, Any]) -> list[str] | None:
    value = claims.get(settings.SIV_OIDC_GROUPS_CLAIM)
    if value is None:
        return None
    return [str(group) for group in value] if isinstance(value, list) else [str(value)]


def _sync_role(account: ProviderAccount, groups: list[str] | None) -> None:
    """A mapped group sets the role; a role that came from a group goes when the provider
    says the user is no longer in any mapped group. A role the administrator gave stays."""
    if groups is None:
        return
    mapping, conflicting = _mapping_for(groups)
    user = account.user
    if mapping is not None:
        changes = {
            "role": mapping.role,
            "organisation": mapping.organisation,
            "municipality": mapping.municipality,
        }
    elif account.role_from_group:
        changes = {"role": "", "organisation": None, "municipality": None}
    else:
        return
    audit.save_and_record(
        obj=user,
        by=None,
        changes=changes,
        details={"source": "provider_group", "conflicting_groups": conflicting},
    )
    account.role_from_group = mapping is not None


@transaction.atomic
def provider_sign_in(*, claims: dict[str, Any]) -> User:
    """The user the checked ID token's claims name: an unknown subject becomes a new user
    without a role (no access until an administrator gives one, or a mapped group does).

    Raises SignInRefused without writing anything."""
    if not provider.mfa_passed(claims):
        raise SignInRefused("mfa_missing")
    issuer = provider.issuer()
    account = (
        ProviderAccount.objects.select_related("user")
        .filter(issuer=issuer, subject=str(claims["sub"]))
        .first()
    )
    if account is None:
        account = ProviderAccount(user=_new_user(claims), issuer=issuer, subject=str(claims["sub"]))
    if not account.user.is_active:
        raise SignInRefused("inactive")
    _sync_role(account, _groups(claims))
    user = account.user
    allowed = ProviderOrganisation.objects.filter(issuer=issuer)
    if user.organisation_id and not allowed.filter(organisation=user.organisation_id).exists():
        raise SignInRefused("organisation")
    account.last_sign_in = timezone.now()
    account.save()
    return user


def provider_device(*, user: User) -> ProviderDevice:
    """The device that stands for the provider's second factor in the user's session."""
    device, _created = ProviderDevice.objects.get_or_create(
        user=user, defaults={"name": "Organisationens login", "confirmed": True}
    )
    return device


# The server-side grant of a signed-in session


def grant_open(*, user: User, session_key: str, refresh_token: str) -> ProviderGrant:
    """Keep the signed-in session's refresh token, encrypted, for as long as the session."""
    return ProviderGrant.objects.create(
        session_id=session_key, user=user, refresh_token=refresh_token
    )


class Renewal(Enum):
    RENEWED = "renewed"
    NOT_DUE = "not_due"
    UNREACHABLE = "unreachable"
    REFUSED = "refused"


def grant_renew(*, grant_id: int) -> Renewal:
    """Refresh the provider's token of a session, server to server, when it is
    SIV_OIDC_RENEW_SECONDS old. The grant's row is locked meanwhile, so two requests of one
    session never both spend the refresh token (the provider would take the second for a
    replay); a grant already gone was refused before."""
    now = timezone.now()
    with transaction.atomic():
        grant = (
            ProviderGrant.objects.select_for_update(skip_locked=True).filter(pk=grant_id).first()
        )
        if grant is None:
            if ProviderGrant.objects.filter(pk=grant_id).exists():
                return Renewal.NOT_DUE  # another request of the session is renewing it
            return Renewal.REFUSED
        if grant.renewed > now - timedelta(seconds=settings.SIV_OIDC_RENEW_SECONDS):
            return Renewal.NOT_DUE
        try:
            token = provider.client().fetch_access_token(
                grant_type="refresh_token",
                refresh_token=grant.refresh_token,
            )
        except OAuthError as error:
            audit.record(
                AuditAction.LOGOUT,
                actor=grant.user,
                details={"reason": "provider_refused", "error": error.error or ""},
            )
            grant.delete()
            return Renewal.REFUSED
        except (requests.RequestException, ValueError) as error:
            logger.warning("identity provider unreachable: %s", type(error).__name__)
            grant.renewed = now - timedelta(
                seconds=settings.SIV_OIDC_RENEW_SECONDS - RETRY_UNREACHABLE_SECONDS
            )
            grant.save(update_fields=["renewed"])
            return Renewal.UNREACHABLE
        if token.get("refresh_token"):
            grant.refresh_token = token["refresh_token"]
        grant.renewed = now
        grant.save(update_fields=["refresh_token", "renewed"])
        return Renewal.RENEWED


# The administrator's tables


@transaction.atomic
def organisation_allow(*, by: User, organisation: Organisation) -> ProviderOrganisation:
    return audit.save_and_record(
        obj=ProviderOrganisation(issuer=provider.issuer()),
        by=by,
        changes={"organisation": organisation},
    )


@transaction.atomic
def organisation_remove(*, by: User, allowed: ProviderOrganisation) -> None:
    if GroupMapping.objects.filter(
        issuer=allowed.issuer, organisation=allowed.organisation_id
    ).exists():
        raise ValidationError(
            _("Organisationen bruges i en gruppe-tilknytning. Slet tilknytningen først.")
        )
    audit.delete_and_record(obj=allowed, by=by)


@transaction.atomic
def mapping_save(
    *,
    by: User,
    group: str,
    role: str,
    organisation: Organisation,
    municipality: Municipality | None,
    mapping: GroupMapping | None = None,
) -> GroupMapping:
    """A group's role and organisation; the organisation must be one the provider may sign
    in for, and the three must make a valid user (a municipal role has a municipality)."""
    if not ProviderOrganisation.objects.filter(
        issuer=provider.issuer(), organisation=organisation
    ).exists():
        raise ValidationError(
            {"organisation": _("Udbyderen må ikke logge ind for denne organisation.")}
        )
    User(role=role, organisation=organisation, municipality=municipality).clean()
    return audit.save_and_record(
        obj=mapping or GroupMapping(issuer=provider.issuer()),
        by=by,
        changes={
            "group": group.strip(),
            "role": role,
            "organisation": organisation,
            "municipality": municipality,
        },
    )


@transaction.atomic
def mapping_delete(*, by: User, mapping: GroupMapping) -> None:
    audit.delete_and_record(obj=mapping, by=by)
