"""The geography and the cluster memberships count every write as a change of the figures
grouped or scoped by them (siv.figures)."""

from django.db import migrations

from siv.figures import tracking

TABLES = (
    "partnerships_region",
    "partnerships_municipality",
    "partnerships_cluster",
    "partnerships_clustermembership",
)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0006_admin_grant"),
        ("siv", "0011_figure_changes"),
    ]

    operations = [
        tracking(*TABLES),
    ]
