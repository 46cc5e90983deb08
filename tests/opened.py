"""Reading, from an edit page, what its form carries hidden: the record's version and the
values it showed (siv.forms.VersionedForm; a placement's form also the hour plan it showed),
as a browser would post them back."""

import html
import re

HIDDEN = re.compile(r'<input type="hidden" name="(version|shown|plan_shown)" value="([^"]*)"')


def opened(response) -> dict[str, str]:
    found = dict(HIDDEN.findall(response.content.decode()))
    assert {"version", "shown"} <= set(found), "the edit form carries no version"
    return {name: html.unescape(value) for name, value in found.items()}
