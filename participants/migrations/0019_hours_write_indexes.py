"""The weekly hours and their monthly roll-up lose the indexes no read uses: each table's
citizen index (the unique citizen, week (month) and kind leads with the citizen and serves
every read by citizen) and the weekly rows' registering user's (nothing reads by it; a
deletion of a user, which the app never does, scans). Every write of hours (the grid, an
upload, an import, and the roll-up's trigger after each) maintained them.

Only the indexes go: the foreign keys stay as they are (altering the fields in the database
would drop and add them again, checking every row)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEXES = [
    ("participants_hoursentry", "citizen_id", "participants_hoursentry_citizen_id_5903be80"),
    (
        "participants_hoursentry",
        "registered_by_id",
        "participants_hoursentry_registered_by_id_811b731f",
    ),
    ("participants_hoursmonth", "citizen_id", "participants_hoursmonth_citizen_id_572aef3b"),
]


class Migration(migrations.Migration):

    dependencies = [
        ('participants', '0018_hours_month_single_write'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state = [
        migrations.AlterField(
            model_name='hoursentry',
            name='citizen',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='hours', to='participants.citizen'),
        ),
        migrations.AlterField(
            model_name='hoursentry',
            name='registered_by',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='hoursmonth',
            name='citizen',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='participants.citizen'),
        ),
    ]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=state,
            database_operations=[
                migrations.RunSQL(f"DROP INDEX {name}", f"CREATE INDEX {name} ON {table} ({column})")
                for table, column, name in INDEXES
            ],
        )
    ]
