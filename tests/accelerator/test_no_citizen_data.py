"""The accelerator knows companies, not citizens: no page of it can show a citizen's data."""

import re
from pathlib import Path

import pytest

import accelerator

from .test_permissions import CASES

CPR_LIKE = re.compile(r"\b\d{6}-?\d{4}\b")


def test_the_accelerator_never_imports_participants():
    for path in Path(accelerator.__file__).parent.rglob("*.py"):
        source = path.read_text()
        modules = re.findall(r"^\s*(?:from|import)\s+(\S+)", source, re.M)
        assert not [m for m in modules if m.split(".")[0] == "participants"], path


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.url_name)
def test_no_page_shows_anything_like_a_cpr_number(personas, signed_in, case):
    client = signed_in(personas.admin)
    response = client.get(case.url(case.own(personas)))
    assert response.status_code == 200
    assert not CPR_LIKE.search(response.content.decode())
