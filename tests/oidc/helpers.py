"""Signing in through the real test provider (tests/oidc_provider) with the test client."""

from urllib.parse import urlsplit

from django.urls import reverse

from oidc.models import GroupMapping, ProviderOrganisation
from siv.roles import Role


def provider_sign_in(client, provider, username: str, *, follow: bool = False):
    """SIV's link to the provider, the person's sign-in there, and SIV's answer to the
    code the provider sends back."""
    start = client.get(reverse("oidc:start"))
    assert start.status_code == 302
    back = urlsplit(provider.authorize(start["Location"], username))
    return client.get(f"{back.path}?{back.query}", follow=follow)


def koege_caseworkers_group(personas, issuer: str) -> GroupMapping:
    """The provider may sign in for Jobcenter Køge, whose caseworkers' group maps to the
    caseworker role."""
    ProviderOrganisation.objects.create(issuer=issuer, organisation=personas.own.jobcentre)
    return GroupMapping.objects.create(
        issuer=issuer,
        group="siv-koege-sagsbehandlere",
        role=Role.CASEWORKER,
        organisation=personas.own.jobcentre,
        municipality=personas.own.municipality,
    )
