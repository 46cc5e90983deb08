"""How much free text a user may write in one field, in one place.

Every text field a user writes has a limit, so one paste cannot fill the database, a page or
a report. The limits are generous for what each kind of text is for:

- SHORT_TEXT: a reason, a remark, a list of names, a comment to one question (about a page).
- NOTE_TEXT: a case note or the notes from a meeting (a few pages).
- LONG_TEXT: a section of a progress statement or final report, a steering group's minutes
  or terms of reference (a document of its own).

Model fields carry the limit as `max_length`, so model forms get it (a `maxlength` on the
textarea and a form error). Django checks `max_length` on a model's TextField nowhere else:
`length_errors()` does, and `siv.audit.save_and_record` asks it before any save, so the API,
uploads, imports and commands are held to the same limits as the screens.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

from . import validation

SHORT_TEXT = 2_000
NOTE_TEXT = 10_000
LONG_TEXT = 20_000


def too_long(limit: int) -> ValidationError:
    return ValidationError(
        _("Højst %(max)s tegn.") % {"max": formats.number_format(limit, force_grouping=True)},
        code="max_length",
    )


def check_length(value: Any, limit: int) -> None:
    """Raise the Danish error when `value` is text longer than `limit` characters."""
    if isinstance(value, str) and len(value) > limit:
        raise too_long(limit)


def length_errors(obj: models.Model) -> dict[str, list[ValidationError]]:
    """The text fields of `obj` longer than their `max_length`, keyed on the field's name.

    Covers TextFields only: Django's own full_clean already checks a CharField's limit."""
    errors: dict[str, list[ValidationError]] = {}
    for field in obj._meta.concrete_fields:
        if not isinstance(field, models.TextField) or not field.max_length:
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, str) and len(value) > field.max_length:
            errors[field.name] = [too_long(field.max_length)]
    return errors


def full_clean(obj: models.Model, **kwargs: Any) -> None:
    """`obj.full_clean()` (siv.validation.full_clean(), which takes the same `kwargs`) that
    also refuses text longer than its field's limit; the errors of both come together, keyed
    on the fields."""
    errors = length_errors(obj)
    for name, found in validation.full_clean(obj, **kwargs).items():
        errors.setdefault(name, []).extend(found)
    if errors:
        raise ValidationError(errors)
