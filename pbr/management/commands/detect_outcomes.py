from django.core.management.base import BaseCommand, CommandError

from partnerships.models import Municipality
from pbr import services


class Command(BaseCommand):
    help = "Detect payment-by-results outcomes and write accruals and reversals to the ledger."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", help="Only this municipality (its name).")

    def handle(self, *args, municipality: str | None = None, **options):
        muni = None
        if municipality:
            muni = Municipality.objects.filter(name=municipality).first()
            if muni is None:
                raise CommandError(f"Unknown municipality: {municipality}")
        report = services.detect_outcomes(municipality=muni)
        for entry in report.accrued:
            self.stdout.write(
                f"accrued  #{entry.seq} {entry.municipality_id} {entry.memo}: {entry.amount} DKK"
            )
        for entry in report.reversed:
            self.stdout.write(
                f"reversed #{entry.seq} (of #{entry.reverses_id}): {entry.amount} DKK"
            )
        self.stdout.write(f"{len(report.accrued)} accrued, {len(report.reversed)} reversed.")
