from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from participants import cpr


@pytest.mark.parametrize("text", ["150385-1234", "1503851234", "  150385-1234 \n"])
def test_it_accepts_both_forms_and_normalises_to_ten_digits(text):
    parsed = cpr.parse(text)
    assert parsed.digits == "1503851234"
    assert parsed.birth_date == date(1985, 3, 15)
    assert parsed.masked == "150385-XXXX"


@pytest.mark.parametrize(
    ("text", "born"),
    [
        ("010136-4000", date(2036, 1, 1)),  # 7th digit 4, year <= 36: 2000s
        ("010137-4000", date(1937, 1, 1)),
        ("010157-5000", date(2057, 1, 1)),  # 5-8, year <= 57: 2000s
        ("010158-5000", date(1858, 1, 1)),  # 5-8, year >= 58: 1800s
        ("010199-9000", date(1999, 1, 1)),
        ("010105-3000", date(1905, 1, 1)),  # 0-3: 1900s
    ],
)
def test_the_century_follows_the_seventh_digit(text, born):
    assert cpr.parse(text).birth_date == born


def test_a_number_failing_modulus_11_is_still_valid():
    assert cpr.parse("010101-0000").digits == "0101010000"


@pytest.mark.parametrize(
    "text", ["320185-1234", "150085-1234", "290201-1234", "15038-51234", "15O385-1234", ""]
)
def test_it_rejects_bad_numbers_without_echoing_them(text):
    with pytest.raises(ValidationError) as exc:
        cpr.parse(text)
    message = " ".join(exc.value.messages)
    assert message
    digits = text.replace("-", "")
    if digits:
        assert digits not in message.replace("-", "")
        assert text not in message


@given(st.one_of(st.text(), st.integers(), st.none(), st.binary()))
def test_arbitrary_input_never_crashes_the_parser(value):
    try:
        parsed = cpr.parse(value)
    except ValidationError:
        return
    assert len(parsed.digits) == 10 and parsed.digits.isdigit()


@given(st.text(alphabet="0123456789-", min_size=0, max_size=14))
def test_digit_soup_either_parses_or_gives_a_validation_error(value):
    try:
        cpr.parse(value)
    except ValidationError as exc:
        # The messages are fixed texts: no digit of the input can leak into them.
        assert not any(ch.isdigit() for ch in " ".join(exc.messages))


def test_mask_never_shows_the_serial():
    assert cpr.mask("1503851234") == "150385-XXXX"
    assert cpr.mask("garbage") == "XXXXXX-XXXX"


def test_a_leap_day_is_only_a_date_in_a_leap_year():
    assert cpr.parse("290204-1234").birth_date == date(1904, 2, 29)
    with pytest.raises(ValidationError):
        cpr.parse("290203-1234")
