"""The company page shows what the apps above the accelerator registered for it through the
one record-section registry (siv.registry): the placements' counts, then the documents."""

from django.urls import reverse

from siv import registry
from tests.accelerator.conftest import own_company


def test_the_company_page_shows_the_registered_sections_in_their_order(personas, signed_in):
    company = own_company(personas)
    page = (
        signed_in(personas.developer)
        .get(reverse("accelerator:company_detail", args=[company.pk]))
        .content.decode()
    )
    outcomes = page.index('id="outcomes-heading"')
    documents = page.index('id="dokumenter-titel"')
    assert outcomes < documents


def test_a_section_registered_twice_shows_once():
    before = list(registry.RECORD_SECTIONS)
    company_sections = [s for s in before if s.model == "accelerator.company"]
    assert [s.template for s in company_sections] == [
        "participants/company/outcomes.html",
        "documents/section.html",
    ]
    try:
        for section in company_sections:
            registry.register_record_section(
                section.model,
                section.template,
                section.permission,
                section.context,
                order=section.order,
            )
        assert registry.RECORD_SECTIONS == before
    finally:
        registry.RECORD_SECTIONS[:] = before
