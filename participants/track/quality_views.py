"""The data-quality screen: the stored rows that break a track rule, for the citizens the
user sees (participants/track/quality.py finds them)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import cached_property

from siv import audit
from siv.permissions import permission_required

from . import quality
from .models import Citizen
from .rules import Rule
from .selectors import visibility_for

PAGE_SIZE = 50


class _CountedPaginator(Paginator):
    """Pages of findings whose number the per-rule counts already hold: the union is not
    evaluated a third time to count it."""

    def __init__(self, object_list, per_page, *, total: int):
        super().__init__(object_list, per_page)
        self.total = total

    @cached_property
    def count(self) -> int:
        return self.total


@permission_required("data_quality.view")
def data_quality(request):
    today = timezone.localdate()
    citizens = Citizen.objects.for_user(request.user)
    rule = request.GET.get("regel", "")
    if rule not in Rule.values:
        rule = ""  # every rule
    counts = quality.counts_by_rule(citizens, today)
    rows = quality.findings(citizens, today, [rule] if rule else None)
    total = counts[rule] if rule else sum(counts.values())
    page = _CountedPaginator(rows, PAGE_SIZE, total=total).get_page(request.GET.get("side"))
    show_name = visibility_for(request.user).show_name
    shown = quality.shown_rows(page.object_list, show_name=show_name)
    if show_name:
        audit.record_list_view(
            actor=request.user,
            model=Citizen,
            ids=list(dict.fromkeys(f.citizen_id for f, _label in shown)),
            purpose="datakvalitet",
        )
    return render(
        request,
        "participants/data_quality.html",
        {
            "rules": [(Rule(code), n) for code, n in counts.items()],
            "total": sum(counts.values()),
            "rule": rule,
            "page": page,
            "shown": shown,
        },
    )
