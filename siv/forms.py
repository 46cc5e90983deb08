from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Forkert brugernavn eller adgangskode."),
        "inactive": _("Kontoen er deaktiveret."),
    }


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Engangskode"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("Koden er 6 cifre fra din godkendelses-app.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Tilmeldingskode"),
        max_length=20,
        help_text=_("Koden fra din administrator, fx ABCDE-FGH23."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


def add_validation_error(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form (on its field when it names one), so a
    rule broken in a service is a message to the user, never a 500."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class Select(forms.Select):
    """Django's select box, built in Python rather than from a template per option: the
    same elements, attributes and selection (a filter's hundred municipalities and actors
    cost 40 ms a page through the templates). Grouped choices go the template way."""

    def __init__(self, attrs=None, choices=(), *, label_field: str = ""):
        super().__init__(attrs, choices)
        # The model field the options' labels are (the model's str()): read as plain values.
        self.label_field = label_field

    def render(self, name, value, attrs=None, renderer=None):
        choices = self._choice_pairs()
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, " selected" if str(option) in selected else "", label)
                for option, label in choices
            ),
        )
        final_attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)

    def _choice_pairs(self) -> tuple:
        """A model field's options in one plain query. Django would walk its queryset with
        iterator(): on PostgreSQL a server-side cursor (declare, fetch, close) for a few
        dozen rows, and list() would first ask for a COUNT."""
        if isinstance(self.choices, ModelChoiceIterator):
            field = self.choices.field
            empty = [("", field.empty_label)] if field.empty_label is not None else []
            if self.label_field:
                # No model instances: the values and labels as the database has them.
                values = field.queryset.values_list(field.to_field_name or "pk", self.label_field)
                return (*empty, *values)
            return (*empty, *(self.choices.choice(obj) for obj in field.queryset.all()))
        return tuple(iter(self.choices))
