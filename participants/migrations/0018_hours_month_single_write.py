"""The monthly roll-up writes each month row once per statement.

Migration 0004's trigger upserted the kinds' sums with a month total of 0, then updated
every row of the touched months with the total summed again from the month rows: each new
row was written twice, and the hours statement's group trigger (0014) ran over both writes.
Here the statement's rows are summed once into a change per citizen, month and kind (an
update of the weekly rows is its new rows less its old ones), merged with the stored month
rows of the touched months, and each month row is written once with its final hours,
entries and month total; a row left without entries is deleted. A statement that changes
no hours (an upsert whose conflicts all kept their hours) writes nothing.

The locks are as in 0004: the shares of the citizens whose hours change, in order, before
the month rows are read, so a writer of the same citizen reads what the other wrote.
"""

from importlib import import_module

from django.db import migrations

ROLL_UP = """
CREATE OR REPLACE FUNCTION participants_hours_month_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    citizens bigint[];
    months date[];
    kinds text[];
    sums numeric[];
    counts bigint[];
    share integer;
BEGIN
    -- The statement's change per citizen, month and kind, summed once.
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(citizen_id), array_agg(month), array_agg(kind), array_agg(hours),
               array_agg(entries)
        INTO citizens, months, kinds, sums, counts
        FROM (SELECT citizen_id, CAST(date_trunc('month', week_start) AS date) AS month, kind,
                     SUM(hours) AS hours, COUNT(*) AS entries
              FROM new_rows GROUP BY 1, 2, 3) change;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(citizen_id), array_agg(month), array_agg(kind), array_agg(hours),
               array_agg(entries)
        INTO citizens, months, kinds, sums, counts
        FROM (SELECT citizen_id, CAST(date_trunc('month', week_start) AS date) AS month, kind,
                     -SUM(hours) AS hours, -COUNT(*) AS entries
              FROM old_rows GROUP BY 1, 2, 3) change;
    ELSE
        SELECT array_agg(citizen_id), array_agg(month), array_agg(kind), array_agg(hours),
               array_agg(entries)
        INTO citizens, months, kinds, sums, counts
        FROM (SELECT citizen_id, CAST(date_trunc('month', week_start) AS date) AS month, kind,
                     SUM(sign * hours) AS hours, SUM(sign) AS entries
              FROM (SELECT citizen_id, week_start, kind, hours, 1 AS sign FROM new_rows
                    UNION ALL
                    SELECT citizen_id, week_start, kind, hours, -1 FROM old_rows) rows
              GROUP BY 1, 2, 3
              HAVING SUM(sign * hours) <> 0 OR SUM(sign) <> 0) change;
    END IF;
    IF citizens IS NULL THEN
        RETURN NULL;
    END IF;
    -- Writers of one citizen's hours take turns (migration 0004's docstring).
    FOR share IN SELECT DISTINCT CAST(mod(id, 256) AS integer) FROM unnest(citizens) AS id
                 ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(4730001, share);
    END LOOP;
    WITH change AS (
        SELECT * FROM unnest(citizens, months, kinds, sums, counts)
            AS c(citizen_id, month, kind, hours, entries)
    ), merged AS (
        SELECT citizen_id, month, kind, SUM(hours) AS hours, SUM(entries) AS entries
        FROM (
            SELECT m.citizen_id, m.month, m.kind, m.hours, CAST(m.entries AS bigint)
            FROM participants_hoursmonth m
            JOIN (SELECT DISTINCT citizen_id, month FROM change) touched
              ON touched.citizen_id = m.citizen_id AND touched.month = m.month
            UNION ALL
            SELECT citizen_id, month, kind, hours, entries FROM change
        ) rows
        GROUP BY 1, 2, 3
    ), gone AS (
        DELETE FROM participants_hoursmonth m
        USING merged
        WHERE merged.entries = 0 AND m.citizen_id = merged.citizen_id
          AND m.month = merged.month AND m.kind = merged.kind
    )
    INSERT INTO participants_hoursmonth AS m
        (citizen_id, month, kind, hours, entries, month_total)
    SELECT citizen_id, month, kind, hours, entries,
           SUM(hours) OVER (PARTITION BY citizen_id, month)
    FROM merged WHERE entries > 0
    ORDER BY 1, 2, 3
    ON CONFLICT (citizen_id, month, kind) DO UPDATE
    SET hours = EXCLUDED.hours, entries = EXCLUDED.entries, month_total = EXCLUDED.month_total
    WHERE (m.hours, m.entries, m.month_total)
          IS DISTINCT FROM (EXCLUDED.hours, EXCLUDED.entries, EXCLUDED.month_total);
    RETURN NULL;
END
$$;
"""

# Back to migration 0004's function, as it was (its triggers stay).
_FIRST = import_module("participants.migrations.0004_squashed_0005_hours_month")
ROLL_UP_REVERSE = _FIRST.ROLL_UP.split("CREATE TRIGGER", 1)[0].replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
)


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0017_hours_group_months"),
    ]

    operations = [migrations.RunSQL(ROLL_UP, ROLL_UP_REVERSE)]
