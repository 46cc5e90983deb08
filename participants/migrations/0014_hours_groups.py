"""The hours statement's groups (participants.HoursGroup), kept by the database itself.

The groups (month, municipality, cluster, benefit type, kind) sum the monthly roll-up's rows
(participants_hoursmonth, migration 0004), so they follow every write to the weekly hours
through it, and the citizens' municipality, cluster and benefit type, which the grouping
reads from the citizen: a statement that changes them moves the citizen's month rows from
the old group to the new one.

The triggers only insert rows of changes: the groups are shared by every writer, and an
update of a group row would make two writers of different citizens wait for each other,
and deadlock when each transaction writes its groups in another order (the weekly grid
saves a row at a time). participants_hours_group_fold() sums the changes into one folded
row per group; only it updates folded rows, one fold at a time (an advisory lock of its
own, namespace 4730002), each fold's upsert in the groups' order.

A change of a citizen's grouping takes the citizen's share lock (namespace 4730001, see
migration 0004) before it reads their month rows, so an hours writer of the same citizen
either finished before (and its rows are moved) or reads the new grouping after.
"""


import django.db.models.deletion
from django.db import migrations, models


# The month rows already rolled up, folded once. The writers wait until the triggers exist.
BACKFILL = """
LOCK TABLE participants_hoursentry, participants_hoursmonth, participants_citizen IN SHARE MODE;
INSERT INTO participants_hoursgroup
    (month, municipality_id, cluster_id, benefit, kind, hours, citizens, folded)
SELECT m.month, c.municipality_id, c.cluster_id, c.benefit, m.kind, SUM(m.hours), COUNT(*), TRUE
FROM participants_hoursmonth m JOIN participants_citizen c ON c.id = m.citizen_id
GROUP BY 1, 2, 3, 4, 5;
"""

