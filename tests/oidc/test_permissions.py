import pytest

from oidc.models import GroupMapping, ProviderOrganisation
from siv.roles import Role
from tests.matrix import Case, run_matrix

ISSUER = "https://login.koege.example/realms/kommune"


@pytest.fixture(autouse=True)
def provider_configured(settings):
    """The administrator's pages exist only where a provider is configured."""
    settings.SIV_OIDC_ISSUER = ISSUER
    settings.SIV_OIDC_CLIENT_ID = "siv"
    settings.SIV_OIDC_CLIENT_SECRET = "hemmelig"


def allowed_organisation(p):
    return [
        ProviderOrganisation.objects.get_or_create(issuer=ISSUER, organisation=p.own.jobcentre)[
            0
        ].pk
    ]


def mapping(p):
    allowed_organisation(p)
    return [
        GroupMapping.objects.get_or_create(
            issuer=ISSUER,
            group="siv-koege-sagsbehandlere",
            role=Role.CASEWORKER,
            organisation=p.own.jobcentre,
            municipality=p.own.municipality,
        )[0].pk
    ]


CASES = [
    # The provider's organisations and group mappings: the administrator's.
    Case("oidc:provider_settings", "users.manage"),
    Case("oidc:organisation_remove", "users.manage", own=allowed_organisation, status_ok=405),
    Case("oidc:mapping_create", "users.manage"),
    Case("oidc:mapping_edit", "users.manage", own=mapping),
    Case("oidc:mapping_delete", "users.manage", own=mapping, status_ok=405),
]

test_permission, test_signed_out_is_sent_to_login = run_matrix(CASES)
