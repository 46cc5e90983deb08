from celery import shared_task
from django.conf import settings

from . import audit


@shared_task(name="siv.tasks.purge_audit_log")
def purge_audit_log() -> int:
    return audit.purge_expired(months=settings.SIV_AUDIT_RETENTION_MONTHS)
