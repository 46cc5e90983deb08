import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partnerships import services
from partnerships.models import (
    EVALUATION_QUESTIONS,
    CollaborationEvaluation,
    GrowthPartnership,
    PartnershipMeeting,
)
from siv.models import AuditAction, AuditEntry
from tests.factories.partnerships import (
    CollaborationEvaluationFactory,
    GrowthPartnershipFactory,
    PartnershipMeetingFactory,
    all_answers,
    municipality,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(personas):
    return GrowthPartnershipFactory(
        municipality=personas.own.municipality,
        cluster=personas.cluster,
        partners=[personas.own.actor_org, personas.own.company_org],
        facilitation_start=datetime.date(2019, 3, 1),
    )


def test_the_controller_creates_a_partnership_with_partners(client, personas):
    client.force_login(personas.controller)
    response = client.post(
        reverse("partnerships:partnership_create"),
        {
            "name": "Vækstpartnerskab Køge Nord",
            "municipality": personas.own.municipality.pk,
            "cluster": personas.cluster.pk,
            "partners": [personas.own.actor_org.pk, personas.own.company_org.pk],
            "terms_of_reference": "Job til borgere langt fra arbejdsmarkedet.",
            "facilitation_start": "2020-02-01",
            "jobcentre_contact": "Virksomhedskonsulent Hanne",
            "single_point_of_contact": personas.own.actor_org.pk,
        },
    )
    partnership = GrowthPartnership.objects.get(name="Vækstpartnerskab Køge Nord")
    assert response["Location"] == reverse("partnerships:partnership_detail", args=[partnership.pk])
    assert set(partnership.partners.all()) == {personas.own.actor_org, personas.own.company_org}
    page = client.get(response["Location"]).content.decode()
    # Facilitation runs 12 months, shown as dd.mm.yyyy.
    assert "01.02.2020 – 01.02.2021" in page
    assert "Virksomhedskonsulent Hanne" in page
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(partnership.pk))
    assert "partners" in entry.details["fields"]


def test_editing_partners_logs_the_changed_fields(client, personas, partnership):
    partners_before = sorted(partnership.partners.values_list("pk", flat=True))
    client.force_login(personas.controller)
    client.post(
        reverse("partnerships:partnership_edit", args=[partnership.pk]),
        {
            "name": partnership.name,
            "municipality": partnership.municipality_id,
            "cluster": partnership.cluster_id,
            "partners": [personas.own.actor_org.pk],
            "facilitation_start": "2019-03-01",
            "jobcentre_contact": "Ny kontakt",
        },
    )
    entry = AuditEntry.objects.filter(action=AuditAction.CHANGE).latest("at")
    # The contact is free text: named, its value kept out of the log.
    assert entry.details == {
        "fields": ["jobcentre_contact", "partners"],
        "before": {"partners": partners_before},
        "after": {"partners": [personas.own.actor_org.pk]},
        "version": 2,
    }


def test_a_caseworker_sees_their_municipalitys_partnership_without_edit_links(
    client, personas, partnership
):
    client.force_login(personas.caseworker)
    page = client.get(reverse("partnerships:partnership_detail", args=[partnership.pk]))
    assert "01.03.2019 – 01.03.2020" in page.content.decode()
    assert reverse("partnerships:partnership_edit", args=[partnership.pk]) not in (
        page.content.decode()
    )


def test_the_partnership_list_filters_by_cluster_and_keeps_its_queries_constant(
    client, personas, partnership, django_assert_max_num_queries
):
    client.force_login(personas.controller)
    for name in ("Roskilde", "Greve", "Solrød"):
        GrowthPartnershipFactory(municipality=municipality(name), cluster=personas.cluster)
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("partnerships:partnership_list"), {"cluster": personas.cluster.pk}
        )
    assert len(response.context["page"]) == 4
    response = client.get(reverse("partnerships:partnership_list"), {"name": "Greve"})
    assert [p.name for p in response.context["page"]] == ["Vækstpartnerskab Greve"]


def test_saving_a_partners_plan_again_updates_it(client, personas, partnership):
    client.force_login(personas.controller)
    url = reverse("partnerships:plan_entry_edit", args=[partnership.pk])
    org = personas.own.company_org.pk
    client.post(url, {"organisation": org, "needs": "Rekruttering", "wishes": "Buddy-kursus"})
    client.post(url, {"organisation": org, "needs": "Rekruttering og oplæring", "wishes": ""})
    entry = partnership.plan_entries.get()
    assert entry.needs == "Rekruttering og oplæring"
    page = client.get(reverse("partnerships:partnership_detail", args=[partnership.pk]))
    assert "Rekruttering og oplæring" in page.content.decode()
    edit = client.get(url, {"partner": org})
    assert edit.context["form"].initial["needs"] == "Rekruttering og oplæring"


