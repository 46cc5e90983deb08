"""`manage.py report KIND --out PATH`: the same job code as the screens, run in-process.

Without --out, a CSV is printed: `report indicators --by region --format csv` prints one
row per region and code (unit,code,value,target)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reporting import services
from reporting.indicators import LEVELS
from reporting.models import FORMATS, ReportKind, SubProject
from reporting.selectors import ReportParams
from siv.commands import date_argument


class Command(BaseCommand):
    help = "Build a report (indicators, hours, progress, final, esf) into a file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[k.value for k in ReportKind])
        parser.add_argument("--out", help="The file to write; without it a CSV is printed.")
        parser.add_argument("--format", choices=["pdf", "xlsx", "csv"])
        parser.add_argument("--region", default="")
        parser.add_argument("--cluster", type=int)
        parser.add_argument("--municipality", default="")
        parser.add_argument("--from", dest="start", type=date_argument)
        parser.add_argument("--to", dest="end", type=date_argument)
        parser.add_argument("--sub-project", dest="sub_project", default="")
        parser.add_argument(
            "--by",
            choices=list(LEVELS),
            default="",
            help="Break the indicators down by region, cluster or municipality.",
        )

    def handle(self, *args, kind, out, format, region, cluster, municipality, start, end, **kw):
        if start and end and start > end:
            raise CommandError("--from must not be after --to.")
        available = FORMATS[ReportKind(kind)]
        fmt = format or ("pdf" if "pdf" in available else available[0])
        if not out and fmt != "csv":
            raise CommandError("--out is needed for a PDF or an XLSX file.")
        sub_project = None
        if kw["sub_project"]:
            found = SubProject.objects.filter(name=kw["sub_project"]).select_related("region")
            sub_project = found.first()
            if sub_project is None:
                raise CommandError(f"No sub-project is named {kw['sub_project']}.")
            region = sub_project.region.name
        params = ReportParams(
            region=region,
            cluster=cluster,
            municipality=municipality,
            start=start,
            end=end,
            sub_project=sub_project.pk if sub_project else None,
            by=kw["by"],
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
            content = source.read()
        if not out:
            self.stdout.write(content.decode("utf-8-sig"), ending="")
            return
        Path(out).write_bytes(content)
        self.stdout.write(f"{out} ({artifact.size} bytes, sha256 {artifact.sha256})")
