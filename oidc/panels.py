from partnerships.models import User
from siv import audit
from siv.context_processors import provider_sign_in_configured

from . import selectors


def waiting(request) -> dict:
    """The people waiting for a role, by name: a list of staff shown, in the log."""
    people = selectors.waiting_for_role(user=request.user)
    shown = list(people[: selectors.WAITING_SHOWN])
    audit.record_list_view(
        actor=request.user, model=User, ids=[p.pk for p in shown], purpose="startside"
    )
    return {
        "configured": provider_sign_in_configured(),
        "people": shown,
        "total": people.count(),
    }
