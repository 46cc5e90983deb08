from celery import shared_task

from .services import anonymise_due


@shared_task(name="privacy.tasks.anonymise_due")
def anonymise_exited_citizens() -> int:
    return anonymise_due().pk
