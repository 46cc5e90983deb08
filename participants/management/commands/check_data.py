from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from participants.track import quality
from participants.track.models import Citizen
from participants.track.rules import Rule


class Command(BaseCommand):
    help = (
        "List the stored records that break a track rule, as the data-quality screen does: "
        "the count per rule, then one line per finding (rule, citizen pseudonym, record, "
        "date). Exits with 1 when there are findings."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rule", choices=Rule.values, help="Only this rule (its code, e.g. phase_order)."
        )

    def handle(self, *args, rule: str | None = None, **options):
        today = timezone.localdate()
        citizens = Citizen.objects.all()
        rules = [rule] if rule else None
        counts = quality.counts_by_rule(citizens, today, rules)
        for code, count in counts.items():
            self.stdout.write(f"{code}: {count}")
        total = sum(counts.values())
        if not total:
            self.stdout.write(self.style.SUCCESS("No findings."))
            return
        for row in quality.findings(citizens, today, rules).iterator():
            finding = quality.Finding.from_row(row)
            dates = " ".join(
                f"{label}={day:%Y-%m-%d}"
                for label, day in (
                    ("date", finding.day),
                    ("end", finding.end_day),
                    ("limit", finding.limit),
                )
                if day is not None
            )
            pseudonym = Citizen(pk=finding.citizen_id).pseudonym
            self.stdout.write(
                f"{finding.rule} {pseudonym} {finding.record}#{finding.record_id} {dates}"
            )
        raise CommandError(f"{total} finding(s).", returncode=1)
