"""A realistic small programme for trying SIV by hand.

The steps run in order, each in its own module of the demo app; a step reads what the steps
before it left in the context (the partnerships step the municipalities and people, …).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from demo import accelerator, documents, economy, participants, partnerships, pbr, reporting
from demo.context import DemoContext
from demo.guard import refuse_outside_demo_or_test

STEPS = (
    partnerships.seed,
    accelerator.seed,
    participants.seed,
    pbr.seed,
    reporting.seed,
    economy.seed,
    documents.seed,
)


class Command(BaseCommand):
    help = "Seed a small demo programme (2 clusters, 12 municipalities, one user per role)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when users already exist."
        )

    def handle(self, *args, if_empty: bool = False, **options):
        refuse_outside_demo_or_test("seed_demo")
        if if_empty and get_user_model().objects.exists():
            self.stdout.write("Demo data already present; nothing seeded.")
            return
        context = DemoContext()
        with transaction.atomic():
            for step in STEPS:
                step(context)
        self.stdout.write(self.style.SUCCESS("Demo data seeded."))
        for line in context.report:
            self.stdout.write(line)
