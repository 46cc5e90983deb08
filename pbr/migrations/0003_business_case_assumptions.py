"""Starting assumptions for the business case (editable data, dated; new rows for changes).

Weekly rates are indicative 2024 levels; saving bands: the share of the benefit no longer
paid given the hours worked a week.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

RATES = {
    "kontanthjaelp": "3200.00",
    "uddannelseshjaelp": "1900.00",
    "ressourceforloebsydelse": "3200.00",
    "ledighedsydelse": "4500.00",
    "foertidspension": "4700.00",
    "selvforsoergelsesydelse": "1600.00",
    "sygedagpenge": "4700.00",
    "none": "0.00",
    "other": "3000.00",
}
BANDS = [("0.1", "0.1000"), ("10", "0.3000"), ("20", "0.6000"), ("30", "1.0000")]
FROM = date(2024, 1, 1)


def forwards(apps, schema_editor):
    BenefitRate = apps.get_model("pbr", "BenefitRate")
    SavingBand = apps.get_model("pbr", "SavingBand")
    for benefit, rate in RATES.items():
        BenefitRate.objects.get_or_create(
            benefit=benefit, valid_from=FROM, defaults={"weekly_rate": Decimal(rate)}
        )
    for hours, share in BANDS:
        SavingBand.objects.get_or_create(
            valid_from=FROM, min_hours=Decimal(hours), defaults={"share_saved": Decimal(share)}
        )


class Migration(migrations.Migration):
    dependencies = [("pbr", "0002_ledger_append_only")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
