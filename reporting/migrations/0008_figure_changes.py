"""The indicator targets count every write as a change of the indicator figures shown beside
them (siv.figures)."""

from django.db import migrations

from siv.figures import tracking

TABLES = ("reporting_indicatortarget",)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0007_narratives_per_sub_project"),
        ("siv", "0011_figure_changes"),
    ]

    operations = [
        tracking(*TABLES),
    ]
