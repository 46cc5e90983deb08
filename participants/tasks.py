from celery import shared_task

from participants.hours import services as hours_services


@shared_task(name="participants.tasks.fold_hours_groups")
def fold_hours_groups() -> int:
    """Every minute (beat): the hours statement's changes summed into its groups."""
    return hours_services.fold_hours_groups()
