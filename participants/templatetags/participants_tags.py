from django import template

from participants.models import HoursKind, Phase

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
