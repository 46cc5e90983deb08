from django.db.models import Count, QuerySet

from .models import GrowthPartnership


def partnership_list(*, user) -> QuerySet[GrowthPartnership]:
    return (
        GrowthPartnership.objects.for_user(user)
        .select_related("municipality__region", "cluster")
        .annotate(partner_count=Count("partners", distinct=True))
        .order_by("municipality__name", "name")
    )
