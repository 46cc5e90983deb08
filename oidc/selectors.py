from django.db.models import QuerySet

from partnerships.models import User

# The start page lists this many of the people waiting for a role, the oldest first.
WAITING_SHOWN = 10


def waiting_for_role(*, user) -> QuerySet[User]:
    """People who signed in with their organisation's account and wait for the
    administrator to give them a role and organisation."""
    return (
        User.objects.for_user(user)
        .filter(provider_account__isnull=False, role="", is_active=True)
        .select_related("provider_account")
        .order_by("date_joined", "pk")
    )
