from django.core.management.base import BaseCommand

from privacy.services import anonymise_cutoff, anonymise_exited
from siv.commands import date_argument


class Command(BaseCommand):
    help = (
        "Anonymise citizens who left before a date (default: SIV_ANONYMISE_AFTER_YEARS ago): "
        "CPR number, names, contact data and notes go; the statistics stay."
    )

    def add_arguments(self, parser):
        parser.add_argument("--exited-before", dest="exited_before", type=date_argument)

    def handle(self, *args, exited_before, **options):
        run = anonymise_exited(exited_before=exited_before or anonymise_cutoff())
        self.stdout.write(
            f"Anonymised {run.citizens} citizen(s) who left before {run.exited_before}."
        )
