"""ISO weeks are written `2024-W07` everywhere, and one parser reads them back."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import iso_week_label, parse_iso_week, week_monday


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2024, 3, 4), "2024-W10"),
        (date(2024, 3, 10), "2024-W10"),  # the Sunday belongs to the same week
        (date(2021, 1, 3), "2020-W53"),  # early January can lie in last year's week 53
        (date(2024, 12, 30), "2025-W01"),  # and late December in next year's week 1
    ],
)
def test_a_day_is_labelled_with_its_iso_year_and_week(day, label):
    assert iso_week_label(day) == label


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2024-W10", date(2024, 3, 4)),
        ("2020-W53", date(2020, 12, 28)),
        (" 2024-w07 ", date(2024, 2, 12)),
    ],
)
def test_a_label_is_read_back_as_the_weeks_monday(text, monday):
    assert parse_iso_week(text) == monday
    assert iso_week_label(parse_iso_week(text)) == text.strip().upper()


@pytest.mark.parametrize(
    "text",
    [
        "9999-W52",
        "2020-W60",
        "2021-W53",
        "2024-W00",
        "0001-W01",
        "2024-10",
        "uge 7",
        "",
        "2024-W1x",
    ],
)
def test_a_week_that_does_not_exist_is_a_value_error_in_danish(text):
    with pytest.raises(ValueError, match="Ugen skal skrives som ISO-uge"):
        parse_iso_week(text)


@pytest.mark.django_db
def test_the_hours_grid_shows_this_week_for_a_week_out_of_range(client, personas):
    client.force_login(personas.actor)
    response = client.get(reverse("participants:hours_week"), {"uge": "9999-W52"})
    assert response.status_code == 200
    assert iso_week_label(week_monday(timezone.localdate())) in response.content.decode()
