from celery import shared_task

from . import services


@shared_task(name="documents.tasks.sweep_unreferenced_files")
def sweep_unreferenced_files() -> int:
    return services.documents_sweep_unreferenced()
