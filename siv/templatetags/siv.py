from decimal import ROUND_HALF_UP, Decimal

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html

from siv import registry
from siv.forms import Select
from siv.permissions import has_perm

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def record_links(context, obj) -> list[dict]:
    """The links other apps registered for this record's page, as the user may follow them:
    `{% record_links citizen as links %}`."""
    return [
        {"label": link.label, "url": reverse(link.url_name, args=[obj.pk]), "icon": link.icon}
        for link in registry.record_links_for(context["request"].user, obj)
    ]


@register.simple_tag(takes_context=True)
def record_sections(context, obj) -> list[dict]:
    """The sections other apps registered for this record's page, as the user may see them:
    `{% record_sections partnership as sections %}`, then include each `section.template`."""
    return registry.record_sections_for(context["request"], obj)


@register.filter
def may(user, permission: str) -> bool:
    """`{% if user|may:"hours.write" %}`: the user holds the named permission."""
    return has_perm(user, permission)


@register.filter
def dkk(value) -> str:
    """An amount in DKK with øre and Danish separators: 1.234,50 kr."""
    if value in (None, ""):
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{number_format(amount, 2, force_grouping=True)} kr."


# The widgets a list filter uses, and the Bootstrap class crispy's template gives each.
_FILTER_WIDGETS = {
    forms.TextInput: "form-control",
    forms.DateInput: "form-control",
    forms.NumberInput: "form-control",
    forms.Select: "form-select",
    Select: "form-select",
    forms.CheckboxInput: "form-check-input",
}


@register.filter
def filter_field(field) -> str:
    """A list filter's field as crispy's `as_crispy_field` renders it, built in Python: the
    same label, widget and classes, without a dozen nested templates per field. A field with
    errors, help text, a required mark or another widget goes through crispy itself."""
    widget = field.field.widget
    bootstrap = _FILTER_WIDGETS.get(type(widget))
    if bootstrap is None or field.errors or field.help_text or field.field.required:
        return as_crispy_field(field)
    own = widget.__class__.__name__.lower()
    classes = widget.attrs.get("class", "").split()
    classes += [c for c in (own, bootstrap) if c not in classes]
    rendered = field.as_widget(attrs={"class": " ".join(classes)})
    if isinstance(widget, forms.CheckboxInput):
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check">{}'
            '<label for="{}" class="form-check-label">{}</label></div></div>',
            field.auto_id,
            rendered,
            field.id_for_label,
            field.label,
        )
    label = (
        format_html(
            '<label for="{}" class="form-label">{}</label>', field.id_for_label, field.label
        )
        if field.label
        else ""
    )
    return format_html('<div id="div_{}" class="mb-3">{}{}</div>', field.auto_id, label, rendered)
