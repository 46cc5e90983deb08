"""The field keyring: the versioned keys that encrypt personal data at rest and key its
search hashes.

`SIV_FIELD_KEYS="2:<new>,1:<old>"` names every key by a version; the newest encrypts and
keys the hashes, every key decrypts. A ciphertext starts with its key's version
(`2:gAAAA…`), so `rekey_fields` finds what an older key sealed without decrypting
anything. Ciphertext from before the keyring carries no version and is tried with every
key. The old single `SIV_FIELD_KEY` is still accepted and counts as version 1.

Each purpose derives keys of its own from a secret (one for encryption, one per kind of
search hash), so a hash of one kind cannot be matched against another. The derivations are
those the CPR numbers used before the keyring, so existing data stays readable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SEPARATOR = ":"


def parse(keys: str, single: str = "") -> dict[int, str]:
    """The keyring from `SIV_FIELD_KEYS` ("2:<key>,1:<key>"), or the single key as version 1.
    Raises ImproperlyConfigured on a malformed ring (never echoing a key)."""
    if not keys.strip():
        return {1: single} if single else {}
    ring: dict[int, str] = {}
    for position, entry in enumerate(keys.split(","), start=1):
        version, _sep, secret = entry.strip().partition(SEPARATOR)
        if not version.isdigit() or int(version) < 1 or not secret.strip():
            raise ImproperlyConfigured(
                f"SIV_FIELD_KEYS entry {position} is not '<version>:<key>' "
                "with a positive whole version."
            )
        if int(version) in ring:
            raise ImproperlyConfigured(f"SIV_FIELD_KEYS names version {int(version)} twice.")
        ring[int(version)] = secret.strip()
    if single and single not in ring.values():
        raise ImproperlyConfigured(
            "SIV_FIELD_KEY is set beside SIV_FIELD_KEYS but is not in the ring: "
            "give the old key a version in SIV_FIELD_KEYS and drop SIV_FIELD_KEY."
        )
    return ring


def ring() -> dict[int, str]:
    keys = settings.SIV_FIELD_KEYS
    if not keys:  # the settings refuse to start without a key; a test may not
        raise ImproperlyConfigured("SIV_FIELD_KEYS is empty.")
    return keys


def newest_version() -> int:
    return max(ring())


@lru_cache(maxsize=16)
def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(b"siv-cpr-encryption:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


@lru_cache(maxsize=64)
def _hash_key(purpose: str, secret: str) -> bytes:
    return hashlib.sha256(f"siv-{purpose}-hmac:".encode() + secret.encode()).digest()


def encrypt(text: str) -> str:
    """`text` sealed with the newest key, prefixed by the key's version."""
    version = newest_version()
    token = _fernet(ring()[version]).encrypt(text.encode()).decode()
    return f"{version}{SEPARATOR}{token}"


def version_of(sealed: str) -> int | None:
    """The key version a ciphertext names; None for ciphertext from before the keyring."""
    version, sep, _token = sealed.partition(SEPARATOR)
    return int(version) if sep and version.isdigit() else None


def decrypt(sealed: str) -> str:
    """The text sealed by encrypt() (or by the single key before the keyring)."""
    keys = ring()
    version = version_of(sealed)
    if version is None:
        candidates, token = sorted(keys, reverse=True), sealed
    elif version in keys:
        candidates, token = [version], sealed.partition(SEPARATOR)[2]
    else:
        raise ImproperlyConfigured(
            f"A field was encrypted with key version {version}, which SIV_FIELD_KEYS lacks."
        )
    for candidate in candidates:
        try:
            return _fernet(keys[candidate]).decrypt(token.encode()).decode()
        except InvalidToken:
            continue
    raise ImproperlyConfigured("A field could not be decrypted with the keys in SIV_FIELD_KEYS.")


def is_current(sealed: str) -> bool:
    """Whether the ciphertext is sealed with the newest key (empty text needs no key)."""
    return not sealed or version_of(sealed) == newest_version()


def keyed_hash(purpose: str, text: str, *, version: int | None = None) -> str:
    """HMAC-SHA256 of `text` under the purpose's key of a version (the newest by default):
    finds a row without decrypting anyone."""
    secret = ring()[version or newest_version()]
    return hmac.new(_hash_key(purpose, secret), text.encode(), hashlib.sha256).hexdigest()


def keyed_hashes(purpose: str, text: str) -> list[str]:
    """The hash under every key, newest first: a lookup finds rows that `rekey_fields` has
    not reached yet after a new key was added."""
    return [keyed_hash(purpose, text, version=v) for v in sorted(ring(), reverse=True)]
