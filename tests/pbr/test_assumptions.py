"""The controller keeps the business case's benefit rates and hour bands as dated rows on the
rates screen: from the programme's start in 2018, with Danish refusals of impossible rows, an
edit that does not undo a colleague's, and example rows marked as examples."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pbr import services
from pbr.models import BenefitRate, SavingBand
from siv.models import AuditEntry
from tests.opened import opened

pytestmark = pytest.mark.django_db


def rates_url() -> str:
    return reverse("pbr:rates")


def add_rate(personas, benefit="kontanthjaelp", valid_from=date(2019, 1, 1), rate="2500"):
    return services.benefit_rate_add(
        by=personas.controller, benefit=benefit, valid_from=valid_from, weekly_rate=Decimal(rate)
    )


def test_the_controller_adds_a_rate_from_2018_and_sees_it_on_the_list(signed_in, personas):
    client = signed_in(personas.controller)
    response = client.post(
        reverse("pbr:rate_create"),
        {"benefit": "kontanthjaelp", "valid_from": "2018-01-01", "weekly_rate": "2.612,50"},
    )
    assert response.status_code == 302
    rate = BenefitRate.objects.get(benefit="kontanthjaelp", valid_from=date(2018, 1, 1))
    assert rate.weekly_rate == Decimal("2612.50") and not rate.is_example
    assert AuditEntry.objects.filter(object_id=str(rate.pk), action="create").exists()
    content = client.get(rates_url()).content.decode()
    assert "01.01.2018" in content and "2.612,50" in content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"benefit": "kontanthjaelp", "valid_from": "2017-12-31", "weekly_rate": "2500"},
            "Datoen kan tidligst være programmets start, 01.01.2018.",
        ),
        (
            {"benefit": "kontanthjaelp", "valid_from": "2019-01-01", "weekly_rate": "0"},
            "Satsen skal være større end 0 kr.",
        ),
        (
            {"benefit": "kontanthjaelp", "valid_from": "2019-01-01", "weekly_rate": "-5"},
            "Satsen skal være større end 0 kr.",
        ),
        (
            {"benefit": "kontanthjaelp", "valid_from": "2024-01-01", "weekly_rate": "2500"},
            "Der er allerede en sats for kontanthjælp fra 01.01.2024. Ret den i stedet.",
        ),
    ],
)
def test_an_impossible_rate_is_refused_in_danish_on_the_form(signed_in, personas, data, message):
    rows = BenefitRate.objects.count()
    response = signed_in(personas.controller).post(reverse("pbr:rate_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert BenefitRate.objects.count() == rows


def test_no_benefit_is_not_offered_for_a_rate(signed_in, personas):
    form = signed_in(personas.controller).get(reverse("pbr:rate_create")).context["form"]
    assert "none" not in [value for value, _label in form.fields["benefit"].choices]
    with pytest.raises(ValidationError) as refused:
        add_rate(personas, benefit="none")
    assert "Uden ydelse spares der intet" in str(refused.value)


def test_a_rate_is_corrected_and_a_stale_form_is_a_danish_conflict(client, personas):
    rate = add_rate(personas)
    url = reverse("pbr:rate_edit", args=[rate.pk])
    client.force_login(personas.controller)
    shown = {"benefit": "kontanthjaelp", "valid_from": "2019-01-01"}
    mine, theirs = opened(client.get(url)), opened(client.get(url))
    assert client.post(url, {**shown, **mine, "weekly_rate": "2.600,00"}).status_code == 302
    rate.refresh_from_db()
    assert rate.weekly_rate == Decimal("2600.00") and rate.version == 2

    response = client.post(url, {**shown, **theirs, "weekly_rate": "2.700,00"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Posten er ændret af en anden, siden du åbnede den." in content
    assert "2.600,00" in content
    rate.refresh_from_db()
    assert rate.weekly_rate == Decimal("2600.00")


def test_moving_a_rate_onto_the_date_of_another_is_refused(personas):
    add_rate(personas, valid_from=date(2019, 1, 1))
    later = add_rate(personas, valid_from=date(2020, 1, 1))
    with pytest.raises(ValidationError) as refused:
        services.benefit_rate_update(
            rate=later, by=personas.controller, valid_from=date(2019, 1, 1)
        )
    assert "Der er allerede en sats for kontanthjælp fra 01.01.2019" in str(refused.value)
    later.refresh_from_db()
    assert later.valid_from == date(2020, 1, 1)


def add_band(personas, hours, share, valid_from=date(2018, 1, 1)):
    return services.saving_band_add(
        by=personas.controller,
        valid_from=valid_from,
        min_hours=Decimal(hours),
        share_saved=Decimal(share),
    )


@pytest.mark.parametrize(
    ("hours", "share", "message"),
    [
        ("15", "0,5", "Der er allerede et interval fra 15,0 timer, der gælder fra 01.01.2018."),
        ("0", "0,5", "Timetallet skal være større end 0."),
        ("25", "0", "Andelen skal være større end 0 og højst 1."),
        ("25", "0,4", "Intervallet fra 15,0 timer sparer 50 % af ydelsen"),
        ("10", "0,6", "Intervallet fra 15,0 timer sparer 50 % af ydelsen"),
    ],
)
def test_overlapping_or_impossible_bands_are_refused_in_danish(
    signed_in, personas, hours, share, message
):
    add_band(personas, "15", "0.5")
    response = signed_in(personas.controller).post(
        reverse("pbr:band_create"),
        {"valid_from": "2018-01-01", "min_hours": hours, "share_saved": share},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert SavingBand.objects.filter(valid_from=date(2018, 1, 1)).count() == 1


def test_a_band_is_corrected_through_its_edit_form(client, personas):
    band = add_band(personas, "15", "0.5")
    add_band(personas, "30", "1")
    url = reverse("pbr:band_edit", args=[band.pk])
    client.force_login(personas.controller)
    data = {"valid_from": "2018-01-01", "min_hours": "15,0", **opened(client.get(url))}
    assert client.post(url, {**data, "share_saved": "0,4500"}).status_code == 302
    band.refresh_from_db()
    assert band.share_saved == Decimal("0.4500")


def test_the_example_rates_reach_back_to_2018_marked_and_are_seeded_once(signed_in, personas):
    call_command("seed_example_rates", stdout=None)
    first = BenefitRate.objects.filter(valid_from=date(2018, 1, 1))
    assert first.count() == 8 and all(rate.is_example for rate in first)
    assert SavingBand.objects.filter(valid_from=date(2018, 1, 1), is_example=True).count() == 4
    # One a year until the 2024 rates, each year's a little higher than the year before.
    kontanthjaelp = list(BenefitRate.objects.filter(benefit="kontanthjaelp").order_by("valid_from"))
    assert [r.valid_from.year for r in kontanthjaelp] == list(range(2018, 2025))
    rates = [r.weekly_rate for r in kontanthjaelp]
    assert rates == sorted(rates) and len(set(rates)) == len(rates)
    rows = BenefitRate.objects.count() + SavingBand.objects.count()
    assert services.example_assumptions_seed(by=None) == 0
    assert BenefitRate.objects.count() + SavingBand.objects.count() == rows

    content = signed_in(personas.lead).get(rates_url()).content.decode()
    assert 'badge text-bg-warning">eksempel</span>' in content
    assert "01.01.2018" in content


def test_a_rate_entered_by_the_controller_is_not_marked_as_an_example(signed_in, personas):
    add_rate(personas, valid_from=date(2019, 5, 1))
    content = signed_in(personas.controller).get(rates_url()).content.decode()
    row = content.split("01.05.2019")[0].rsplit("<tr>", 1)[1]
    assert "Kontanthjælp" in row and "eksempel" not in row


def test_the_seeded_2024_rates_are_examples_and_no_benefit_has_no_rate(personas):
    assert BenefitRate.objects.filter(valid_from=date(2024, 1, 1), is_example=False).count() == 0
    assert BenefitRate.objects.filter(valid_from=date(2024, 1, 1)).count() == 8
    assert not BenefitRate.objects.filter(benefit="none").exists()


def test_the_rates_list_takes_the_same_number_of_queries_for_many_rows(
    signed_in, personas, django_assert_max_num_queries
):
    client = signed_in(personas.controller)
    client.get(rates_url())
    with CaptureQueriesContext(connection) as few:
        client.get(rates_url())
    assert services.example_assumptions_seed(by=None) > 40
    with django_assert_max_num_queries(len(few)):
        response = client.get(rates_url())
    assert response.content.decode().count(">Ret<") > 40


def test_a_lead_reads_the_rates_but_cannot_change_them(signed_in, personas):
    rate = add_rate(personas)
    client = signed_in(personas.lead)
    content = client.get(rates_url()).content.decode()
    assert "2.500,00" in content
    assert reverse("pbr:rate_edit", args=[rate.pk]) not in content
    response = client.post(reverse("pbr:rate_edit", args=[rate.pk]), {"weekly_rate": "1"})
    assert response.status_code == 404
    rate.refresh_from_db()
    assert rate.weekly_rate == Decimal("2500.00")
