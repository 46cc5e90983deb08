"""The monthly roll-up of the weekly hours, kept by the database itself.

The roll-up follows every write to the weekly rows: one trigger per statement, over the
statement's transition tables, so a COPY of a million rows adds one grouped upsert, not a
million. A month's row goes when its last weekly row goes; the citizen's month total is
summed again for each citizen and month the statement touched.

Two statements writing the same citizen's hours at once (the weekly grid saved while an
upload runs) could each hold some of the citizen's month rows and wait for the other's: the
upsert locks the kinds it writes, the month total then every kind of those months. So the
roll-up first takes transaction locks on the citizens it touches, in order, and writers of
one citizen's hours take turns. A lock stands for a share of the citizens (their id modulo
256): a COPY of 50,000 citizens' weeks takes 256 locks, not 50,000 (which would exhaust
PostgreSQL's lock table); two writers of different citizens wait for each other only when
their citizens share a lock, 1 in 256, and then only for a statement. The two-key advisory
locks (namespace 4730001) are a key space of their own, apart from the ledger's one-key lock.
"""

import django.db.models.deletion
from django.db import migrations, models

# The hours already logged, rolled up once.
BACKFILL = """
INSERT INTO participants_hoursmonth (citizen_id, month, kind, hours, entries, month_total)
SELECT citizen_id, CAST(date_trunc('month', week_start) AS date), kind, SUM(hours), COUNT(*),
       SUM(SUM(hours)) OVER (PARTITION BY citizen_id, CAST(date_trunc('month', week_start) AS date))
FROM participants_hoursentry GROUP BY 1, 2, 3;
"""

ROLL_UP = """
CREATE FUNCTION participants_hours_month_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    citizens bigint[] := '{}';
    months date[] := '{}';
    shares integer[] := '{}';
    share integer;
BEGIN
    -- Writers of one citizen's hours take turns: transaction locks on the shares of the
    -- citizens the statement touches, taken in order (see the module's docstring).
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT shares || array_agg(s) INTO shares
        FROM (SELECT DISTINCT CAST(mod(citizen_id, 256) AS integer) AS s
              FROM new_rows) written;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT shares || array_agg(s) INTO shares
        FROM (SELECT DISTINCT CAST(mod(citizen_id, 256) AS integer) AS s
              FROM old_rows) written;
    END IF;
    FOR share IN SELECT DISTINCT s FROM unnest(shares) AS s WHERE s IS NOT NULL ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(4730001, share);
    END LOOP;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO participants_hoursmonth AS m
            (citizen_id, month, kind, hours, entries, month_total)
        SELECT citizen_id, CAST(date_trunc('month', week_start) AS date), kind,
               SUM(hours), COUNT(*), 0
        FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (citizen_id, month, kind) DO UPDATE
        SET hours = m.hours + EXCLUDED.hours, entries = m.entries + EXCLUDED.entries;
        SELECT citizens || array_agg(citizen_id), months || array_agg(month)
        INTO citizens, months
        FROM (SELECT DISTINCT citizen_id, CAST(date_trunc('month', week_start) AS date) AS month
              FROM new_rows) touched;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE participants_hoursmonth m
        SET hours = m.hours - gone.hours, entries = m.entries - gone.entries
        FROM (
            SELECT citizen_id, CAST(date_trunc('month', week_start) AS date) AS month, kind,
                   SUM(hours) AS hours, COUNT(*) AS entries
            FROM old_rows GROUP BY 1, 2, 3
        ) gone
        WHERE m.citizen_id = gone.citizen_id AND m.month = gone.month AND m.kind = gone.kind;
        DELETE FROM participants_hoursmonth WHERE entries = 0 AND (citizen_id, month) IN (
            SELECT citizen_id, CAST(date_trunc('month', week_start) AS date) FROM old_rows
        );
        SELECT citizens || array_agg(citizen_id), months || array_agg(month)
        INTO citizens, months
        FROM (SELECT DISTINCT citizen_id, CAST(date_trunc('month', week_start) AS date) AS month
              FROM old_rows) touched;
    END IF;
    UPDATE participants_hoursmonth m SET month_total = totals.total
    FROM (
        SELECT s.citizen_id, s.month, SUM(s.hours) AS total
        FROM participants_hoursmonth s
        JOIN (SELECT DISTINCT * FROM unnest(citizens, months) AS t(citizen_id, month)) touched
          ON touched.citizen_id = s.citizen_id AND touched.month = s.month
        GROUP BY s.citizen_id, s.month
    ) totals
    WHERE m.citizen_id = totals.citizen_id AND m.month = totals.month
      AND m.month_total IS DISTINCT FROM totals.total;
    RETURN NULL;
END
$$;
CREATE TRIGGER participants_hours_month_insert AFTER INSERT ON participants_hoursentry
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION participants_hours_month_apply();
CREATE TRIGGER participants_hours_month_update AFTER UPDATE ON participants_hoursentry
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION participants_hours_month_apply();
CREATE TRIGGER participants_hours_month_delete AFTER DELETE ON participants_hoursentry
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION participants_hours_month_apply();
"""
ROLL_UP_REVERSE = """
DROP TRIGGER participants_hours_month_insert ON participants_hoursentry;
DROP TRIGGER participants_hours_month_update ON participants_hoursentry;
DROP TRIGGER participants_hours_month_delete ON participants_hoursentry;
DROP FUNCTION participants_hours_month_apply();
"""


class Migration(migrations.Migration):

    replaces = [
        ("participants", "0004_hours_month"),
        ("participants", "0005_hours_month_citizen_lock"),
    ]

    dependencies = [
        ("participants", "0003_citizen_name_order_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name='HoursMonth',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('kind', models.CharField(choices=[('training', 'Træning hos aktøren'), ('home_training', 'Hjemmetræning'), ('practice', 'Praktik i virksomhed'), ('paid', 'Lønnet arbejde'), ('education', 'Uddannelse/kompetenceløft')], max_length=20)),
                ('hours', models.DecimalField(decimal_places=2, max_digits=9)),
                ('entries', models.PositiveIntegerField()),
                ('month_total', models.DecimalField(decimal_places=2, max_digits=9)),
                ('citizen', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='participants.citizen')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('citizen', 'month', 'kind'), name='uniq_hours_month_citizen_kind')],
            },
        ),
        migrations.RunSQL(BACKFILL + ROLL_UP, ROLL_UP_REVERSE),
    ]
