import csv

from django.core.management.base import BaseCommand, CommandError

from reporting.indicators import Scope, compute
from siv.commands import date_argument


class Command(BaseCommand):
    help = "Print the indicator table (code,label,value,target) for a scope and period."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="")
        parser.add_argument("--cluster", type=int)
        parser.add_argument("--municipality", default="")
        parser.add_argument("--from", dest="start", type=date_argument)
        parser.add_argument("--to", dest="end", type=date_argument)
        parser.add_argument("--format", choices=["csv"], default="csv")

    def handle(self, *args, region, cluster, municipality, start, end, **options):
        if start and end and start > end:
            raise CommandError("--from must not be after --to.")
        rows = compute(
            scope=Scope(region=region, cluster=cluster, municipality=municipality),
            start=start,
            end=end,
        )
        writer = csv.writer(self.stdout)
        writer.writerow(["code", "label", "value", "target"])
        for row in rows:
            writer.writerow(
                [row.code, row.label, row.value, "" if row.target is None else row.target]
            )
