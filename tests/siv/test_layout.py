import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("signed_in_as", [None, "caseworker"])
def test_the_base_layout_has_the_accessibility_landmarks(client, personas, signed_in_as):
    if signed_in_as:
        client.force_login(getattr(personas, signed_in_as))
        page = client.get(reverse("home")).content.decode()
    else:
        page = client.get(reverse("login")).content.decode()
    assert re.search(r'<html lang="da">', page)
    assert re.search(r'<a[^>]+class="[^"]*skip-link[^"]*"[^>]+href="#main"', page)
    assert '<main id="main"' in page
    assert re.search(r"<nav[^>]+aria-label=", page)
    # One h1 per page, the first heading.
    headings = re.findall(r"<h([1-6])", page)
    assert headings and headings[0] == "1" and headings.count("1") == 1


def test_every_table_on_the_partnership_screens_has_a_caption_and_scoped_headers(client, personas):
    client.force_login(personas.controller)
    for name in ("partnerships:partnership_list", "partnerships:cluster_list"):
        page = client.get(reverse(name)).content.decode()
        assert page.count("<table") == page.count("<caption")
        assert '<th scope="col">' in page
