from celery import shared_task

from . import services
from .models import Frequency


@shared_task(name="reminders.tasks.send_reminders")
def send_reminders() -> tuple[int, int]:
    return services.send_reminders()


@shared_task(name="reminders.tasks.send_digests")
def send_digests(frequency: str) -> int:
    return services.mail_reminders(frequencies=[Frequency(frequency)])
