"""The Celery application.

With REDIS_URL set the broker is Redis; without it, kombu's filesystem transport under
var/celery/ lets a real worker and beat run with no external service (the `make run` default).
Tasks are never run eagerly.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siv.settings")

app = Celery("siv")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
