"""Searches whose free text never travels in a URL.

A name or a CPR number typed into a search box would otherwise sit in the address bar,
the browser's history, the `Referer` of the next request and every proxy's and server's
access log. The search form posts its free text instead; the server keeps it in the
user's session under a short random search id and redirects to the list with `?s=<id>`
and the chosen choices (a status, a phase), so paging, sorting and bookmarks keep working
while the text itself stays on the server. A search id lives for the session, and at most
`LIFETIME` after it was last used. The session store holds the text encrypted (a key
derived from the field key), so the sessions table holds no readable name or CPR number.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Iterable, Mapping
from urllib.parse import urlencode

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.http import HttpRequest, QueryDict

# The query parameter naming a stored search.
PARAM = "s"
SESSION_KEY = "siv_private_searches"
LIFETIME = 30 * 60
# A session keeps the newest few searches; an older id counts as expired.
KEPT = 20


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"siv-private-search:" + settings.SIV_FIELD_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def store(request: HttpRequest, criteria: Mapping[str, str]) -> str:
    """Keep `criteria` in the session; the new search id."""
    now = time.time()
    searches = {
        key: entry
        for key, entry in request.session.get(SESSION_KEY, {}).items()
        if now - entry["at"] < LIFETIME
    }
    search_id = secrets.token_urlsafe(9)
    sealed = _fernet().encrypt(json.dumps(dict(criteria)).encode()).decode()
    searches[search_id] = {"at": now, "criteria": sealed}
    newest = sorted(searches.items(), key=lambda item: item[1]["at"])[-KEPT:]
    request.session[SESSION_KEY] = dict(newest)
    return search_id


def recall(request: HttpRequest, search_id: str) -> dict[str, str] | None:
    """The criteria kept under `search_id`, or None when it is unknown or has expired."""
    searches = request.session.get(SESSION_KEY, {})
    entry = searches.get(search_id)
    now = time.time()
    if entry is None or now - entry["at"] >= LIFETIME:
        return None
    try:
        criteria = json.loads(_fernet().decrypt(entry["criteria"].encode()))
    except (InvalidToken, AttributeError, ValueError):
        return None  # sealed under a key no longer in use: as if expired
    entry["at"] = now
    request.session.modified = True
    return criteria


def redirect_query(
    data: QueryDict, *, free_text: Iterable[str], allowed: Iterable[str], search_id: str | None
) -> str:
    """The query string to redirect to: the allowed non-free-text values as they were
    chosen, and the search id in place of the free text."""
    free = frozenset(free_text)
    pairs = [
        (key, value)
        for key in allowed
        if key not in free
        for value in data.getlist(key)
        if value not in ("", None)
    ]
    if search_id:
        pairs.insert(0, (PARAM, search_id))
    return urlencode(pairs)


def has_free_text(data: QueryDict, free_text: Iterable[str]) -> bool:
    return any(key in data for key in free_text)


def strip_free_text(data: QueryDict, free_text: Iterable[str]) -> dict[str, str]:
    """The free-text values of `data` that are not empty."""
    return {key: data[key].strip() for key in free_text if data.get(key, "").strip()}
