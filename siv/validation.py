"""A model's validation before a save (siv.audit.save_and_record), as Django's full_clean()
does it, in fewer round trips to the database.

- A stored record changing some fields checks what those fields take part in: their own
  values (a foreign key's row, its `limit_choices_to`), the unique checks and constraints
  that name one of them. The fields left as they are were checked when they were stored,
  and the database holds them to their keys and constraints since.
- A foreign key given as a row read from the database (a form's choice, the signed-in
  user) is not looked up again: its `limit_choices_to`, when a plain mapping of field
  values, is compared with the row as read. The database holds the key itself.
- The check constraints are asked together, in one query (Django asks each in its own,
  inside a savepoint of its own).

The errors are Django's own, keyed as full_clean() keys them.
"""

from __future__ import annotations

from collections.abc import Collection
from contextlib import nullcontext

from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    FieldError,
    ValidationError,
)
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE


def full_clean(
    obj: models.Model,
    *,
    changed: Collection[str] | None = None,
    validate_unique: bool = True,
    validate_constraints: bool = True,
) -> dict[str, list[ValidationError]]:
    """The errors of `obj.full_clean()` (an empty dict when valid). `changed` names the
    fields a stored record changes: only what they take part in is checked; None checks
    every field (a new record)."""
    model = type(obj)
    unchanged: set[str] = set()
    if changed is not None:
        # By their names (a change may name a key by its column: `actor_id`).
        changed = {model._meta.get_field(name).name for name in changed}
        unchanged = {f.name for f in model._meta.concrete_fields} - changed
    errors: dict[str, list[ValidationError]] = {}
    try:
        obj.full_clean(
            exclude=unchanged | _known_rows(obj), validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    # As full_clean(): the keys and constraints only of the fields that passed.
    failed = {name for name in errors if name != NON_FIELD_ERRORS}
    if validate_unique:
        try:
            obj.validate_unique(exclude=_outside_unique_checks(model, unchanged) | failed)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if validate_constraints:
        for name, found in _constraint_errors(obj, changed, failed).items():
            errors.setdefault(name, []).extend(found)
    return errors


def _known_rows(obj: models.Model) -> set[str]:
    """The foreign keys of `obj` whose value is a stored row already read (the instance
    set on `obj`, with the key's value) that meets the key's `limit_choices_to`: what
    ForeignKey.validate() would ask the database."""
    known = set()
    for field in obj._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey) or not field.is_cached(obj):
            continue
        row = field.get_cached_value(obj)
        if row is None or row._state.adding or row.pk is None:
            continue
        if getattr(row, field.target_field.attname) != getattr(obj, field.attname):
            continue
        if field.validators or not isinstance(row, field.related_model):
            continue
        limits = field.get_limit_choices_to()
        if not isinstance(limits, dict) or any("__" in name for name in limits):
            continue
        if all(getattr(row, name, _MISSING) == value for name, value in limits.items()):
            known.add(field.name)
    return known


_MISSING = object()


def _outside_unique_checks(model: type[models.Model], unchanged: set[str]) -> set[str]:
    """The unchanged fields no unique check of a changed field needs (Django skips a
    `unique_together` naming an excluded field)."""
    needed: set[str] = set()
    for group in model._meta.unique_together:
        if not set(group) <= unchanged:
            needed |= set(group)
    return unchanged - needed


def _fields_of(model: type[models.Model], constraint: models.BaseConstraint) -> set[str] | None:
    """The fields a constraint names, by their names; None when that cannot be told
    (always checked)."""
    if isinstance(constraint, models.CheckConstraint):
        names = Q(constraint.condition).referenced_base_fields
    elif isinstance(constraint, models.UniqueConstraint) and not constraint.expressions:
        names = set(constraint.fields)
        if constraint.condition is not None:
            names |= Q(constraint.condition).referenced_base_fields
    else:
        return None
    try:
        return {model._meta.get_field(name).name for name in names}
    except FieldDoesNotExist:
        return None


def _constraint_errors(
    obj: models.Model, changed: Collection[str] | None, failed: set[str]
) -> dict[str, list[ValidationError]]:
    """validate_constraints() of the constraints naming a changed field, the check
    constraints asked in one query."""
    using = router.db_for_write(type(obj), instance=obj)
    errors: dict[str, list[ValidationError]] = {}
    checks: list[models.CheckConstraint] = []
    for model_class, constraints in obj.get_constraints():
        for constraint in constraints:
            names = _fields_of(model_class, constraint)
            if changed is not None and names is not None and not names & set(changed):
                continue
            if isinstance(constraint, models.CheckConstraint):
                checks.append(constraint)
                continue
            try:
                constraint.validate(model_class, obj, exclude=failed, using=using)
            except ValidationError as exc:
                if getattr(exc, "code", None) == "unique" and len(constraint.fields) == 1:
                    errors.setdefault(constraint.fields[0], []).append(exc)
                else:
                    errors = exc.update_error_dict(errors)
    for constraint in _violated(obj, checks, failed, using):
        error = ValidationError(
            constraint.get_violation_error_message(), code=constraint.violation_error_code
        )
        errors = error.update_error_dict(errors)
    return errors


def _violated(
    obj: models.Model, checks: list[models.CheckConstraint], failed: set[str], using: str
) -> list[models.CheckConstraint]:
    """The check constraints `obj`'s values break, asked in one query as Q.check() asks
    each: a condition naming a field that failed is not asked (FieldError), one the
    database cannot evaluate counts as kept (DatabaseError)."""
    if not checks:
        return []
    against = obj._get_field_expression_map(meta=obj._meta, exclude=failed)
    query = Query(None)
    for name, value in against.items():
        if not hasattr(value, "resolve_expression"):
            value = Value(value)
        query.add_annotation(value, name, select=False)
    asked = []
    for constraint in checks:
        kept = Coalesce(
            ExpressionWrapper(Q(constraint.condition), output_field=BooleanField()),
            True,
            output_field=BooleanField(),
        )
        try:
            query.add_annotation(kept, f"_check_{len(asked)}")
        except FieldError:
            continue
        asked.append(constraint)
    if not asked:
        return []
    connection = connections[using]
    compiler = query.get_compiler(using=using)
    try:
        with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext():
            row = compiler.execute_sql(SINGLE)
    except DatabaseError:
        # As Q.check(): what the database cannot evaluate, it will judge at the save.
        return []
    return [constraint for constraint, kept in zip(asked, row, strict=True) if not kept]
