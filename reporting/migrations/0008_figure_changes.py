"""The indicator targets count every write as a change of the indicator figures shown beside
them (siv.figures)."""

from django.db import migrations

from siv.figures import track_sql, untrack_sql

TABLES = ("reporting_indicatortarget",)


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0007_narratives_per_sub_project"),
        ("siv", "0011_figure_changes"),
    ]

    operations = [
        migrations.RunSQL(
            "\n".join(track_sql(table) for table in TABLES),
            "\n".join(untrack_sql(table) for table in TABLES),
        ),
    ]
