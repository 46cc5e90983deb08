"""Signing in through the real test provider (tests/oidc_provider) with the test client."""

from urllib.parse import urlsplit

from django.urls import reverse

from oidc.models import GroupMapping, ProviderOrganisation
from siv.roles import Role


def provider_answer(client, provider, username: str, *, start: str = "") -> str:
    """SIV's link to the provider and the person's sign-in there: the path (with code and
    state) the provider sends the browser back to."""
    response = client.get(start or reverse("oidc:start"))
    assert response.status_code == 302
    back = urlsplit(provider.authorize(response["Location"], username))
    return f"{back.path}?{back.query}"


def provider_sign_in(client, provider, username: str, *, follow: bool = False):
    """The sign-in at the provider, and SIV's answer to the code it sends back."""
    return client.get(provider_answer(client, provider, username), follow=follow)


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
