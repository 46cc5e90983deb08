"""Logs never carry a query string: a search's query may hold a name or a CPR number, and
log files are kept, copied and read far outside the case-management system's access rules.
Nor the key of a password link (siv/passwords.py), which is a path segment.
"""

from __future__ import annotations

import logging
import re

# A path (or a whole URL) followed by its query string: the path is kept, the query dropped.
_QUERY = re.compile(r"(?P<path>(?:https?://[^\s/?#\"']+)?/[^\s?#\"']*)\?[^\s#\"']*")


# The key in an administrator's link to choose a password (/konto/link/<key>/).
_PASSWORD_LINK_KEY = re.compile(r"(?P<path>/konto/link/)[^\s/?#\"']+")


def strip_query_strings(text: str) -> str:
    return _PASSWORD_LINK_KEY.sub(r"\g<path>…", _QUERY.sub(r"\g<path>", text))


class StripQueryStrings(logging.Filter):
    """Rewrite a record's message with the query strings of every URL in it left out.

    The record is changed in place, so every handler after the filter (and every handler of
    the loggers it propagates to) sees the stripped message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        stripped = strip_query_strings(message)
        if stripped != message:
            record.msg = stripped
            record.args = None
        return True
