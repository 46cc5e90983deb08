"""Model fields whose values the database holds encrypted with the field keyring
(siv/keyring.py), while the code reads and writes them in clear.

A value is encrypted when it is saved (`save()`, `update()`, `bulk_update()`) and decrypted
when it is read, so a dump of the database, a backup or a look at the tables with `psql`
holds no readable value. Empty text stays empty: a blank telephone number tells nothing,
and `filter(phone="")` keeps working. No other lookup can work on ciphertext (each value is
encrypted with a fresh random IV): what must be found is found by a keyed hash kept beside
it, and what must be sorted is sorted after reading (participants/track/selectors.py).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from . import keyring


def _open(value: Any, expression: Any, connection: Any) -> Any:
    return keyring.decrypt(value) if value else value


class EncryptedMixin:
    """Encrypt on the way to the database, decrypt on the way back. The column is `text`
    (ciphertext is longer than the value); `max_length` still limits the clear value."""

    def db_type(self, connection: Any) -> str:
        return "text"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)  # type: ignore[misc]
        return keyring.encrypt(value) if value else value

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return _open(value, expression, connection)


class EncryptedCharField(EncryptedMixin, models.CharField):
    pass


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    pass


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


def seal(field: models.Field) -> None:
    """Encrypt a field of another app's model (django-otp's TOTP seed) the same way, without
    changing its class: the other app's migrations stay as they are, and a migration of
    SIV's makes the column `text` and encrypts what it holds."""
    prepare = field.get_prep_value

    def get_prep_value(value: Any) -> Any:
        value = prepare(value)
        return keyring.encrypt(value) if value else value

    field.get_prep_value = get_prep_value  # type: ignore[method-assign]
    field.from_db_value = _open  # type: ignore[attr-defined]


def is_encrypted(field: models.Field) -> bool:
    """Whether the field encrypts its values (a field of this module, or one `seal()`ed)."""
    return isinstance(field, EncryptedMixin) or getattr(field, "from_db_value", None) is _open


def seal_columns(
    connection: Any,
    table: str,
    columns: tuple[str, ...],
    *,
    derive: Any = None,
    opening: bool = False,
) -> None:
    """For data migrations: encrypt the values a table holds in clear in `columns` (or, with
    `opening`, decrypt them again). `derive(clear)` returns further columns to write from the
    clear values (a search hash). Raw SQL, as the migration's models already decrypt."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {names} FROM {quote(table)} ORDER BY id")  # noqa: S608
        rows = cursor.fetchall()
        for pk, *values in rows:
            sealed = [bool(v) and keyring.version_of(v) is not None for v in values]
            clear = dict(
                zip(
                    columns,
                    (keyring.decrypt(v) if s else v for v, s in zip(values, sealed, strict=True)),
                    strict=True,
                )
            )
            if opening:
                written = dict(clear)
            else:
                written = {c: keyring.encrypt(v) if v else v for c, v in clear.items()}
                written.update(derive(clear) if derive else {})
            assignments = ", ".join(f"{quote(c)} = %s" for c in written)
            cursor.execute(
                f"UPDATE {quote(table)} SET {assignments} WHERE id = %s",  # noqa: S608
                [*written.values(), pk],
            )


def sealing(tables: tuple[tuple, ...]) -> Any:
    """A migration operation that encrypts the clear values of each `(table, columns)` or
    `(table, columns, derive)` (see seal_columns), and decrypts them when migrated back."""
    from django.db import migrations

    def forward(apps: Any, schema_editor: Any) -> None:
        for table, columns, *derive in tables:
            seal_columns(schema_editor.connection, table, columns, derive=next(iter(derive), None))

    def backward(apps: Any, schema_editor: Any) -> None:
        for table, columns, *_derive in tables:
            seal_columns(schema_editor.connection, table, columns, opening=True)

    return migrations.RunPython(forward, backward)
