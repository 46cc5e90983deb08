import pytest
from django.core.exceptions import PermissionDenied

from participants.track import services
from siv.models import AuditAction, AuditEntry

from .helpers import citizen_in

pytestmark = pytest.mark.django_db


def test_a_caseworker_reveals_the_cpr_number_and_it_is_logged(personas):
    citizen = citizen_in(personas.own, personas.cluster, cpr="150385-1234")
    assert services.cpr_reveal(citizen=citizen, by=personas.caseworker) == "150385-1234"
    entry = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert entry.actor == personas.caseworker
    assert entry.object_id == str(citizen.pk)
    assert entry.object_label == f"Deltager D-{citizen.pk:06d}"
    assert "1234" not in str(entry.details) and "150385" not in entry.object_label


def test_the_actor_may_reveal_too(personas):
    citizen = citizen_in(personas.own, personas.cluster, cpr="150385-1234")
    assert services.cpr_reveal(citizen=citizen, by=personas.actor) == "150385-1234"


@pytest.mark.parametrize("who", ["lead", "controller", "developer", "contact"])
def test_other_roles_cannot_reveal_and_nothing_is_logged(personas, who):
    citizen = citizen_in(personas.own, personas.cluster)
    with pytest.raises(PermissionDenied):
        services.cpr_reveal(citizen=citizen, by=getattr(personas, who))
    assert not AuditEntry.objects.filter(action=AuditAction.REVEAL).exists()


def test_a_foreign_caseworker_cannot_reveal(personas):
    citizen = citizen_in(personas.own, personas.cluster)
    with pytest.raises(PermissionDenied):
        services.cpr_reveal(citizen=citizen, by=personas.foreign["caseworker"])
