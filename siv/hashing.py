"""Secrets SIV hands out once (API tokens, enrolment codes) are kept only as a digest."""

import hashlib


def secret_digest(secret: str) -> str:
    """The SHA-256 of a random secret, in hex. The secrets are long and random, so a plain
    hash suffices (no salt or stretching as for passwords); compare with hmac.compare_digest."""
    return hashlib.sha256(secret.encode()).hexdigest()
