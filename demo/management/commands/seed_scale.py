"""`manage.py seed_scale --participants 50000`: the national-scale synthetic data set."""

import time

from django.core.management.base import BaseCommand, CommandError

from demo.guard import refuse_outside_demo_or_test
from demo.scale import seed as scale_seed
from participants.models import Citizen


class Command(BaseCommand):
    help = (
        "Write a national-scale synthetic programme (all 98 municipalities, ~2000 companies, "
        "citizens with tracks and weekly hours) with COPY on PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=1000)
        parser.add_argument("--weeks", type=int, default=100, help="Hour rows per citizen.")
        parser.add_argument("--seed", type=int, default=2026, help="Same seed, same data.")
        parser.add_argument("--clear", action="store_true", help="Remove all programme data first.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when citizens exist."
        )

    def handle(self, *args, participants, weeks, seed, clear, if_empty, **options):
        refuse_outside_demo_or_test("seed_scale")
        if participants < 1 or weeks < 1:
            raise CommandError("--participants and --weeks must be at least 1.")
        started = time.perf_counter()
        if clear:
            scale_seed.clear()
            self.stdout.write(f"cleared in {time.perf_counter() - started:.1f} s")
        elif Citizen.objects.exists():
            if if_empty:
                self.stdout.write("Citizens already present; nothing seeded.")
                return
            raise CommandError("The database already holds citizens: use --clear or --if-empty.")
        timings = scale_seed.seed(
            scale_seed.Options(participants=participants, weeks=weeks, seed=seed)
        )
        total = time.perf_counter() - started
        self.stdout.write(f"{'table':<40} {'rows':>10} {'seconds':>9}")
        for table, entry in timings.rows.items():
            self.stdout.write(f"{table:<40} {entry['rows']:>10} {entry['seconds']:>9.2f}")
        self.stdout.write(
            self.style.SUCCESS(f"seed_scale: {participants} participants in {total:.1f} s")
        )
