"""A realistic small programme for trying SIV by hand.

Each app that has a `demo.py` with `seed(context)` adds its part, in INSTALLED_APPS order
(partnerships first, so later apps find the municipalities and people in `context`).
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Seed a small demo programme (2 clusters, 6 municipalities, one user per role)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when users already exist."
        )

    def handle(self, *args, if_empty: bool = False, **options):
        User = apps.get_model(settings.AUTH_USER_MODEL)
        if if_empty and User.objects.exists():
            self.stdout.write("Demo data already present; nothing seeded.")
            return
        context: dict = {"stdout": self.stdout}
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if find_spec(module_name) is None:
                    continue
                import_module(module_name).seed(context)
        self.stdout.write(self.style.SUCCESS("Demo data seeded."))
        for line in context.get("report", []):
            self.stdout.write(line)
