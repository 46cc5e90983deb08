from django.core.management.base import BaseCommand, CommandError

from pbr import services
from pbr.models import LedgerEntry


class Command(BaseCommand):
    help = "Walk the ledger's hash chain; exit non-zero naming the first row that fails."

    def handle(self, *args, **options):
        broken = services.ledger_verify()
        if broken is not None:
            raise CommandError(
                f"Ledger entry #{broken.seq} (id {broken.pk}) does not verify: "
                "its content or its link to the previous entry has changed."
            )
        self.stdout.write(f"Ledger verified: {LedgerEntry.objects.count()} entries, chain intact.")
