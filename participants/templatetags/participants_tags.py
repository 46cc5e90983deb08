from django import template
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from participants.hours.models import HoursKind
from participants.track.models import Phase

register = template.Library()


@register.filter
def phase_label(value) -> str:
    try:
        return Phase(int(value)).label
    except (TypeError, ValueError):
        return ""


@register.filter
def hours_kind_label(value) -> str:
    try:
        return HoursKind(value).label
    except ValueError:
        return ""


# The citizen and their track as every screen shows them: tags, not included templates, as
# they are rendered once per row of the longest tables.

PHASE_BADGE_CLASS = {
    Phase.EMPLOYMENT: "text-bg-success",
    Phase.PLACEMENT: "text-bg-info",
    Phase.TRAINING: "text-bg-primary",
}


@register.simple_tag
def citizen_identity(citizen, visibility) -> str:
    """The name, or the pseudonym for the roles that may not see it; the masked CPR beside
    it for the roles that may see that."""
    shown = visibility.label(citizen)
    if visibility.show_masked_cpr:
        return format_html(
            '{} <span class="text-body-secondary small font-monospace">{}</span>',
            shown,
            citizen.cpr_masked,
        )
    return conditional_escape(shown)


@register.simple_tag
def status_badge(active: bool) -> str:
    if active:
        return format_html('<span class="badge text-bg-success">{}</span>', _("Aktiv"))
    return format_html('<span class="badge text-bg-dark">{}</span>', _("Ophørt"))


@register.simple_tag
def phase_badge(phase) -> str:
    css = PHASE_BADGE_CLASS.get(phase, "text-bg-secondary")
    return format_html('<span class="badge {}">{}</span>', css, phase_label(phase))


@register.simple_tag
def hours_cells(cells: list[dict], disabled: bool) -> str:
    """A row of the weekly hours grid: a cell per kind, each with its hidden label, the input,
    and its errors tied to it for screen readers. One tag per row, built with plain escaping
    (a page has 250 fields: format_html per field was a third of the page's time)."""
    off = " disabled" if disabled else ""
    return mark_safe("".join(_hours_cell(cell, off) for cell in cells))  # noqa: S308 - escaped


def _hours_cell(cell: dict, disabled: str) -> str:
    name = escape(cell["name"])
    invalid = feedback = ""
    if cell["errors"]:
        invalid = f' aria-invalid="true" aria-describedby="{name}-fejl"'
        messages = escape(" ".join(cell["errors"]))
        feedback = f'<div class="invalid-feedback" id="{name}-fejl">{messages}</div>'
    shown = escape(cell.get("shown", cell["value"]))
    return (
        f'<td><label class="visually-hidden" for="{name}">{escape(cell["label"])}</label>'
        f'<input class="form-control form-control-sm text-end{" is-invalid" if invalid else ""}"'
        f' type="text" inputmode="decimal" id="{name}" name="{name}"'
        f' value="{escape(cell["value"])}" size="5"{disabled}{invalid}>'
        f'<input type="hidden" name="o{name[1:]}" value="{shown}"{disabled}>{feedback}</td>'
    )
