"""The hours statement's groups summed per month and municipality (participants.HoursGroupMonth),
kept by the fold (participants_hours_group_fold(), migration 0014) in its own transaction.

The fold now also notes the months of municipalities whose rows of changes it folded, and
sums those again from their folded groups; the clusters of a municipality are summed, as
the statement groups by municipality. The fold's lock (namespace 4730002) is the only
writer's, so the table needs no lock of its own. Readers take a month of a municipality
that has rows of changes from its groups instead, so the two never disagree.
"""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

# The month rows of municipalities touched by the fold summed again from their folded groups
# (a group with no citizens left is gone: the fold deletes it first).
RESUM = """
    DELETE FROM participants_hoursgroupmonth s
    USING unnest(months, municipalities) AS t(month, municipality_id)
    WHERE s.month = t.month AND s.municipality_id = t.municipality_id;
    INSERT INTO participants_hoursgroupmonth (month, municipality_id, groups, hours)
    SELECT month, municipality_id, COUNT(*), SUM(hours)
    FROM (
        SELECT g.month, g.municipality_id, g.benefit, g.kind, SUM(g.hours) AS hours
        FROM participants_hoursgroup g
        JOIN unnest(months, municipalities) AS t(month, municipality_id)
          ON g.month = t.month AND g.municipality_id = t.municipality_id
        WHERE g.folded
        GROUP BY 1, 2, 3, 4
        HAVING SUM(g.citizens) > 0
    ) grouped
    GROUP BY 1, 2;
"""

# The fold of migration 0014, which also notes the months of municipalities whose rows of
# changes it folded (from the rows its own statement took: a change written after it is
# folded next time, and read from the groups until then), and sums those again.
_GROUPS = import_module("participants.migrations.0014_hours_groups").GROUPS
FOLD_REVERSE = _GROUPS[_GROUPS.index("CREATE FUNCTION participants_hours_group_fold()") :].replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1
)


def _changed(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


FOLD = _changed(
    _changed(
        _changed(
            FOLD_REVERSE,
            "    changes bigint;\n",
            "    changes bigint;\n    months date[];\n    municipalities bigint[];\n",
        ),
        "    SELECT COALESCE(SUM(summed.changes), 0) INTO changes FROM summed;\n",
        """    SELECT COALESCE(SUM(touched.changes), 0), array_agg(touched.month),
           array_agg(touched.municipality_id)
    INTO changes, months, municipalities
    FROM (
        SELECT month, municipality_id, SUM(summed.changes) AS changes
        FROM summed GROUP BY 1, 2
    ) touched;
""",
    ),
    "    RETURN changes;\n",
    RESUM + "    RETURN changes;\n",
)

# The groups already folded, summed once. No fold runs meanwhile.
BACKFILL = """
SELECT pg_advisory_xact_lock(4730002);
INSERT INTO participants_hoursgroupmonth (month, municipality_id, groups, hours)
SELECT month, municipality_id, COUNT(*), SUM(hours)
FROM (
    SELECT month, municipality_id, benefit, kind, SUM(hours) AS hours
    FROM participants_hoursgroup WHERE folded
    GROUP BY 1, 2, 3, 4
    HAVING SUM(citizens) > 0
) grouped
GROUP BY 1, 2;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0016_figure_changes"),
        ("partnerships", "0006_admin_grant"),
    ]

    operations = [
        migrations.CreateModel(
            name="HoursGroupMonth",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("month", models.DateField()),
                ("groups", models.IntegerField()),
                ("hours", models.DecimalField(decimal_places=2, max_digits=16)),
                (
                    "municipality",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="partnerships.municipality",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("month", "municipality"), name="uniq_hours_group_month"
                    )
                ],
            },
        ),
        migrations.RunSQL(FOLD + BACKFILL, FOLD_REVERSE),
    ]
