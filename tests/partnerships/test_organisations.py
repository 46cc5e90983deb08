import pytest
from django.urls import reverse

from partnerships.models import Organisation, OrganisationKind
from siv.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


def test_the_organisation_list_filters_by_kind(client, personas):
    client.force_login(personas.controller)
    page = client.get(reverse("partnerships:organisation_list"), {"kind": "company"})
    names = [org.name for org in page.context["page"]]
    assert names == ["Grøn Vask ApS", "Sydhavn Café ApS"]


def test_the_admin_creates_an_employment_actor(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("partnerships:organisation_create"),
        {"kind": OrganisationKind.EMPLOYMENT_ACTOR, "name": "Vejen Frem", "municipality": ""},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Vejen Frem")
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(organisation.pk))
    assert entry.details == {
        "fields": ["kind", "municipality", "name"],
        "after": {"kind": OrganisationKind.EMPLOYMENT_ACTOR, "municipality": None},
    }


def test_a_jobcentre_needs_a_municipality(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("partnerships:organisation_create"),
        {"kind": OrganisationKind.MUNICIPALITY, "name": "Jobcenter Uden Kommune"},
    )
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="Jobcenter Uden Kommune").exists()
    assert response.context["form"].errors == {
        "municipality": ["Et jobcenter skal høre til en kommune."]
    }


def test_the_organisation_list_has_a_constant_number_of_queries(
    client, personas, django_assert_max_num_queries
):
    client.force_login(personas.controller)
    client.get(reverse("partnerships:organisation_list"))
    for n in range(10):
        Organisation.objects.create(kind=OrganisationKind.COMPANY, name=f"Firma {n}")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("partnerships:organisation_list"))
    assert response.status_code == 200
