"""Re-encrypting with the newest field key (`manage.py rekey_fields`).

After a new key is added to SIV_FIELD_KEYS, every ciphertext sealed with an older key is
decrypted and sealed again with the new one, and the search hashes kept beside it are
computed again under the new key. Rows are taken in batches, each in its own transaction,
and a row counts as done when all its ciphertext names the newest key: an interrupted run
simply starts again where it stopped. Apps register the ciphertext columns their code
seals itself and the hashes to compute (`register`); the encrypted fields of siv/fields.py
are found without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from . import fields, keyring

# Ciphertext: a Fernet token from before the keyring, or one that names its key's version.
CIPHERTEXT = r"^(gAAAA|[0-9]+:)"


@dataclass(frozen=True)
class Extra:
    """What a model's own code seals (`sealed`: columns written as ciphertext) and the search
    hashes it derives from the clear values (`hashes(clear) -> {column: value}`)."""

    sealed: tuple[str, ...] = ()
    hashes: Callable[[Mapping[str, str]], dict[str, object]] | None = None


EXTRAS: dict[type[models.Model], Extra] = {}


def register(
    model: type[models.Model],
    *,
    sealed: tuple[str, ...] = (),
    hashes: Callable[[Mapping[str, str]], dict[str, object]] | None = None,
) -> None:
    EXTRAS[model] = Extra(sealed=sealed, hashes=hashes)


def _encrypted(model: type[models.Model]) -> tuple[str, ...]:
    """The model's fields that encrypt themselves (siv/fields.py)."""
    return tuple(f.name for f in model._meta.concrete_fields if fields.is_encrypted(f))


def rekeyed_models() -> Iterator[tuple[type[models.Model], tuple[str, ...], Extra]]:
    for model in apps.get_models():
        extra = EXTRAS.get(model, Extra())
        columns = _encrypted(model) + extra.sealed
        if columns:
            yield model, columns, extra


def _stale(model: type[models.Model], columns: tuple[str, ...]) -> models.QuerySet:
    newest = f"{keyring.newest_version()}{keyring.SEPARATOR}"
    raw = {f"raw_{c}": Cast(c, models.TextField()) for c in columns}
    old = models.Q()
    for name in raw:
        old |= models.Q(**{f"{name}__regex": CIPHERTEXT}) & ~models.Q(
            **{f"{name}__startswith": newest}
        )
    return model._base_manager.annotate(**raw).filter(old).order_by("pk")


def stale_count(model: type[models.Model], columns: tuple[str, ...]) -> int:
    return _stale(model, columns).count()


def rekey_batch(
    model: type[models.Model], columns: tuple[str, ...], extra: Extra, *, size: int
) -> int:
    """Seal the next `size` stale rows with the newest key; the number of rows done."""
    encrypted = set(_encrypted(model))
    with transaction.atomic():
        rows = list(
            _stale(model, columns)
            .select_for_update(of=("self",))
            .values_list("pk", *(f"raw_{c}" for c in columns))[:size]
        )
        for pk, *raw in rows:
            # Only ciphertext is opened: an anonymised CPR column holds a random token.
            clear = {
                column: keyring.decrypt(value)
                for column, value in zip(columns, raw, strict=True)
                if value and re.match(CIPHERTEXT, value)
            }
            written = {
                # An encrypted field seals what it is given; the others are given ciphertext.
                column: value if column in encrypted else keyring.encrypt(value)
                for column, value in clear.items()
            }
            if extra.hashes:
                written.update(extra.hashes(clear))
            model._base_manager.filter(pk=pk).update(**written)
    return len(rows)
