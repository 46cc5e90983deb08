from datetime import date

from django.core.management.base import BaseCommand, CommandError

from privacy.services import anonymise_cutoff, anonymise_exited


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = (
        "Anonymise citizens who left before a date (default: SIV_ANONYMISE_AFTER_YEARS ago): "
        "CPR number, names, contact data and notes go; the statistics stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("--exited-before", dest="exited_before", type=_date)

    def handle(self, *args, exited_before, **options):
        run = anonymise_exited(exited_before=exited_before or anonymise_cutoff())
        self.stdout.write(
            f"Anonymised {run.citizens} citizen(s) who left before {run.exited_before}."
        )
