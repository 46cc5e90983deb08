from django.core.management.base import BaseCommand, CommandError

from pbr import services


class Command(BaseCommand):
    help = (
        "Walk the ledger's hash chain, check every entry's seal and hold the ledger against "
        "the head log; exit non-zero saying what does not verify and how many entries are "
        "missing."
    )

    def handle(self, *args, **options):
        check = services.ledger_verify()
        if not check.intact:
            raise CommandError(" ".join(check.problems))
        behind = check.entries - check.logged_up_to
        self.stdout.write(
            f"Ledger verified: {check.entries} entries, chain intact, every seal valid; "
            f"the head log has seen #{check.logged_up_to}"
            + (f" ({behind} newer entries not yet in it)." if behind > 0 else ".")
        )
