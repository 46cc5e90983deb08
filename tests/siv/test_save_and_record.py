"""The one save-and-audit helper every app's services write through."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from partnerships.models import ClusterMembership, Organisation, OrganisationKind
from siv import audit
from siv.models import AuditAction, AuditEntry
from tests.factories.participants import CitizenFactory
from tests.factories.partnerships import GrowthPartnershipFactory, municipality

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return Organisation.objects.create(
        kind=OrganisationKind.COMPANY, name="Testvask ApS", municipality=municipality("Køge")
    )


def test_a_new_record_is_saved_whole_and_logged_as_created_with_its_values(personas):
    organisation = audit.save_and_record(
        obj=Organisation(),
        by=personas.admin,
        changes={
            "kind": OrganisationKind.COMPANY,
            "name": "Testcafé ApS",
            "municipality": municipality("Stevns"),
        },
        details={"source": "test"},
    )
    assert Organisation.objects.get(pk=organisation.pk).name == "Testcafé ApS"
    entry = AuditEntry.objects.about(organisation).get()
    assert entry.action == AuditAction.CREATE
    assert entry.actor == personas.admin
    assert entry.details == {
        "source": "test",
        "fields": ["kind", "municipality", "name"],
        "after": {"kind": "company", "municipality": municipality("Stevns").pk},
    }


def test_an_update_writes_only_the_changed_fields(personas, organisation):
    # Another tab renames the organisation after this one loaded it.
    stale = Organisation.objects.get(pk=organisation.pk)
    Organisation.objects.filter(pk=organisation.pk).update(name="Testvask og Rens ApS")

    audit.save_and_record(
        obj=stale, by=personas.admin, changes={"municipality": municipality("Stevns")}
    )

    organisation.refresh_from_db()
    # A whole-row save would have written the stale name back over the other tab's rename.
    assert organisation.municipality == municipality("Stevns")
    assert organisation.name == "Testvask og Rens ApS"


def test_the_change_row_carries_the_before_and_after_of_the_changed_fields(personas):
    membership = ClusterMembership.objects.get(municipality=personas.own.municipality)
    before = membership.slots
    audit.save_and_record(
        obj=membership,
        by=personas.admin,
        changes={"slots": before + 3, "declaration_signed": membership.declaration_signed},
    )
    entry = AuditEntry.objects.about(membership).get(action=AuditAction.CHANGE)
    assert entry.details == {
        "fields": ["slots"],
        "before": {"slots": before},
        "after": {"slots": before + 3},
    }


def test_a_form_that_changed_the_object_in_memory_is_compared_with_the_stored_row(
    personas, organisation
):
    organisation.name = "Nyt navn ApS"  # as a bound ModelForm does while validating
    audit.save_and_record(obj=organisation, by=personas.admin, changes={"name": "Nyt navn ApS"})
    assert Organisation.objects.get(pk=organisation.pk).name == "Nyt navn ApS"
    assert AuditEntry.objects.about(organisation).get().details["fields"] == ["name"]


def test_nothing_is_written_or_logged_when_nothing_changed(personas, organisation):
    audit.save_and_record(
        obj=organisation,
        by=personas.admin,
        changes={"name": organisation.name, "kind": organisation.kind},
    )
    assert not AuditEntry.objects.about(organisation).exists()


def test_nothing_is_written_or_logged_when_validation_fails(personas, organisation):
    with pytest.raises(ValidationError) as error:
        audit.save_and_record(
            obj=organisation,
            by=personas.admin,
            changes={"name": "", "municipality": municipality("Stevns")},
        )
    assert "name" in error.value.message_dict
    stored = Organisation.objects.get(pk=organisation.pk)
    assert (stored.name, stored.municipality) == ("Testvask ApS", municipality("Køge"))
    assert not AuditEntry.objects.exists()


def test_a_new_record_that_fails_validation_is_not_saved(personas):
    with pytest.raises(ValidationError):
        audit.save_and_record(
            obj=Organisation(), by=personas.admin, changes={"kind": "nonsense", "name": "X"}
        )
    assert not Organisation.objects.filter(name="X").exists()
    assert not AuditEntry.objects.exists()


def test_free_text_and_private_fields_are_named_but_their_values_kept_out(personas):
    citizen = CitizenFactory(municipality=personas.own.municipality)
    audit.save_and_record(
        obj=citizen,
        by=personas.caseworker,
        changes={
            "first_name": "Anders-Peter",
            "disability": True,
            "phase2_start": datetime.date(2024, 5, 6),
        },
    )
    citizen.refresh_from_db()
    assert (citizen.first_name, citizen.disability) == ("Anders-Peter", True)
    entry = AuditEntry.objects.about(citizen).get()
    assert entry.details == {
        "fields": ["disability", "first_name", "phase2_start"],
        "before": {"phase2_start": None},
        "after": {"phase2_start": "2024-05-06"},
        "version": 2,
    }


def test_a_changed_many_to_many_set_is_logged_by_ids(personas):
    partnership = GrowthPartnershipFactory(
        municipality=personas.own.municipality,
        cluster=personas.cluster,
        partners=[personas.own.actor_org, personas.own.company_org],
    )
    before = sorted(partnership.partners.values_list("pk", flat=True))
    audit.save_and_record(
        obj=partnership, by=personas.controller, m2m={"partners": [personas.own.actor_org]}
    )
    assert list(partnership.partners.all()) == [personas.own.actor_org]
    assert AuditEntry.objects.about(partnership).get().details == {
        "fields": ["partners"],
        "before": {"partners": before},
        "after": {"partners": [personas.own.actor_org.pk]},
        "version": 2,
    }


def test_a_change_beside_the_row_is_logged_without_touching_the_row(personas, organisation):
    audit.save_and_record(
        obj=organisation, by=personas.admin, related={"contacts": (["a"], ["a", "b"])}
    )
    assert AuditEntry.objects.about(organisation).get().details == {
        "fields": ["contacts"],
        "before": {"contacts": ["a"]},
        "after": {"contacts": ["a", "b"]},
    }
    audit.save_and_record(obj=organisation, by=personas.admin, related={"contacts": (["a"], ["a"])})
    assert AuditEntry.objects.about(organisation).count() == 1