GROUPS = """
CREATE FUNCTION participants_hours_group_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Each month row written counts +1 with its hours, each one gone -1 with minus its
    -- hours; an update is both (the month totals' update sums to nothing and adds no row).
    IF TG_OP = 'INSERT' THEN
        INSERT INTO participants_hoursgroup
            (month, municipality_id, cluster_id, benefit, kind, hours, citizens, folded)
        SELECT m.month, c.municipality_id, c.cluster_id, c.benefit, m.kind,
               SUM(m.hours), COUNT(*), FALSE
        FROM new_rows m JOIN participants_citizen c ON c.id = m.citizen_id
        GROUP BY 1, 2, 3, 4, 5;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO participants_hoursgroup
            (month, municipality_id, cluster_id, benefit, kind, hours, citizens, folded)
        SELECT m.month, c.municipality_id, c.cluster_id, c.benefit, m.kind,
               -SUM(m.hours), -COUNT(*), FALSE
        FROM old_rows m JOIN participants_citizen c ON c.id = m.citizen_id
        GROUP BY 1, 2, 3, 4, 5;
    ELSE
        -- Summed, not joined row by row: a transition table has no index.
        INSERT INTO participants_hoursgroup
            (month, municipality_id, cluster_id, benefit, kind, hours, citizens, folded)
        SELECT m.month, c.municipality_id, c.cluster_id, c.benefit, m.kind,
               SUM(m.hours), SUM(m.sign), FALSE
        FROM (
            SELECT citizen_id, month, kind, SUM(hours) AS hours, COUNT(*) AS sign
            FROM new_rows GROUP BY 1, 2, 3
            UNION ALL
            SELECT citizen_id, month, kind, -SUM(hours), -COUNT(*)
            FROM old_rows GROUP BY 1, 2, 3
        ) m JOIN participants_citizen c ON c.id = m.citizen_id
        GROUP BY 1, 2, 3, 4, 5
        HAVING SUM(m.hours) <> 0 OR SUM(m.sign) <> 0;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER participants_hours_group_insert AFTER INSERT ON participants_hoursmonth
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION participants_hours_group_apply();
CREATE TRIGGER participants_hours_group_update AFTER UPDATE ON participants_hoursmonth
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION participants_hours_group_apply();
CREATE TRIGGER participants_hours_group_delete AFTER DELETE ON participants_hoursmonth
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION participants_hours_group_apply();

CREATE FUNCTION participants_hours_group_citizen_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    moved bigint[];
    share integer;
BEGIN
    SELECT array_agg(id ORDER BY id) INTO moved FROM (
        SELECT id, municipality_id, cluster_id, benefit FROM new_rows
        EXCEPT
        SELECT id, municipality_id, cluster_id, benefit FROM old_rows
    ) changed;
    IF moved IS NULL THEN
        RETURN NULL;
    END IF;
    FOR share IN SELECT DISTINCT CAST(mod(id, 256) AS integer) FROM unnest(moved) AS id ORDER BY 1
    LOOP
        PERFORM pg_advisory_xact_lock(4730001, share);
    END LOOP;
    INSERT INTO participants_hoursgroup
        (month, municipality_id, cluster_id, benefit, kind, hours, citizens, folded)
    SELECT m.month, c.municipality_id, c.cluster_id, c.benefit, m.kind,
           SUM(m.hours * c.sign), SUM(c.sign), FALSE
    FROM (
        SELECT id, municipality_id, cluster_id, benefit, -1 AS sign
        FROM old_rows WHERE id = ANY (moved)
        UNION ALL
        SELECT id, municipality_id, cluster_id, benefit, 1 FROM new_rows WHERE id = ANY (moved)
    ) c JOIN participants_hoursmonth m ON m.citizen_id = c.id
    GROUP BY 1, 2, 3, 4, 5;
    RETURN NULL;
END
$$;
CREATE TRIGGER participants_hours_group_citizen AFTER UPDATE ON participants_citizen
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION participants_hours_group_citizen_moved();

CREATE FUNCTION participants_hours_group_fold() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    changes bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(4730002);
    WITH gone AS (
        DELETE FROM participants_hoursgroup WHERE NOT folded
        RETURNING month, municipality_id, cluster_id, benefit, kind, hours, citizens
    ), summed AS (
        SELECT month, municipality_id, cluster_id, benefit, kind,
               SUM(hours) AS hours, SUM(citizens) AS citizens, COUNT(*) AS changes
        FROM gone GROUP BY 1, 2, 3, 4, 5
    ), folded AS (
        INSERT INTO participants_hoursgroup AS g
            (month, municipality_id, cluster_id, benefit, kind, hours, citizens, folded)
        SELECT month, municipality_id, cluster_id, benefit, kind, hours, citizens, TRUE
        FROM summed ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (month, municipality_id, cluster_id, benefit, kind) WHERE folded
        DO UPDATE SET hours = g.hours + EXCLUDED.hours, citizens = g.citizens + EXCLUDED.citizens
    )
    SELECT COALESCE(SUM(summed.changes), 0) INTO changes FROM summed;
    -- A group whose last month row went.
    DELETE FROM participants_hoursgroup WHERE folded AND citizens = 0;
    RETURN changes;
END
$$;
"""

GROUPS_REVERSE = """
DROP TRIGGER participants_hours_group_insert ON participants_hoursmonth;
DROP TRIGGER participants_hours_group_update ON participants_hoursmonth;
DROP TRIGGER participants_hours_group_delete ON participants_hoursmonth;
DROP TRIGGER participants_hours_group_citizen ON participants_citizen;
DROP FUNCTION participants_hours_group_apply();
DROP FUNCTION participants_hours_group_citizen_moved();
DROP FUNCTION participants_hours_group_fold();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('participants', '0013_free_text_encrypted'),
        ('partnerships', '0006_admin_grant'),
    ]

    operations = [
        migrations.CreateModel(
            name='HoursGroup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('benefit', models.CharField(max_length=40)),
                ('kind', models.CharField(choices=[('training', 'Træning hos aktøren'), ('home_training', 'Hjemmetræning'), ('practice', 'Praktik i virksomhed'), ('paid', 'Lønnet arbejde'), ('education', 'Uddannelse/kompetenceløft')], max_length=20)),
                ('hours', models.DecimalField(decimal_places=2, max_digits=14)),
                ('citizens', models.IntegerField()),
                ('folded', models.BooleanField(default=False)),
                ('cluster', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='partnerships.cluster')),
                ('municipality', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='partnerships.municipality')),
            ],
            options={
                'indexes': [models.Index(fields=['month'], name='hours_group_month_idx'), models.Index(condition=models.Q(('folded', False)), fields=['id'], name='hours_group_changes_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('folded', True)), fields=('month', 'municipality', 'cluster', 'benefit', 'kind'), name='uniq_hours_group_folded')],
            },
        ),
        migrations.RunSQL(BACKFILL + GROUPS, GROUPS_REVERSE),
    ]
