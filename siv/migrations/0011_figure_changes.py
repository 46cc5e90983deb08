"""The figures' changes and cache (siv.figures): the trigger function every tracked table
calls, the fold, and a new epoch whenever the change table is emptied (a test database's
flush, a restore): a generation counted again from nought never meets figures cached before."""

import django.utils.timezone
from django.db import migrations, models

EPOCH = "floor(random() * 9007199254740991)::bigint"

FUNCTIONS = f"""
CREATE FUNCTION siv_figures_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO siv_figurechange (changes, folded) VALUES (1, FALSE);
    RETURN NULL;
END
$$;

CREATE FUNCTION siv_figures_fold() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    folded_changes bigint;
BEGIN
    PERFORM pg_advisory_xact_lock(4730003);
    WITH gone AS (DELETE FROM siv_figurechange WHERE NOT folded RETURNING changes)
    SELECT COALESCE(SUM(changes), 0) INTO folded_changes FROM gone;
    INSERT INTO siv_figurechange AS f (changes, folded, epoch) VALUES (folded_changes, TRUE, {EPOCH})
    ON CONFLICT (folded) WHERE folded DO UPDATE SET changes = f.changes + EXCLUDED.changes;
    RETURN folded_changes;
END
$$;

CREATE FUNCTION siv_figures_new_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM siv_figurecache;
    INSERT INTO siv_figurechange (changes, folded, epoch) VALUES (0, TRUE, {EPOCH})
    ON CONFLICT (folded) WHERE folded DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER siv_figures_emptied AFTER TRUNCATE ON siv_figurechange
    FOR EACH STATEMENT EXECUTE FUNCTION siv_figures_new_epoch();

INSERT INTO siv_figurechange (changes, folded, epoch) VALUES (0, TRUE, {EPOCH});
"""

FUNCTIONS_REVERSE = """
DROP TRIGGER siv_figures_emptied ON siv_figurechange;
DROP FUNCTION siv_figures_new_epoch();
DROP FUNCTION siv_figures_fold();
DROP FUNCTION siv_figures_changed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("siv", "0010_totp_seeds_encrypted"),
    ]

    operations = [
        migrations.CreateModel(
            name="FigureCache",
            fields=[
                ("key", models.CharField(max_length=400, primary_key=True, serialize=False)),
                ("generation", models.CharField(max_length=60)),
                ("value", models.BinaryField()),
                ("computed_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.CreateModel(
            name="FigureChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("changes", models.BigIntegerField(default=1)),
                ("folded", models.BooleanField(default=False)),
                ("epoch", models.BigIntegerField(null=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("folded", True)),
                        fields=("folded",),
                        name="uniq_figure_folded",
                    )
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS, FUNCTIONS_REVERSE),
    ]
