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

# Migration 0004's function, as it was.
ROLL_UP_REVERSE = """
CREATE OR REPLACE FUNCTION participants_hours_month_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    citizens bigint[] := '{}';
    months date[] := '{}';
    shares integer[] := '{}';
    share integer;
BEGIN
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
"""


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0015_hours_group_municipality_index"),
    ]

    operations = [migrations.RunSQL(ROLL_UP, ROLL_UP_REVERSE)]
