"""The ledger's anchor outside the database.

The hash chain shows a changed row, but not a chain cut short: a database superuser can
delete the newest entries behind the triggers, or TRUNCATE the table, and what is left is
a valid chain. So each entry's head — its sequence number and its hash — is sealed with a
key the database does not hold (SIV_LEDGER_KEY), stored with the entry, and appended, once
the entry is committed, to a head log in the media folder that backups carry. A rewritten
chain no longer matches its seals; a chain shorter than a head the log has seen, or a head
the log saw with another hash, is caught by `manage.py verify_ledger`, and so is an older
backup restored behind the log's back.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _key() -> bytes:
    if not settings.SIV_LEDGER_KEY:  # the settings refuse to start without it; a test may not
        raise ImproperlyConfigured("SIV_LEDGER_KEY is empty.")
    return settings.SIV_LEDGER_KEY.encode()


def seal(seq: int, entry_hash: str) -> str:
    """The seal of a head: the entry count and the last hash, under the ledger key."""
    return hmac.digest(_key(), f"siv-ledger:{seq}:{entry_hash}".encode(), "sha256").hex()


def is_sealed(seq: int, entry_hash: str, candidate: str) -> bool:
    return hmac.compare_digest(seal(seq, entry_hash), candidate)


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str
    seal: str


def head_log() -> Path:
    return Path(settings.SIV_LEDGER_HEAD_LOG)


def append_head(head: Head) -> None:
    """One line per committed entry, written through to the disk."""
    append_heads([head])


def append_heads(heads: list[Head]) -> None:
    """The lines of entries committed together, in one write through to the disk."""
    if not heads:
        return
    path = head_log()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="ascii") as log:
        log.write("".join(f"{head.seq} {head.hash} {head.seal}\n" for head in heads))
        log.flush()
        os.fsync(log.fileno())


def read_heads() -> list[Head]:
    """The log's heads; a line that does not parse is a head with no valid seal."""
    path = head_log()
    if not path.exists():
        return []
    heads = []
    for line in path.read_text(encoding="ascii", errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].isdigit():
            heads.append(Head(int(parts[0]), parts[1], parts[2]))
        elif line.strip():
            heads.append(Head(0, line.strip(), ""))
    return heads
