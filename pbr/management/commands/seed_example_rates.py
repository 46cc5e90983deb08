from django.core.management.base import BaseCommand

from pbr import services


class Command(BaseCommand):
    help = (
        "Add example benefit rates for each year from 2018 to 2023 and example saving bands "
        "from 2018, marked as examples, where none are set: for the demo and for imported "
        "sample data, until the controller enters the real rates."
    )

    def handle(self, *args, **options):
        added = services.example_assumptions_seed(by=None)
        self.stdout.write(f"{added} example rates and bands added.")
