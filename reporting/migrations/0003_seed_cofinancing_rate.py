from datetime import date
from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    CoFinancingRate = apps.get_model("reporting", "CoFinancingRate")
    # The ESF standard rate since 2018: 250 DKK per hour, at most 160.33 hours a month.
    CoFinancingRate.objects.get_or_create(
        valid_from=date(2018, 1, 1),
        defaults={"hourly_rate": Decimal("250.00"), "monthly_cap_hours": Decimal("160.33")},
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_report_jobs_settings_rates")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
