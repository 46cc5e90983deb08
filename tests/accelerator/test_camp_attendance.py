"""Camp attendance only for a camp that has taken place, and one answer to who attended:
the camp page's count, its list, the camp list and the attendance form agree."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accelerator import services
from accelerator.models import Camp, CampCompanyAttendance
from reporting.indicators import Scope, camp_counts
from siv.models import AuditEntry
from tests.factories.accelerator import CampFactory, CompanyFactory

from .conftest import TODAY, foreign_company, own_company

pytestmark = pytest.mark.usefixtures("today")

TOMORROW = TODAY + datetime.timedelta(days=1)


def _detail(camp):
    return reverse("accelerator:camp_detail", args=[camp.pk])


def _attendance(camp):
    return reverse("accelerator:camp_attendance", args=[camp.pk])


def test_attendance_for_a_camp_still_to_come_is_refused_and_not_offered(personas, signed_in):
    camp = CampFactory(cluster=personas.cluster, date=TOMORROW)
    company = own_company(personas, enrolled_cluster=personas.cluster)
    with pytest.raises(ValidationError) as refused:
        services.camp_register_attendance(
            camp=camp, companies=[company], staff=[], by=personas.developer
        )
    assert "Fremmøde kan registreres fra 16.03.2021." in refused.value.messages[0]

    client = signed_in(personas.developer)
    page = client.get(_detail(camp)).content.decode()
    assert "Fremmøde kan registreres fra 16.03.2021." in page
    assert _attendance(camp) not in page
    form = client.get(_attendance(camp)).content.decode()
    assert "Fremmøde kan registreres fra 16.03.2021." in form
    assert 'name="companies"' not in form
    response = client.post(_attendance(camp), {"companies": [company.pk]})
    assert response.status_code == 200
    assert not CampCompanyAttendance.objects.exists()
    assert not AuditEntry.objects.about(camp).exists()


def test_attendance_opens_on_the_camps_own_day(personas, signed_in):
    camp = CampFactory(cluster=personas.cluster, date=TODAY)
    company = own_company(personas, enrolled_cluster=personas.cluster)
    client = signed_in(personas.developer)
    page = client.get(_detail(camp)).content.decode()
    assert f'href="{_attendance(camp)}"' in page and "Fremmøde kan registreres fra" not in page
    response = client.post(_attendance(camp), {"companies": [company.pk]})
    assert response.status_code == 302
    assert list(camp.company_attendance.values_list("company_id", flat=True)) == [company.pk]


def test_a_cancelled_camp_takes_no_attendance(personas, signed_in):
    camp = CampFactory(cluster=personas.cluster, date=TODAY, cancelled=True)
    company = own_company(personas, enrolled_cluster=personas.cluster)
    with pytest.raises(ValidationError):
        services.camp_register_attendance(
            camp=camp, companies=[company], staff=[], by=personas.developer
        )
    page = signed_in(personas.developer).get(_detail(camp)).content.decode()
    assert "Camp er aflyst, så der registreres ikke fremmøde." in page
    assert _attendance(camp) not in page


def test_a_camp_with_attendance_cannot_be_moved_ahead_or_cancelled(personas, signed_in):
    camp = CampFactory(cluster=personas.cluster, date=TODAY)
    company = own_company(personas, enrolled_cluster=personas.cluster)
    services.camp_register_attendance(
        camp=camp, companies=[company], staff=[], by=personas.developer
    )
    for change in ({"date": TOMORROW}, {"cancelled": True}):
        with pytest.raises(ValidationError):
            services.camp_update(camp=camp, by=personas.developer, **change)
    camp.refresh_from_db()
    assert (camp.date, camp.cancelled) == (TODAY, False)
    services.camp_update(camp=camp, by=personas.developer, place="Roskilde")
    assert Camp.objects.get(pk=camp.pk).place == "Roskilde"


def _two_attend(personas):
    """Grøn Vask (Køge, developer Anna's) and Sydhavn Café (Næstved, developer Bo's)."""
    camp = CampFactory(cluster=personas.cluster, date=TODAY - datetime.timedelta(days=7))
    green = own_company(personas, enrolled_cluster=personas.cluster)
    cafe = foreign_company(personas, enrolled_cluster=personas.cluster)
    services.camp_register_attendance(
        camp=camp, companies=[green, cafe], staff=[personas.caseworker], by=personas.controller
    )
    return camp, green, cafe


def test_the_developer_sees_every_company_counted_listed_and_ticked(personas, signed_in):
    camp, green, cafe = _two_attend(personas)
    client = signed_in(personas.developer)
    page = client.get(_detail(camp)).content.decode()
    assert "2 virksomheder deltog" in page
    assert "Grøn Vask ApS" in page and "Sydhavn Café ApS" in page
    # Only the company the developer may open is a link.
    assert reverse("accelerator:company_detail", args=[green.pk]) in page
    assert reverse("accelerator:company_detail", args=[cafe.pk]) not in page

    form = client.get(_attendance(camp)).content.decode()
    assert _ticked(form, "companies") == {green.pk, cafe.pk}
    assert _ticked(form, "staff") == {personas.caseworker.pk}

    listing = client.get(reverse("accelerator:camp_list")).content.decode()
    row = listing[listing.index(camp.title) :]
    assert '<td class="num">2</td>' in row[: row.index("</tr>")]


def _ticked(page, name):
    boxes = re.findall(rf'<input type="checkbox" name="{name}"[^>]*>', page)
    assert boxes
    return {int(re.search(r'value="(\d+)"', box).group(1)) for box in boxes if "checked" in box}


def test_a_municipal_reader_is_told_how_many_attended_outside_their_scope(personas, signed_in):
    camp, green, _cafe = _two_attend(personas)
    page = signed_in(personas.caseworker).get(_detail(camp)).content.decode()
    assert "2 virksomheder deltog" in page
    assert "Grøn Vask ApS" in page and "Sydhavn Café ApS" not in page
    assert "1 virksomhed uden for det, du har adgang til" in page
    assert _attendance(camp) not in page


def test_saving_the_form_unchanged_keeps_every_attendee(personas, signed_in):
    camp, green, cafe = _two_attend(personas)
    client = signed_in(personas.developer)
    response = client.post(
        _attendance(camp), {"companies": [green.pk, cafe.pk], "staff": [personas.caseworker.pk]}
    )
    assert response.status_code == 302
    assert set(camp.company_attendance.values_list("company_id", flat=True)) == {green.pk, cafe.pk}


def test_the_camp_page_takes_constant_queries(personas, signed_in):
    camp, _green, _cafe = _two_attend(personas)
    client = signed_in(personas.caseworker)
    client.get(_detail(camp))
    with CaptureQueriesContext(connection) as few:
        client.get(_detail(camp))
    companies = CompanyFactory.create_batch(6, enrolled_cluster=personas.cluster)
    services.camp_register_attendance(
        camp=camp,
        companies=[*companies, *camp_companies(camp)],
        staff=[personas.caseworker, personas.lead],
        by=personas.controller,
    )
    with CaptureQueriesContext(connection) as many:
        page = client.get(_detail(camp)).content.decode()
    assert len(many) == len(few)
    assert "8 virksomheder deltog" in page


def camp_companies(camp):
    return [row.company for row in camp.company_attendance.select_related("company")]


def test_c04_counts_only_camps_held_by_the_period_end_and_today(personas):
    CampFactory(cluster=personas.cluster, date=datetime.date(2021, 1, 10))
    CampFactory(cluster=personas.cluster, date=datetime.date(2021, 2, 10), cancelled=True)
    CampFactory(cluster=personas.cluster, date=datetime.date(2021, 3, 1))
    CampFactory(cluster=personas.cluster, date=TOMORROW)  # inside the period, still to come

    def c04(end):
        return camp_counts(Scope(), start=None, end=end)[None]["C04"]

    assert c04(datetime.date(2021, 2, 28)) == 1
    assert c04(datetime.date(2021, 6, 30)) == 2
    assert Camp.objects.held().count() == 2
