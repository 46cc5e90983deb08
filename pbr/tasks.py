from celery import shared_task

from partnerships.models import Municipality, User

from . import services


@shared_task(name="pbr.tasks.detect_outcomes")
def detect_outcomes(municipality_id: int | None = None, user_id: int | None = None) -> dict:
    """Nightly (beat) and on demand: turn recorded data into outcomes and ledger rows."""
    municipality = (
        Municipality.objects.filter(pk=municipality_id).first() if municipality_id else None
    )
    by = User.objects.filter(pk=user_id).first() if user_id else None
    report = services.detect_outcomes(municipality=municipality, by=by)
    return {"accrued": len(report.accrued), "reversed": len(report.reversed)}
