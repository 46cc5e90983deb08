"""Writing the audit log. Services write a record with `save_and_record(obj=)`, which validates,
saves and logs it in one transaction; other events (a view, a search, an export) call
`record()` inside the transaction of what they do.

Only ids, field names, search criteria (free text pseudonymised) and the before/after of fields
that hold no free text go in; never CPR numbers or citizens' names.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import django_filters
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from . import bulk, limits
from .models import AuditAction, AuditEntry

# The client address of the request being served, set by RequestContextMiddleware.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("siv_ip", default=None)

MINIMUM_RETENTION_MONTHS = 6
# Fields whose values may be free text (a name, a CPR number in a note): logged by name only.
FREE_TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)

M = TypeVar("M", bound=models.Model)


def label_for(obj: models.Model, *, name: str = "") -> str:
    """A label without personal data: the model's verbose name (or `name`) and id."""
    audit_label = getattr(obj, "audit_label", None)
    if audit_label:
        return str(audit_label)
    return f"{name or obj._meta.verbose_name} #{obj.pk}"


def _clean(value: Any) -> Any:
    """PostgreSQL text and jsonb cannot hold a NUL character; a hostile query string can."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, Mapping):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def record(
    action: AuditAction | str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    label: str = "",
    purpose: str = "",
    details: Mapping[str, Any] | None = None,
    username: str = "",
) -> AuditEntry:
    entry = _entry(action, actor, obj, label, purpose, details, username)
    entry.save(force_insert=True)
    return entry


def record_each(
    action: AuditAction | str, *, actor: Any, rows: Iterable[tuple[str, Mapping[str, Any]]]
) -> list[AuditEntry]:
    """One row per (label, details) by one actor, in one INSERT: a write that changes many
    things at once (an upload's weeks of hours)."""
    return AuditEntry.objects.bulk_create(
        [_entry(action, actor, None, label, "", details, "") for label, details in rows]
    )


def _entry(action, actor, obj, label, purpose, details, username) -> AuditEntry:
    is_user = bool(actor is not None and getattr(actor, "is_authenticated", False))
    return AuditEntry(
        actor=actor if is_user else None,
        actor_username=_clean(actor.get_username() if is_user else username)[:150],
        action=action,
        content_type=(
            ContentType.objects.get_for_model(obj, for_concrete_model=True)
            if obj is not None
            else None
        ),
        object_id=str(obj.pk) if obj is not None else "",
        object_label=_clean(label or (label_for(obj) if obj is not None else ""))[:200],
        purpose=_clean(purpose)[:200],
        ip_address=current_ip.get(),
        details=_clean(dict(details or {})),
    )


# The columns of `record_many`'s rows, in order.
MANY_COLUMNS = (
    "actor_id",
    "actor_username",
    "action",
    "ip_address",
    "at",
    "content_type_id",
    "object_id",
    "object_label",
    "details",
)


def record_many(
    action: AuditAction | str,
    *,
    about: Iterable[tuple[models.Model, Mapping[str, Any]]],
    actor: Any = None,
) -> None:
    """Rows one about each record with its details, written together: what a scheduled rule (the
    system itself) or one run over many records (by `actor`) writes at once."""
    is_user = bool(actor is not None and getattr(actor, "is_authenticated", False))
    who = (
        actor.pk if is_user else None,
        _clean(actor.get_username())[:150] if is_user else "",
        getattr(action, "value", action),
        current_ip.get(),
        timezone.now(),
    )
    # A model's content type and name, looked up once per model, not once per row.
    types: dict[type, tuple[int, str]] = {}
    rows = []
    for obj, details in about:
        model = type(obj)
        if model not in types:
            content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
            types[model] = (content_type.pk, str(model._meta.verbose_name))
        content_type_id, name = types[model]
        rows.append(
            (
                *who,
                content_type_id,
                str(obj.pk),
                _clean(label_for(obj, name=name))[:200],
                _clean(dict(details)) if details else {},
            )
        )
    bulk.insert_rows(AuditEntry, rows, columns=MANY_COLUMNS)


def _logs_value(model: type[models.Model], name: str) -> bool:
    """Whether the log may hold the field's value, not only its name.

    Free text is never logged (choices are not free text), nor what the model lists in
    `audit_private_fields` (e.g. a citizen's disability).
    """
    if name in getattr(model, "audit_private_fields", ()):
        return False
    field = model._meta.get_field(name)
    if field.is_relation:
        return True
    return bool(field.choices) or not isinstance(field, FREE_TEXT_FIELDS)


def _as_json(values: Mapping[str, Any]) -> dict[str, Any]:
    """Dates, decimals and the like as the JSON column stores them."""
    return json.loads(json.dumps(dict(values), cls=DjangoJSONEncoder))


def change_details(
    model: type[models.Model], before: Mapping[str, Any], after: Mapping[str, Any]
) -> dict[str, Any]:
    """What `save_and_record` logs about a stored record's fields going from `before` to
    `after`, for a service that writes many records at once: the names of the fields that
    changed, and the before and after of those whose values the log may hold. Empty when
    nothing changed."""
    fields = sorted(name for name in after if before.get(name) != after[name])
    if not fields:
        return {}
    shown = [name for name in fields if _logs_value(model, name)]
    return {
        "fields": fields,
        "before": _as_json({name: before.get(name) for name in shown}),
        "after": _as_json({name: after[name] for name in shown}),
    }


@dataclass(frozen=True)
class Opened:
    """What an edit form carried from when it was opened: the record's `version` then, and
    the fields the user changed since (the names the form and the service share)."""

    version: int
    touched: Collection[str]


@dataclass(frozen=True)
class Conflict:
    """A field someone else changed since the form was opened: its label, the value stored
    now and the one the user sent, both as shown to a user."""

    name: str
    label: str
    stored: str
    sent: str


class StaleRecord(ValidationError):
    """The record changed since the form was opened, in fields the user changed too.

    Nothing was written. `version` is the stored version, for the form to carry next."""

    def __init__(self, *, version: int, conflicts: list[Conflict]):
        self.version = version
        self.conflicts = conflicts
        lines = [_("Posten er ændret af en anden, siden du åbnede den.")]
        lines += [
            _("%(field)s er nu: %(stored)s (du skrev: %(sent)s).")
            % {"field": c.label, "stored": c.stored, "sent": c.sent}
            for c in conflicts
        ]
        super().__init__(lines, code="stale")


def _shown(model: type[models.Model], name: str, value: Any) -> str:
    """A field's value as a user reads it: a choice's label, a related record's name."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    field = _own_field(model, name)
    if field is None:  # a `related` name (a placement's hour plan)
        if isinstance(value, Mapping):
            return "; ".join(f"{_shown_part(k)}: {_shown_part(v)}" for k, v in value.items())
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if field.many_to_many:
        related = field.related_model._default_manager.filter(pk__in=value)
        return ", ".join(sorted(str(o) for o in related))
    if field.is_relation:
        found = field.related_model._default_manager.filter(pk=value).first()
        return str(found) if found is not None else str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal | float):
        return formats.number_format(value, decimal_pos=2)
    return str(value)


def _own_field(model: type[models.Model], name: str) -> models.Field | None:
    """The model's own field of that name; None for a `related` name, which may be a reverse
    relation (a placement's `steps`)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return None if field.auto_created and not field.concrete else field


def _shown_part(value: Any) -> str:
    """A key or value of a `related` mapping as logged ({"2026-03-02": "20.00"}), as a user
    reads it: a date as 02.03.2026, a number as 20,00."""
    text = str(value)
    try:
        return date.fromisoformat(text).strftime("%d.%m.%Y")
    except ValueError:
        pass
    try:
        return formats.number_format(Decimal(text), decimal_pos=2)
    except ArithmeticError:
        return text


def _changed_since(obj: models.Model, version: int, stored: int) -> set[str] | None:
    """The fields logged as changed by the saves after `version`; None when the log no longer
    holds each of them (purged), so that every field must be taken as changed."""
    if version > stored:
        return None
    entries = AuditEntry.objects.filter(
        action=AuditAction.CHANGE,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        details__version__gt=version,
    ).values_list("details", flat=True)
    seen = {d.get("version") for d in entries}
    if not set(range(version + 1, stored + 1)) <= seen:
        return None
    return {name for details in entries for name in details.get("fields", ())}


def save_and_record(
    *,
    obj: M,
    by: Any,
    changes: Mapping[str, Any] | None = None,
    m2m: Mapping[str, Iterable[models.Model]] | None = None,
    related: Mapping[str, tuple[Any, Any]] | None = None,
    details: Mapping[str, Any] | None = None,
    validate_unique: bool = True,
    validate_constraints: bool = True,
    opened: Opened | None = None,
) -> M:
    """Set `changes` on `obj`, validate it, save what changed and log it, in one transaction.

    A new record is saved whole and logged as created, with the values given. A stored one
    is compared with its row in the database (a bound ModelForm has already changed `obj` in
    memory): only the changed fields are written, and the row logs each one's before and
    after. Nothing is written or logged when nothing changed, and nothing at all when
    validation fails. `m2m` sets many-to-many relations after the save; `related` is the
    (before, after) of what the caller changes beside the row (a placement's hour plan), to
    be logged with it. `details` are added to the log row.

    A model with a `version` field has its row locked while it is compared, and each save
    raises the version by one. With `opened` (from an edit form), a version that has moved
    on since is checked field by field: the fields the user did not change keep what is
    stored now, and a field both the user and someone else changed raises StaleRecord,
    which writes nothing.
    """
    model = type(obj)
    changes = dict(changes or {})
    m2m_objs = dict(m2m or {})
    related = {name: pair for name, pair in (related or {}).items() if pair[0] != pair[1]}
    creating = obj._state.adding
    versioned = any(f.name == "version" for f in model._meta.concrete_fields)
    attnames = {name: model._meta.get_field(name).attname for name in changes}
    with transaction.atomic():
        stored_version = None
        # The stored values of the fields to change (their before), read with the version
        # and its lock in one query.
        stored: dict[str, Any] = {}
        if not creating:
            row = model._default_manager.filter(pk=obj.pk)
            if versioned:
                row = row.select_for_update()
            stored = row.values(*attnames.values(), *(["version"] if versioned else [])).first()
            stored = stored or {}
            stored_version = stored.get("version") if versioned else None
        stale = opened is not None and stored_version is not None
        stale = stale and stored_version != opened.version
        if stale:
            # What the user left as it was stays as it is stored now.
            changes = {k: v for k, v in changes.items() if k in opened.touched}
            m2m_objs = {k: v for k, v in m2m_objs.items() if k in opened.touched}
            stored_row = model._default_manager.get(pk=obj.pk)
            for f in model._meta.concrete_fields:
                if f.name not in changes:
                    setattr(obj, f.attname, getattr(stored_row, f.attname))
        m2m_pks = {name: sorted(o.pk for o in objs) for name, objs in m2m_objs.items()}
        for name, value in changes.items():
            setattr(obj, name, value)
        attnames = {name: attnames[name] for name in changes}
        before: dict[str, Any] = {}
        # A new record is checked whole; a stored one, what its changed fields take part in.
        checked = None
        if not creating:
            before = {name: stored.get(attname) for name, attname in attnames.items()}
            checked = [n for n, attname in attnames.items() if getattr(obj, attname) != before[n]]
        limits.full_clean(
            obj,
            changed=checked,
            validate_unique=validate_unique,
            validate_constraints=validate_constraints,
        )
        after = {name: getattr(obj, attname) for name, attname in attnames.items()}
        if not creating:
            for name in m2m_pks:
                before[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
        after.update(m2m_pks)
        changed = sorted(
            name for name in after if creating or name not in before or before[name] != after[name]
        )
        for name, (old, new) in related.items():
            before[name], after[name] = old, new
        fields = sorted({*changed, *related})
        if stale and fields:
            others = _changed_since(obj, opened.version, stored_version)
            clashes = [name for name in fields if others is None or name in others]
            if clashes:
                obj.version = stored_version
                raise StaleRecord(
                    version=stored_version,
                    conflicts=[
                        Conflict(
                            name=name,
                            label=_label(model, name),
                            stored=_shown(model, name, before[name]),
                            sent=_shown(model, name, after[name]),
                        )
                        for name in clashes
                    ],
                )
        if not creating and not fields:
            return obj
        if creating:
            obj.save()
        else:
            row_fields = [attnames[name] for name in changed if name in attnames]
            if versioned:
                obj.version = stored_version + 1
                row_fields.append("version")
            if row_fields:
                auto_now = [
                    f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)
                ]
                obj.save(update_fields=[*row_fields, *auto_now])
        for name, pks in m2m_pks.items():
            if creating or name in changed:
                getattr(obj, name).set(pks)
        log: dict[str, Any] = dict(details or {})
        if fields:
            shown = [name for name in fields if name in related or _logs_value(model, name)]
            log["fields"] = fields
            if not creating:
                log["before"] = _as_json({name: before[name] for name in shown})
            log["after"] = _as_json({name: after[name] for name in shown})
        if versioned and not creating:
            log["version"] = obj.version
        record(
            AuditAction.CREATE if creating else AuditAction.CHANGE,
            actor=by,
            obj=obj,
            details=log,
        )
    return obj


def _label(model: type[models.Model], name: str) -> str:
    """A field's name as a user reads it; a `related` name's from the model's
    `audit_related_labels` (a placement's hour plan: "Timeplan")."""
    field = _own_field(model, name)
    if field is None:
        return capfirst(getattr(model, "audit_related_labels", {}).get(name, name))
    return capfirst(field.verbose_name)


def delete_and_record(
    *, obj: models.Model, by: Any, details: Mapping[str, Any] | None = None
) -> None:
    """Delete a record and log it, in one transaction; the row names what was deleted by its
    label, which is written before the record is gone."""
    with transaction.atomic():
        record(AuditAction.DELETE, actor=by, obj=obj, details=details)
        obj.delete()


# Filters whose value the form checks against a fixed set (a status, a municipality's id, a
# date): a value they accept is not free text and is logged as it is.
CHOICE_FILTERS = (
    django_filters.ChoiceFilter,
    django_filters.MultipleChoiceFilter,
    django_filters.BooleanFilter,
    django_filters.DateFilter,
)


def choice_criteria(filterset: django_filters.FilterSet) -> frozenset[str]:
    """The names of the filter set's choice filters whose value its form accepted."""
    form = filterset.form
    form.is_valid()
    return frozenset(
        name
        for name, filter_ in filterset.filters.items()
        if isinstance(filter_, CHOICE_FILTERS) and name not in form.errors
    )


def _criteria_key() -> bytes:
    # Derived from the field key, apart from the CPR search hash, so a logged search cannot
    # be matched against the citizens' CPR hashes.
    return hashlib.sha256(b"siv-audit-criteria:" + settings.SIV_FIELD_KEY.encode()).digest()


def pseudonymised(text: str) -> dict[str, Any]:
    """Free text as the log keeps it: a keyed hash (the same text, the same pseudonym), its
    length and whether it is digits (a CPR number, whole or in part) or text; never the text.
    """
    compact = "".join(text.split()).replace("-", "")
    digits = bool(compact) and compact.isdigit()
    normalised = compact if digits else " ".join(text.split()).casefold()
    digest = hmac.new(_criteria_key(), normalised.encode(), hashlib.sha256).hexdigest()
    return {
        "pseudonym": digest[:32],
        "length": len(normalised),
        "kind": "digits" if digits else "text",
    }


def record_search(
    *,
    actor: Any,
    model: type[models.Model],
    criteria: Mapping[str, Any],
    choices: Iterable[str] = (),
    ids: Iterable[Any] | None = None,
    purpose: str = "",
    details: Mapping[str, Any] | None = None,
) -> None:
    """Log a search with its criteria (empty criteria are left out).

    The values of the criteria named in `choices` (a status, a municipality's id) are logged
    as they are; every other value may be a name or a CPR number typed in, and is logged
    pseudonymised, since the log is never changed later (not even by anonymisation). `ids`
    are the records the search shows, when it shows personal data. `details` are added to
    the row.
    """
    kept = frozenset(choices)
    cleaned = {
        k: str(v) if k in kept else pseudonymised(_clean(str(v)))
        for k, v in criteria.items()
        if v not in (None, "", [], ())
    }
    logged: dict[str, Any] = {
        **(details or {}),
        "model": model._meta.label_lower,
        "criteria": cleaned,
    }
    if ids is not None:
        logged["ids"] = [str(pk) for pk in ids]
    record(
        AuditAction.SEARCH,
        actor=actor,
        label=str(model._meta.verbose_name_plural),
        purpose=purpose,
        details=logged,
    )


def record_list_view(
    *,
    actor: Any,
    model: type[models.Model],
    ids: Iterable[Any],
    purpose: str = "",
    details: Mapping[str, Any] | None = None,
) -> None:
    """Log that a list of records was shown: one row, naming them by id (never by name or
    CPR number). Nothing is logged when the list is empty. `details` are added to the row."""
    shown = [str(pk) for pk in ids]
    if not shown:
        return
    record(
        AuditAction.VIEW,
        actor=actor,
        label=str(model._meta.verbose_name_plural),
        purpose=purpose,
        details={**(details or {}), **naming(model, shown)},
    )


def record_foreign(*, actor: Any, model: type[models.Model], pk: Any, write: bool) -> None:
    """Log that the user asked for a record outside their access (and got 404): by the
    model's name and the record's id, never a label that could hold a name."""
    concrete = model._meta.concrete_model
    record(
        AuditAction.FOREIGN,
        actor=actor,
        obj=concrete(pk=pk),
        label=f"{concrete._meta.verbose_name} #{pk}",
        details={"model": concrete._meta.label_lower, "id": str(pk), "write": write},
    )


def record_export(*, actor: Any, what: str, details: Mapping[str, Any] | None = None) -> None:
    record(AuditAction.EXPORT, actor=actor, label=what, details=details)


def naming(model: type[models.Model], ids: Iterable[Any]) -> dict[str, Any]:
    """The details by which a log row names records it showed without being about one of
    them (a list, or the citizen an hours entry belongs to); `lookups_for_subject` finds
    them."""
    return {"model": model._meta.concrete_model._meta.label_lower, "ids": [str(pk) for pk in ids]}


def lookups_for_subject(objs: Iterable[models.Model]) -> models.QuerySet[AuditEntry]:
    """Every logged access to the given records (a citizen and their sub-records): the rows
    about one of them, and the rows that name one among the records they showed (a list
    or a search, on a screen or through the API)."""
    query = models.Q(pk__in=[])
    for obj in objs:
        query |= models.Q(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=str(obj.pk),
        )
        query |= models.Q(details__contains=naming(type(obj), [obj.pk]))
    return AuditEntry.objects.filter(query).order_by("at", "id")


def purge_expired(*, months: int, now=None) -> int:
    """Delete log rows older than `months` (never fewer than six). Returns how many."""
    months = max(MINIMUM_RETENTION_MONTHS, months)
    cutoff = (now or timezone.now()) - timedelta(days=round(months * 30.44))
    with transaction.atomic(), connection.cursor() as cursor:
        # The database's own purge (siv/migrations/0004): the runtime role may not DELETE.
        cursor.execute("SELECT siv_purge_audit(%s)", [cutoff])
        (deleted,) = cursor.fetchone()
        if deleted:
            record(AuditAction.PURGE, label="revisionslog", details={"deleted": deleted})
    return deleted
