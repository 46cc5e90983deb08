"""The social model's milestones: one of each kind per company, added once and then edited,
every change audited and named in the feedback."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accelerator import services
from accelerator.models import Milestone, MilestoneKind
from siv.models import AuditAction, AuditEntry
from tests.factories.accelerator import CampFactory, MilestoneFactory
from tests.opened import opened

from .conftest import own_company

pytestmark = pytest.mark.usefixtures("today")


def _list(company):
    return reverse("accelerator:company_milestones", args=[company.pk])


def _edit(milestone):
    return reverse("accelerator:company_milestones_edit", args=[milestone.company_id, milestone.pk])


def test_adding_a_milestone_names_it_in_the_feedback(personas, signed_in):
    company = own_company(personas)
    client = signed_in(personas.developer)
    response = client.post(
        _list(company), {"kind": "introduction_planned", "due_on": "2021-06-01"}, follow=True
    )
    assert "Milepælen &#x27;Introduktionsforløb planlagt&#x27; er gemt." in (
        response.content.decode()
    )
    milestone = Milestone.objects.get(company=company)
    assert milestone.due_on == datetime.date(2021, 6, 1)
    assert AuditEntry.objects.about(milestone).filter(action=AuditAction.CREATE).exists()


def test_adding_a_kind_that_exists_is_refused_with_a_link_to_edit_it(personas, signed_in):
    company = own_company(personas)
    milestone = MilestoneFactory(
        company=company, kind=MilestoneKind.INTRODUCTION_PLANNED, due_on=datetime.date(2021, 6, 1)
    )
    client = signed_in(personas.developer)
    response = client.post(_list(company), {"kind": "introduction_planned", "note": "Ny"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Virksomheden har allerede milepælen &#x27;Introduktionsforløb planlagt&#x27;" in page
    assert f'href="{_edit(milestone)}">Ret den eksisterende milepæl</a>' in page
    milestone.refresh_from_db()
    assert (milestone.due_on, milestone.note, milestone.version) == (
        datetime.date(2021, 6, 1),
        "",
        1,
    )
    assert Milestone.objects.filter(company=company).count() == 1
    assert not AuditEntry.objects.about(milestone).exists()


def test_the_service_refuses_a_second_milestone_of_a_kind(personas):
    company = own_company(personas)
    MilestoneFactory(company=company, kind=MilestoneKind.BUDDY_TRAINING)
    with pytest.raises(ValidationError) as refused:
        services.milestone_add(
            company=company,
            kind=MilestoneKind.BUDDY_TRAINING,
            due_on=None,
            done_on=None,
            by=personas.developer,
        )
    assert refused.value.error_dict["kind"][0].code == services.MILESTONE_EXISTS
    assert Milestone.objects.get(company=company).due_on == datetime.date(2020, 1, 1)


def test_a_milestone_cannot_be_reached_on_a_day_still_to_come(personas, signed_in):
    company = own_company(personas)
    client = signed_in(personas.developer)
    response = client.post(_list(company), {"kind": "tasks_identified", "done_on": "2021-03-16"})
    assert response.status_code == 200
    assert "En milepæl kan ikke være nået på en dato, der ikke er kommet endnu." in (
        response.content.decode()
    )
    assert not Milestone.objects.exists()
    assert client.post(_list(company), {"kind": "tasks_identified", "done_on": "2021-03-15"})[
        "Location"
    ] == _list(company)


def test_each_row_links_to_a_prefilled_edit_form_and_the_change_is_audited(personas, signed_in):
    company = own_company(personas)
    milestone = MilestoneFactory(
        company=company,
        kind=MilestoneKind.INTRODUCTION_PLANNED,
        due_on=datetime.date(2021, 6, 1),
        note="Med HR",
    )
    client = signed_in(personas.developer)
    assert f'href="{_edit(milestone)}"' in client.get(_list(company)).content.decode()
    detail = client.get(reverse("accelerator:company_detail", args=[company.pk]))
    assert f'href="{_edit(milestone)}"' in detail.content.decode()

    form = client.get(_edit(milestone))
    page = form.content.decode()
    assert "Introduktionsforløb planlagt" in page
    assert 'value="2021-06-01"' in page and 'value="Med HR"' in page
    response = client.post(
        _edit(milestone),
        {"due_on": "2021-07-01", "done_on": "", "note": "Med HR", **opened(form)},
        follow=True,
    )
    assert "Milepælen &#x27;Introduktionsforløb planlagt&#x27; er gemt." in (
        response.content.decode()
    )
    milestone.refresh_from_db()
    assert (milestone.due_on, milestone.note, milestone.version) == (
        datetime.date(2021, 7, 1),
        "Med HR",
        2,
    )
    change = AuditEntry.objects.about(milestone).get(action=AuditAction.CHANGE)
    assert change.details["fields"] == ["due_on"]
    assert change.details["before"] == {"due_on": "2021-06-01"}
    assert change.details["after"] == {"due_on": "2021-07-01"}


def test_an_edit_opened_before_another_change_keeps_it_or_shows_the_conflict(personas):
    company = own_company(personas)
    milestone = MilestoneFactory(
        company=company, kind=MilestoneKind.BUDDY_TRAINING, due_on=datetime.date(2021, 6, 1)
    )
    first, second = Client(), Client()
    first.force_login(personas.developer)
    second.force_login(personas.controller)
    first_opened, second_opened = (
        opened(first.get(_edit(milestone))),
        opened(second.get(_edit(milestone))),
    )
    data = {"due_on": "2021-06-01", "done_on": "", "note": ""}
    first.post(_edit(milestone), {**data, "note": "Aftalt med Mette", **first_opened})
    # The second user changed the deadline only: the first's note stays.
    response = second.post(_edit(milestone), {**data, "due_on": "2021-05-01", **second_opened})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.due_on, milestone.note) == (datetime.date(2021, 5, 1), "Aftalt med Mette")

    third = opened(first.get(_edit(milestone)))
    current = {"due_on": "2021-05-01", "done_on": "", "note": "Aftalt med Mette"}
    first.post(_edit(milestone), {**current, "due_on": "2021-04-01", **third})
    response = second.post(_edit(milestone), {**current, "due_on": "2021-08-01", **third})
    assert response.status_code == 200
    assert "Posten er ændret af en anden, siden du åbnede den." in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.due_on == datetime.date(2021, 4, 1)


def test_readers_get_no_edit_link_and_cannot_edit(personas, signed_in):
    company = own_company(personas)
    milestone = MilestoneFactory(company=company, kind=MilestoneKind.BUDDY_TRAINING)
    client = signed_in(personas.contact)
    assert _edit(milestone) not in client.get(_list(company)).content.decode()
    detail = client.get(reverse("accelerator:company_detail", args=[company.pk]))
    assert _edit(milestone) not in detail.content.decode()
    assert client.get(_edit(milestone)).status_code == 404
    response = client.post(_edit(milestone), {"due_on": "2021-09-01", "version": "1"})
    assert response.status_code == 404
    milestone.refresh_from_db()
    assert milestone.due_on == datetime.date(2020, 1, 1)


def test_a_milestone_of_another_company_is_not_found_under_this_one(personas, signed_in):
    company = own_company(personas)
    other = MilestoneFactory(kind=MilestoneKind.BUDDY_TRAINING)
    url = reverse("accelerator:company_milestones_edit", args=[company.pk, other.pk])
    assert signed_in(personas.controller).get(url).status_code == 404


def test_the_company_page_takes_constant_queries(personas, signed_in):
    company = own_company(personas, enrolled_cluster=personas.cluster)
    client = signed_in(personas.developer)
    url = reverse("accelerator:company_detail", args=[company.pk])
    MilestoneFactory(company=company, kind=MilestoneKind.BUDDY_TRAINING)
    services.camp_register_attendance(
        camp=CampFactory(cluster=personas.cluster),
        companies=[company],
        staff=[],
        by=personas.developer,
    )
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for kind in (MilestoneKind.TASKS_IDENTIFIED, MilestoneKind.FOLLOW_UP_DONE):
        MilestoneFactory(company=company, kind=kind)
    for _ in range(5):
        services.camp_register_attendance(
            camp=CampFactory(cluster=personas.cluster),
            companies=[company],
            staff=[],
            by=personas.developer,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    assert 'Camps deltaget i</dt><dd class="col-sm-7">6</dd>' in response.content.decode()
