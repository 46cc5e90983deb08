"""Ship the 5 regions and 98 municipalities of Denmark as reference data."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"


def load(apps, schema_editor):
    Region = apps.get_model("partnerships", "Region")
    Municipality = apps.get_model("partnerships", "Municipality")
    with DATA.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    regions = {}
    for name in sorted({row["region"] for row in rows}):
        regions[name], _ = Region.objects.get_or_create(name=name)
    for row in rows:
        Municipality.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "region": regions[row["region"]]}
        )


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
