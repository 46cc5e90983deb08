from django import forms
from django.core.exceptions import ValidationError

from siv.forms import add_validation_error


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_service_error_on_a_field_lands_on_that_field():
    form = NameForm({"name": "Ada"})
    assert form.is_valid()
    add_validation_error(form, ValidationError({"name": "Navnet er taget.", "other": "Andet."}))
    assert form.errors["name"] == ["Navnet er taget."]
    assert form.non_field_errors() == ["Andet."]


def test_a_service_error_without_a_field_is_a_form_error():
    form = NameForm({"name": "Ada"})
    assert form.is_valid()
    add_validation_error(form, ValidationError(["Første.", "Anden."]))
    assert form.non_field_errors() == ["Første.", "Anden."]
