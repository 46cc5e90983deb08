from django.core.paginator import Paginator
from django.shortcuts import render

from siv.access import get_for_user_or_404

from . import selectors
from .models import GrowthPartnership


def partnership_list(request):
    page = Paginator(selectors.partnership_list(user=request.user), 50).get_page(
        request.GET.get("side")
    )
    return render(request, "partnerships/partnership_list.html", {"page": page})


def partnership_detail(request, pk: int):
    partnership = get_for_user_or_404(
        GrowthPartnership.objects.select_related("municipality", "cluster"), request.user, pk=pk
    )
    return render(
        request,
        "partnerships/partnership_detail.html",
        {"partnership": partnership, "partners": partnership.partners.all()},
    )
