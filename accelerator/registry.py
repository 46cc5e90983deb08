"""Sections that apps above the accelerator add to the company page.

The accelerator knows companies, not citizens. An app that builds on it (participants, with
its placements and hires) registers a section in its AppConfig.ready(); the company page
renders the registered sections in order, below its own content. The section's context
function receives the request and the company the viewer was already allowed to see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CompanySection:
    template: str
    context: Callable[[Any, Any], dict]
    order: int = 100


COMPANY_SECTIONS: list[CompanySection] = []


def register_company_section(
    template: str, context: Callable[[Any, Any], dict], *, order: int = 100
) -> None:
    """Add a section to the company page; `context(request, company)` returns its context."""
    if any(section.template == template for section in COMPANY_SECTIONS):
        return
    COMPANY_SECTIONS.append(CompanySection(template, context, order))
    COMPANY_SECTIONS.sort(key=lambda section: section.order)


def company_sections(request, company) -> list[dict]:
    """The registered sections with their context, ready for `{% include section.template %}`."""
    return [
        {"template": section.template, **section.context(request, company)}
        for section in COMPANY_SECTIONS
    ]
