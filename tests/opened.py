"""Reading, from an edit page, what its form carries hidden: the record's version and the
values it showed (siv.forms.VersionedForm), as a browser would post them back."""

import html
import re

HIDDEN = re.compile(r'<input type="hidden" name="(version|shown)" value="([^"]*)"')


def opened(response) -> dict[str, str]:
    found = dict(HIDDEN.findall(response.content.decode()))
    assert set(found) == {"version", "shown"}, "the edit form carries no version"
    return {name: html.unescape(value) for name, value in found.items()}
