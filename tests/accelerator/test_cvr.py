"""CVR numbers: 8 digits passing the modulus-11 check; anything else is an error, never a crash."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accelerator.models import CVR_WEIGHTS, Company, cvr_is_valid, validate_cvr


def _weighted(digits: str) -> int:
    return sum(int(d) * w for d, w in zip(digits, CVR_WEIGHTS, strict=True))


@st.composite
def valid_cvrs(draw):
    prefix = draw(st.text(alphabet="0123456789", min_size=7, max_size=7))
    check = (11 - _weighted(prefix + "0") % 11) % 11
    if check == 10:
        # No check digit makes this prefix valid; take the neighbour that has one.
        prefix = prefix[:6] + str((int(prefix[6]) + 1) % 10)
        check = (11 - _weighted(prefix + "0") % 11) % 11
    return prefix + str(check)


@pytest.mark.parametrize("cvr", ["35740015", "35740023", "35740031", "35740058"])
def test_the_demo_cvr_numbers_are_valid(cvr):
    assert cvr_is_valid(cvr)


@given(valid_cvrs())
def test_it_accepts_every_number_passing_the_modulus_11_check(cvr):
    assert cvr_is_valid(cvr)
    validate_cvr(cvr)


@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_it_rejects_every_other_eight_digit_string(cvr):
    if _weighted(cvr) % 11 == 0:
        assert cvr_is_valid(cvr)
    else:
        assert not cvr_is_valid(cvr)
        with pytest.raises(ValidationError):
            validate_cvr(cvr)


@given(st.text())
def test_it_never_crashes_on_any_text(text):
    valid = cvr_is_valid(text)
    assert valid == (
        len(text) == 8 and text.isascii() and text.isdigit() and _weighted(text) % 11 == 0
    )


@pytest.mark.parametrize("text", ["3574001", "357400150", "3574OO15", "35 740015", "٣٥٧٤٠٠١٥", ""])
def test_it_rejects_wrong_length_letters_spaces_and_non_ascii_digits(text):
    assert not cvr_is_valid(text)


def test_the_create_form_shows_a_danish_error_for_an_invalid_cvr(personas, signed_in):
    client = signed_in(personas.controller)
    response = client.post(
        reverse("accelerator:company_create"),
        {
            "cvr": "35740016",
            "name": "Forkert ApS",
            "size": "small",
            "municipality": personas.own.municipality.pk,
            "role": "accelerator",
        },
    )
    assert response.status_code == 200
    assert "ikke et gyldigt CVR-nummer" in response.content.decode()
    assert not Company.objects.filter(name="Forkert ApS").exists()


def test_the_create_form_creates_a_company_with_a_valid_cvr_and_logs_it(personas, signed_in):
    from siv.models import AuditAction, AuditEntry

    client = signed_in(personas.controller)
    response = client.post(
        reverse("accelerator:company_create"),
        {
            "cvr": "35740015",
            "name": "Grøn Vask ApS",
            "size": "small",
            "municipality": personas.own.municipality.pk,
            "role": "accelerator",
            "business_developer": personas.developer.pk,
        },
    )
    company = Company.objects.get(cvr="35740015")
    assert response.status_code == 302
    assert company.business_developer == personas.developer
    assert AuditEntry.objects.about(company).filter(action=AuditAction.CREATE).exists()
