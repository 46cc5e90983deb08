"""The Celery application.

With REDIS_URL set the broker is Redis; without it, kombu's filesystem transport under
var/celery/ lets a real worker and beat run with no external service (the `make run` default).
Tasks are never run eagerly.
"""

import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siv.settings")

app = Celery("siv")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _ensure_queue_folders() -> None:
    """The filesystem transport expects its folders to exist."""
    from django.conf import settings

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {})
    if str(getattr(settings, "CELERY_BROKER_URL", "")).startswith("filesystem://"):
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)


app.on_after_configure.connect(lambda sender, **kwargs: _ensure_queue_folders(), weak=False)


@worker_init.connect(weak=False)
def _load_the_template_engine(**kwargs) -> None:
    """Built before the worker starts its processes, which inherit it (siv.warm)."""
    from siv.warm import build_template_engine

    build_template_engine()
