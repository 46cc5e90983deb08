from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from participants.importer.services import read_directory, run_import


class Command(BaseCommand):
    help = (
        "Import the legacy spreadsheets (companies.csv, participants.csv, hours.csv, "
        "placements.csv) from DIR: all or nothing, with every rejected row reported."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory.")
        result = run_import(read_directory(directory))
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(result.errors)} rejected row(s); nothing was imported.", returncode=1
            )
        for name, count in result.rows.items():
            self.stdout.write(f"{name}: {count} rows")
        self.stdout.write(self.style.SUCCESS(f"Imported; {result.changes} change(s)."))
