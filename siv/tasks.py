from celery import shared_task
from django.conf import settings

from . import alerts, audit, figures


@shared_task(name="siv.tasks.purge_audit_log")
def purge_audit_log() -> int:
    return audit.purge_expired(months=settings.SIV_AUDIT_RETENTION_MONTHS)


@shared_task(name="siv.tasks.fold_figure_changes")
def fold_figure_changes() -> int:
    """Every minute (beat): the figures' change rows summed into one (siv.figures)."""
    return figures.fold()


@shared_task(name="siv.tasks.housekeeping")
def housekeeping() -> dict[str, int]:
    """What must not pile up (ASVS 8.3.8): expired sessions, and sign-in attempts and access
    logs older than SIV_SIGN_IN_LOG_DAYS (a lockout in force is kept until it has cooled off).
    Returns how many rows went, by kind."""
    from datetime import timedelta

    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.utils import timezone

    from .models import UserSession

    now = timezone.now()
    sessions, _ = UserSession.objects.filter(expire_date__lt=now).delete()
    cutoff = now - timedelta(days=settings.SIV_SIGN_IN_LOG_DAYS)
    cooled = now - timedelta(hours=settings.AXES_COOLOFF_TIME)
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=min(cutoff, cooled)).delete()
    failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    logs, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    return {"sessions": sessions, "attempts": attempts, "failures": failures, "access_logs": logs}


@shared_task(name="siv.tasks.raise_volume_alerts")
def raise_volume_alerts() -> int:
    return len(alerts.raise_volume_alerts())
