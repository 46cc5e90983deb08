"""The citizen's page (participants) links to the citizen's privacy page (privacy) through the
record-link registry: participants never names a privacy URL."""

from pathlib import Path

from django.urls import reverse

from siv.permissions import roles_with
from tests.api.conftest import citizen_in


def test_the_citizen_page_links_to_privacy_for_the_roles_that_may_follow_it(personas, signed_in):
    citizen = citizen_in(personas.own, personas.cluster)
    privacy = reverse("privacy:citizen_privacy", args=[citizen.pk])
    page = reverse("participants:citizen_detail", args=[citizen.pk])
    seen = {}
    for user in (personas.caseworker, personas.lead, personas.actor, personas.controller):
        response = signed_in(user).get(page)
        if response.status_code == 200:
            seen[user.role] = f'href="{privacy}"' in response.content.decode()
    assert seen == {role: role in roles_with("citizens.lookups_export") for role in seen}
    assert seen[personas.caseworker.role] and not seen[personas.lead.role]


def test_no_participants_template_names_a_privacy_url():
    templates = Path(__file__).resolve().parents[2] / "participants" / "templates"
    for template in templates.rglob("*.html"):
        assert "privacy:" not in template.read_text(), template
