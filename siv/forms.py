import json
from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import ModelChoiceIterator, model_to_dict
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import audit


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


def strength_labels() -> str:
    """The strength meter's words, weakest first (static/js/password.js reads them)."""
    words = [_("Meget svag"), _("Svag"), _("Middel"), _("Stærk"), _("Meget stærk")]
    return json.dumps([str(word) for word in words], ensure_ascii=False)


class NewPasswordForm(forms.Form):
    """A new password, typed twice, judged by Django's validators for the user it is for. The
    first field carries a strength meter in the browser; the server's validators decide."""

    new_password1 = forms.CharField(
        label=_("Ny adgangskode"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Gentag den nye adgangskode"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        first = self.fields["new_password1"]
        first.help_text = password_validation.password_validators_help_text_html()
        first.widget.attrs.update(
            {
                "data-password-strength": strength_labels(),
                "data-password-strength-label": gettext("Styrke"),
                "data-password-context": " ".join(
                    value
                    for value in (user.get_username(), user.first_name, user.last_name)
                    if value
                ),
            }
        )

    def clean_new_password2(self):
        first = self.cleaned_data.get("new_password1")
        second = self.cleaned_data["new_password2"]
        if first and first != second:
            raise ValidationError(_("De to adgangskoder er ikke ens."))
        password_validation.validate_password(second, self.user)
        return second


class PasswordChangeForm(NewPasswordForm):
    old_password = forms.CharField(
        label=_("Nuværende adgangskode"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    field_order = ["old_password", "new_password1", "new_password2"]


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


def save_valid(form: forms.Form, save: Callable[[], Any]) -> Any | None:
    """`save()` for a valid form; None, with the service's refusal on the form, otherwise."""
    if not form.is_valid():
        return None
    try:
        return save()
    except ValidationError as exc:
        add_validation_error(form, exc)
        return None


class Select(forms.Select):
    """Django's select box, built in Python rather than from a template per option: the
    same elements, attributes and selection (a filter's hundred municipalities and actors
    cost 40 ms a page through the templates). Grouped choices go the template way."""

    def __init__(self, attrs=None, choices=(), *, label_field: str = ""):
        super().__init__(attrs, choices)
        # The model field the options' labels are (the model's str()): read as plain values.
        self.label_field = label_field
        # The options, when the form has read them already (siv.filters.read_options).
        self.options: tuple | None = None

    def render(self, name, value, attrs=None, renderer=None):
        choices = self._choice_pairs()
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        selected = set(self.format_value(value))
        # Plain escaping per option: format_html per option was most of a filter's time.
        options = "".join(
            f'<option value="{conditional_escape(option)}"'
            f"{' selected' if str(option) in selected else ''}>{conditional_escape(label)}</option>"
            for option, label in choices
        )
        final_attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe(options))  # noqa: S308

    def _choice_pairs(self) -> tuple:
        """A model field's options in one plain query. Django would walk its queryset with
        iterator(): on PostgreSQL a server-side cursor (declare, fetch, close) for a few
        dozen rows, and list() would first ask for a COUNT."""
        if self.options is not None:
            return self.options
        if isinstance(self.choices, ModelChoiceIterator):
            field = self.choices.field
            empty = [("", field.empty_label)] if field.empty_label is not None else []
            if self.label_field:
                # No model instances: the values and labels as the database has them.
                values = field.queryset.values_list(field.to_field_name or "pk", self.label_field)
                return (*empty, *values)
            return (*empty, *(self.choices.choice(obj) for obj in field.queryset.all()))
        return tuple(iter(self.choices))


def _as_data(field: forms.Field, value: Any) -> str | list[str]:
    """A value as the form's POST carries it (a related record by its id, a date in ISO)."""
    value = field.prepare_value(value)
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class VersionedForm:
    """An edit form of a record several people change (a ModelForm or a plain form with the
    model's field names). It carries, hidden, the record's version and the values it
    showed, so the service learns which fields the user changed (`opened()`) and the save
    can tell a change someone else made meanwhile from the user's own; `show_conflict()`
    puts the stored values and version into the form after a StaleRecord, keeping what the
    user changed, so that saving again keeps the user's values."""

    HIDDEN = ("version", "shown")

    def __init__(self, *args, record: models.Model | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # A ModelForm's record is its instance; a new record has no version to carry.
        self.record = record if record is not None else getattr(self, "instance", None)
        if self.record is not None and not self.record._state.adding:
            for name in self.HIDDEN:
                self.fields[name] = forms.CharField(widget=forms.HiddenInput, required=False)

    def edited(self) -> list[str]:
        return [name for name in self.fields if name not in self.HIDDEN]

    def edited_data(self) -> dict[str, Any]:
        """The cleaned values of the record's fields, for the service."""
        return {
            name: self.cleaned_data[name] for name in self.edited() if name in self.cleaned_data
        }

    def get_initial_for_field(self, field, field_name):
        if field_name == "version":
            return self.record.version
        initial_for = super().get_initial_for_field
        if field_name == "shown":
            return self._snapshot(
                {name: initial_for(self.fields[name], name) for name in self.edited()}
            )
        return initial_for(field, field_name)

    def _snapshot(self, values: dict[str, Any]) -> str:
        return json.dumps({name: _as_data(self.fields[name], v) for name, v in values.items()})

    def clean(self):
        data = super().clean()
        version = data.get("version") or ""
        try:
            shown = json.loads(data.get("shown") or "{}")
        except ValueError:
            shown = None
        if (version and not version.isdigit()) or not isinstance(shown, dict):
            raise ValidationError(
                _("Formularen kunne ikke læses. Åbn siden igen, og ret det, du ville."),
                code="opened",
            )
        self._shown = shown
        return data

    def opened(self) -> audit.Opened | None:
        """The version the form was opened at and the fields the user changed since; None
        when the form carried no version (nothing to check against)."""
        version = self.cleaned_data.get("version")
        if "version" not in self.fields or not version:
            return None
        return audit.Opened(version=int(version), touched=frozenset(self._touched()))

    def _touched(self) -> list[str]:
        touched = []
        for name in self.edited():
            field = self.fields[name]
            if name not in self._shown:
                touched.append(name)
                continue
            initial = self._shown[name]
            if not isinstance(field, forms.ModelChoiceField):
                try:
                    initial = field.to_python(initial)
                except ValidationError:
                    touched.append(name)
                    continue
            if field.has_changed(initial, self[name].data):
                touched.append(name)
        return touched

    def show_conflict(self, exc: audit.StaleRecord, opened: audit.Opened) -> None:
        """Show the record as stored now, with the user's own changes kept on top of it."""
        self.record.refresh_from_db()
        current = model_to_dict(self.record, fields=self.edited())
        data = self.data.copy()
        for name, value in current.items():
            if name not in opened.touched:
                posted = _as_data(self.fields[name], value)
                if isinstance(posted, list):
                    data.setlist(name, posted)
                else:
                    data[name] = posted
        data["version"] = str(exc.version)
        data["shown"] = self._snapshot(current)
        self.data = data
        self.add_error(None, exc)


def save_edit(form: VersionedForm, save: Callable[..., Any]) -> Any | None:
    """Run `save(opened=…, **values)` for a valid edit form; None with the errors on the form
    (a conflict with someone else's change shown as `show_conflict()` puts it)."""
    opened = form.opened()
    try:
        return save(opened=opened, **form.edited_data())
    except audit.StaleRecord as exc:
        form.show_conflict(exc, opened)
    except ValidationError as exc:
        add_validation_error(form, exc)
    return None
