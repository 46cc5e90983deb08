"""`manage.py report KIND --out PATH`: the same job code as the screens, run in-process."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reporting import services
from reporting.models import FORMATS, ReportKind
from reporting.selectors import ReportParams
from siv.commands import date_argument


class Command(BaseCommand):
    help = "Build a report (indicators, hours, progress, final, esf) into a file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[k.value for k in ReportKind])
        parser.add_argument("--out", required=True)
        parser.add_argument("--format", choices=["pdf", "xlsx", "csv"])
        parser.add_argument("--region", default="")
        parser.add_argument("--cluster", type=int)
        parser.add_argument("--municipality", default="")
        parser.add_argument("--from", dest="start", type=date_argument)
        parser.add_argument("--to", dest="end", type=date_argument)

    def handle(self, *args, kind, out, format, region, cluster, municipality, start, end, **kw):
        if start and end and start > end:
            raise CommandError("--from must not be after --to.")
        available = FORMATS[ReportKind(kind)]
        fmt = format or ("pdf" if "pdf" in available else available[0])
        params = ReportParams(
            region=region, cluster=cluster, municipality=municipality, start=start, end=end
        )
        try:
            job = services.job_create(by=None, kind=kind, fmt=fmt, params=params, queue=False)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        artifact = services.run_job(job.pk)
        if artifact is None:
            job.refresh_from_db()
            raise CommandError(f"The report failed: {job.error}")
        with artifact.file.open("rb") as source:
            Path(out).write_bytes(source.read())
        self.stdout.write(f"{out} ({artifact.size} bytes, sha256 {artifact.sha256})")
