from datetime import date

from django.core.management.base import BaseCommand, CommandError

from reminders import services


class Command(BaseCommand):
    help = (
        "Record and mail the reminders due (by each user's choice of mail); a second run "
        "sends nothing new. With --dry-run, print the due, unsent ones, one line each."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="print, record nothing")
        parser.add_argument("--date", help="the day to run for, YYYY-MM-DD (default: today)")

    def handle(self, *args, dry_run: bool = False, date: str | None = None, **options):
        today = self._day(date)
        if dry_run:
            for pending in services.pending_reminders(today=today):
                self.stdout.write(pending.line())
            return
        recorded, mails = services.send_reminders(today=today)
        self.stdout.write(f"{recorded} reminders recorded, {mails} mails sent")

    @staticmethod
    def _day(text: str | None) -> date | None:
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, not {text!r}") from exc
