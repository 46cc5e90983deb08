"""The companies, their financials and the camps count every write as a change of the
reporting figures that read them (siv.figures: C01–C04)."""

from django.db import migrations

from siv.figures import tracking

TABLES = ("accelerator_company", "accelerator_companyfinancial", "accelerator_camp")


class Migration(migrations.Migration):
    dependencies = [
        ("accelerator", "0006_job_openings_contact_log"),
        ("siv", "0011_figure_changes"),
    ]

    operations = [
        tracking(*TABLES),
    ]
