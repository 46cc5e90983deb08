"""Camps: one screen registers a whole camp's attendance, companies and municipal staff."""

import datetime

from django.urls import reverse

from accelerator.models import Camp, CampCompanyAttendance, CampStaffAttendance
from siv.models import AuditAction, AuditEntry
from tests.factories.accelerator import CampFactory, CompanyFactory

from .conftest import own_company


def test_one_screen_registers_companies_and_staff(personas, signed_in):
    camp = CampFactory(cluster=personas.cluster)
    green = own_company(personas, enrolled_cluster=personas.cluster)
    other = CompanyFactory(name="Køge Kaffe ApS", enrolled_cluster=personas.cluster)
    outsider = CompanyFactory(name="Ikke Med ApS")
    client = signed_in(personas.developer)
    url = reverse("accelerator:camp_attendance", args=[camp.pk])

    page = client.get(url).content.decode()
    assert "Grøn Vask ApS" in page and "Køge Kaffe ApS" in page
    assert "Ikke Med ApS" not in page
    assert personas.caseworker.get_full_name() in page
    assert personas.foreign["caseworker"].get_full_name() in page  # Næstved is in the cluster

    response = client.post(
        url, {"companies": [green.pk, other.pk], "staff": [personas.caseworker.pk]}
    )
    assert response.status_code == 302
    assert set(camp.company_attendance.values_list("company_id", flat=True)) == {green.pk, other.pk}
    assert list(camp.staff_attendance.values_list("user_id", flat=True)) == [personas.caseworker.pk]

    client.post(url, {"companies": [green.pk], "staff": []})
    assert list(camp.company_attendance.values_list("company_id", flat=True)) == [green.pk]
    assert not camp.staff_attendance.exists()
    assert AuditEntry.objects.about(camp).filter(action=AuditAction.CHANGE).count() == 2
    assert outsider.camp_attendance.count() == 0

    detail = client.get(reverse("accelerator:camp_detail", args=[camp.pk])).content.decode()
    assert "1 virksomhed deltog" in detail


def test_an_unknown_company_id_is_a_form_error_not_a_crash(personas, signed_in):
    camp = CampFactory(cluster=personas.cluster)
    outsider = CompanyFactory(name="Ikke Med ApS")
    response = signed_in(personas.controller).post(
        reverse("accelerator:camp_attendance", args=[camp.pk]), {"companies": [outsider.pk]}
    )
    assert response.status_code == 200
    assert not CampCompanyAttendance.objects.exists()


def test_a_caseworker_reads_camps_but_cannot_register_attendance(personas, signed_in):
    camp = CampFactory(cluster=personas.cluster)
    client = signed_in(personas.caseworker)
    assert client.get(reverse("accelerator:camp_detail", args=[camp.pk])).status_code == 200
    response = client.post(
        reverse("accelerator:camp_attendance", args=[camp.pk]), {"staff": [personas.caseworker.pk]}
    )
    assert response.status_code == 404
    assert not CampStaffAttendance.objects.exists()


def test_held_camps_exclude_cancelled_and_future_ones(personas):
    CampFactory(cluster=personas.cluster, date=datetime.date(2020, 1, 1))
    CampFactory(cluster=personas.cluster, date=datetime.date(2020, 1, 2), cancelled=True)
    CampFactory(cluster=personas.cluster, date=datetime.date(2020, 6, 1))
    assert Camp.objects.held(until=datetime.date(2020, 3, 1)).count() == 1


def test_a_camp_is_created_and_listed(personas, signed_in):
    client = signed_in(personas.developer)
    response = client.post(
        reverse("accelerator:camp_create"),
        {
            "cluster": personas.cluster.pk,
            "theme": "brand",
            "title": "Salg for begyndere",
            "date": "2020-05-04",
            "place": "Køge",
            "experts": "Ekstern underviser",
        },
    )
    assert response.status_code == 302
    listing = client.get(reverse("accelerator:camp_list")).content.decode()
    assert "Salg for begyndere" in listing and "04.05.2020" in listing


def test_the_camp_list_takes_constant_queries(personas, signed_in, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(personas.controller)
    CampFactory.create_batch(3, cluster=personas.cluster)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accelerator:camp_list"))
    CampFactory.create_batch(20, cluster=personas.cluster)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("accelerator:camp_list"))
    assert len(few) == len(many)


def test_the_company_page_lists_the_camps_it_attended(personas, signed_in):
    from accelerator import services

    company = own_company(personas, enrolled_cluster=personas.cluster)
    attended = CampFactory(cluster=personas.cluster, title="Brand og salg")
    CampFactory(cluster=personas.cluster, title="Ikke deltaget")
    services.camp_register_attendance(
        camp=attended, companies=[company], staff=[], by=personas.developer
    )
    page = (
        signed_in(personas.developer)
        .get(reverse("accelerator:company_detail", args=[company.pk]))
        .content.decode()
    )
    assert "Brand og salg" in page and "Ikke deltaget" not in page
