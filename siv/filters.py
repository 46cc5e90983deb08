from collections.abc import Callable

import django_filters
from django import forms
from django.db.models import TextField, Value, Window
from django.db.models.functions import Cast, RowNumber
from django.utils.translation import gettext_lazy as _

from siv.forms import Select

from .models import AuditAction, AuditEntry


class UsedChoicesMixin:
    """A list filter's choices are only the values the rows the user may see use: no
    municipality, actor or organisation outside the user's scope is offered.
    `used_choices` maps a choice filter's name to the path of its value in those rows (the
    filter's declared queryset, narrowed); the rows are the list's queryset unless
    `used_rows()` says otherwise."""

    used_choices: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = self.used_rows()
        for name, path in self.used_choices.items():
            choice = self.filters[name]
            choice.queryset = choice.queryset.filter(pk__in=rows.values(path))

    def used_rows(self):
        return self.queryset


class AuditEntryFilter(django_filters.FilterSet):
    actor_username = django_filters.CharFilter(label=_("Bruger"), lookup_expr="iexact")
    action = django_filters.ChoiceFilter(
        widget=Select,
        label=_("Handling"),
        choices=AuditAction.choices,
        empty_label=_("Alle handlinger"),
    )
    object_label = django_filters.CharFilter(label=_("Objekt"), lookup_expr="icontains")
    object_id = django_filters.CharFilter(label=_("Objekt-id"))
    after = django_filters.DateFilter(
        label=_("Fra dato"),
        field_name="at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    before = django_filters.DateFilter(
        label=_("Til dato"),
        field_name="at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditEntry
        fields = ["actor_username", "action", "object_label", "object_id"]


# An option's label from the values of its label fields (as text).
Label = Callable[..., str]
# The most label fields a field of read_options() names.
LABEL_COLUMNS = 3


def read_options(fields: dict[str, tuple[forms.ModelChoiceField, tuple[str, ...], Label]]) -> None:
    """Read the options of several model choice fields in one query, and give each field's
    select box (siv.forms.Select) its options: each field's queryset in its own order, each
    option labelled by `label(*values of label_fields)`, as the field would label it. A
    list's filters would read theirs a query each."""
    parts = []
    for number, (field, label_fields, _label) in enumerate(fields.values()):
        queryset = field.queryset
        order = list(queryset.query.order_by or queryset.model._meta.ordering or ["pk"])
        labels = [Cast(name, TextField()) for name in label_fields]
        labels += [Value("", output_field=TextField())] * (LABEL_COLUMNS - len(labels))
        parts.append(
            queryset.order_by()
            .annotate(
                option_part=Value(number),
                option_order=Window(RowNumber(), order_by=order),
                **{f"option_label{i}": label for i, label in enumerate(labels)},
            )
            .values_list(
                "option_part",
                "option_order",
                "pk",
                *(f"option_label{i}" for i in range(LABEL_COLUMNS)),
            )
        )
    options: list[list] = [[] for _ in fields]
    for part, _order, pk, *texts in (
        parts[0].union(*parts[1:], all=True).order_by("option_part", "option_order")
    ):
        options[part].append((pk, texts))
    for (field, label_fields, label), read in zip(fields.values(), options, strict=True):
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        count = len(label_fields)
        field.widget.options = (*empty, *((pk, label(*texts[:count])) for pk, texts in read))