def test_a_plan_entry_is_only_for_the_partnerships_partners(client, personas, partnership):
    client.force_login(personas.controller)
    response = client.post(
        reverse("partnerships:plan_entry_edit", args=[partnership.pk]),
        {"organisation": personas.foreign.company_org.pk, "needs": "x", "wishes": ""},
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors


def test_a_meeting_is_recorded_edited_and_deleted_after_confirmation(client, personas, partnership):
    client.force_login(personas.controller)
    client.post(
        reverse("partnerships:meeting_create", args=[partnership.pk]),
        {"date": "2020-06-10", "notes": "Første møde i partnerskabet."},
    )
    meeting = partnership.meetings.get()
    assert meeting.date == datetime.date(2020, 6, 10)
    client.post(
        reverse("partnerships:meeting_edit", args=[partnership.pk, meeting.pk]),
        {"date": "2020-06-11", "notes": "Første møde i partnerskabet."},
    )
    meeting.refresh_from_db()
    assert meeting.date == datetime.date(2020, 6, 11)

    delete_url = reverse("partnerships:meeting_delete", args=[partnership.pk, meeting.pk])
    confirmation = client.get(delete_url).content.decode()
    assert "Slet partnerskabsmødet den 11.06.2020?" in confirmation
    assert "data-confirm" in confirmation
    assert PartnershipMeeting.objects.filter(pk=meeting.pk).exists()
    client.post(delete_url)
    assert not PartnershipMeeting.objects.filter(pk=meeting.pk).exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_id=str(meeting.pk)).exists()


def test_a_meeting_of_another_partnership_is_not_found(client, personas, partnership):
    other = PartnershipMeetingFactory(
        partnership=GrowthPartnershipFactory(
            municipality=personas.foreign.municipality, cluster=personas.cluster
        )
    )
    client.force_login(personas.controller)
    response = client.get(reverse("partnerships:meeting_edit", args=[partnership.pk, other.pk]))
    assert response.status_code == 404


def _evaluation_post(org, year, answer="partly", skip=None):
    data = {"organisation": org.pk, "year": year}
    for key, _label in EVALUATION_QUESTIONS:
        if key != skip:
            data[f"answer_{key}"] = answer
        data[f"comment_{key}"] = f"Kommentar om {key}"
    return data


def test_the_yearly_evaluation_answers_every_question(client, personas, partnership):
    client.force_login(personas.controller)
    response = client.post(
        reverse("partnerships:evaluation_create", args=[partnership.pk]),
        _evaluation_post(personas.own.company_org, 2021),
    )
    evaluation = CollaborationEvaluation.objects.get()
    assert response["Location"] == reverse(
        "partnerships:evaluation_detail", args=[partnership.pk, evaluation.pk]
    )
    assert evaluation.answers["courses_used"] == {
        "answer": "partly",
        "comment": "Kommentar om courses_used",
    }
    page = client.get(response["Location"]).content.decode()
    assert "Bliver forløbene brugt?" in page and "Delvist" in page


def test_an_evaluation_with_an_unanswered_question_is_refused(client, personas, partnership):
    client.force_login(personas.controller)
    response = client.post(
        reverse("partnerships:evaluation_create", args=[partnership.pk]),
        _evaluation_post(personas.own.company_org, 2021, skip="overview_after"),
    )
    assert response.status_code == 200
    assert "Vælg ja, delvist eller nej." in response.content.decode()
    assert not CollaborationEvaluation.objects.exists()


def test_there_is_one_evaluation_per_partner_and_year(client, personas, partnership):
    CollaborationEvaluationFactory(
        partnership=partnership, organisation=personas.own.company_org, year=2021
    )
    client.force_login(personas.controller)
    response = client.post(
        reverse("partnerships:evaluation_create", args=[partnership.pk]),
        _evaluation_post(personas.own.company_org, 2021),
    )
    assert response.status_code == 200
    assert "Der er allerede en evaluering" in response.content.decode()
    assert CollaborationEvaluation.objects.count() == 1


def test_the_service_refuses_malformed_answers(personas, partnership):
    answers = all_answers()
    answers["courses_used"] = {"answer": "maybe"}
    answers["unknown_question"] = {"answer": "yes"}
    with pytest.raises(ValidationError) as error:
        services.evaluation_save(
            by=personas.controller,
            partnership=partnership,
            organisation=personas.own.company_org,
            year=2022,
            answers=answers,
        )
    messages = " ".join(error.value.message_dict["answers"])
    assert "Bliver forløbene brugt?" in messages and "unknown_question" in messages
