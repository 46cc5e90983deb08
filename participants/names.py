"""Citizens' names: encrypted at rest (siv/fields.py), found by keyed hashes, sorted after
reading.

Search: each word of the name (split at spaces and hyphens, case-folded) is kept as keyed
hashes of its beginnings of three letters or more ("hansen" as "han", "hans", "hanse",
"hansen"); a word of one or two letters is kept whole. A word typed into the search finds
the citizens with a name word that begins with it, as the hash of what was typed is among
theirs; a word of one or two letters finds that word whole. A dump shows which citizens share
a hash (a name's beginning), never the letters.

Sorting: the database cannot sort ciphertext, so a list reads each row's id and names in one
query, sorts them here and reads the rows of the page shown by id (`NameOrdered`).
Decrypting takes ten to twenty microseconds a name, and the process remembers what each
ciphertext sorts as, so a list read again costs little more than its query (the first read
of 10,000 citizens some tenths of a second). No order-revealing value is stored, which any
sortable column would be.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from siv import keyring

HASH_PURPOSE = "name"
SHORTEST_PREFIX = 3
# A hash's first 32 hex digits (128 bits) tell names apart as well as all 64 would.
HASH_LENGTH = 32
_WORD_SEPARATORS = re.compile(r"[\s\-]+")
# Danish alphabetical order puts æ, ø and å after z.
_DANISH = str.maketrans({"æ": "z{", "ø": "z|", "å": "z}"})


def words(text: str) -> list[str]:
    return [word for word in _WORD_SEPARATORS.split(text.casefold()) if word]


def _prefixes(word: str) -> list[str]:
    if len(word) <= SHORTEST_PREFIX:
        return [word]
    return [word[:end] for end in range(SHORTEST_PREFIX, len(word) + 1)]


def _hash(text: str) -> str:
    return keyring.keyed_hash(HASH_PURPOSE, text)[:HASH_LENGTH]


def search_hashes(first_name: str, last_name: str) -> list[str]:
    """What a citizen's row keeps to be found by name, under the newest key."""
    found = {_hash(p) for word in words(f"{first_name} {last_name}") for p in _prefixes(word)}
    return sorted(found)


def word_hashes(word: str) -> list[str]:
    """A typed word's hash under every key (rows not yet re-keyed keep an older key's)."""
    return [full[:HASH_LENGTH] for full in keyring.keyed_hashes(HASH_PURPOSE, word.casefold())]


def _sortable(name: str) -> str:
    return name.casefold().translate(_DANISH)


def sort_key(last_name: str, first_name: str, pk: int) -> tuple[str, str, int]:
    return (_sortable(last_name), _sortable(first_name), pk)


# Each ciphertext is unique (a fresh IV every time it is written), so what it decrypts to
# can be remembered by the process: a list read again decrypts only the names changed since.
@lru_cache(maxsize=200_000)
def _sortable_sealed(sealed: str) -> str:
    return _sortable(keyring.decrypt(sealed)) if sealed else ""


class NameOrdered(Sequence):
    """A queryset of citizens (or rows with `last_name`/`first_name`) in name order, read a
    page at a time: one query for every row's id and names, one for the page's rows. A
    Paginator takes it as it takes a queryset."""

    def __init__(self, queryset: QuerySet) -> None:
        self.queryset = queryset
        self._ids: list[int] | None = None

    def ids(self) -> list[int]:
        if self._ids is None:
            # The ciphertext as stored (a cast skips the field's decryption).
            rows = (
                self.queryset.order_by()
                .annotate(
                    sealed_last=Cast("last_name", TextField()),
                    sealed_first=Cast("first_name", TextField()),
                )
                .values_list("sealed_last", "sealed_first", "pk")
            )
            keys = sorted(
                (_sortable_sealed(last), _sortable_sealed(first), pk) for last, first, pk in rows
            )
            self._ids = [pk for _last, _first, pk in keys]
        return self._ids

    def count(self) -> int:
        return len(self.ids())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            wanted = self.ids()[index]
            rows = self.queryset.order_by().in_bulk(wanted)
            return [rows[pk] for pk in wanted if pk in rows]
        pk = self.ids()[index]
        return self.queryset.order_by().in_bulk([pk])[pk]


def in_name_order(citizens: Sequence[Any]) -> list[Any]:
    """Citizens already read, in name order."""
    return sorted(citizens, key=lambda c: sort_key(c.last_name, c.first_name, c.pk))
