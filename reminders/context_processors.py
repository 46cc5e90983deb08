from django.utils.functional import SimpleLazyObject

from siv.permissions import has_perm

from .selectors import unread_count


def reminders(request):
    """The unread count beside the inbox's bell in the top bar: one query, made only when a
    page shows the bar to a user who may open the inbox."""
    user = getattr(request, "user", None)
    if user is None or not has_perm(user, "reminders.view"):
        return {"reminders_unread": None}
    return {"reminders_unread": SimpleLazyObject(lambda: unread_count(user))}
