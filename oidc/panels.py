from siv.context_processors import provider_sign_in_configured

from . import selectors


def waiting(request) -> dict:
    people = selectors.waiting_for_role(user=request.user)
    return {
        "configured": provider_sign_in_configured(),
        "people": people[: selectors.WAITING_SHOWN],
        "total": people.count(),
    }
