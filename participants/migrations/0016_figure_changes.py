"""The participants' tables the reporting figures read count every write as a change of the
figures (siv.figures). A citizen's update counts only when it changes more than the contact
and identity columns no figure reads (a phone number edited, names re-encrypted)."""

from django.db import migrations

from siv.figures import tracking

TABLES = (
    "participants_visitation",
    "participants_exitform",
    "participants_pause",
    "participants_followup",
    "participants_competencecourse",
)

# The citizen's columns no figure reads: contact details, the encrypted identity and its
# search hashes, and the row's own bookkeeping.
UNREAD = "'cpr_encrypted', 'first_name', 'last_name', 'name_hashes', 'phone', 'email', "
UNREAD += "'address', 'updated_at', 'version'"

CITIZEN = f"""
CREATE FUNCTION participants_citizen_figures_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM new_rows n FULL JOIN old_rows o ON o.id = n.id
        WHERE o.id IS NULL OR n.id IS NULL
           OR to_jsonb(n) - ARRAY[{UNREAD}] IS DISTINCT FROM to_jsonb(o) - ARRAY[{UNREAD}]
    ) THEN
        INSERT INTO siv_figurechange (changes, folded) VALUES (1, FALSE);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER participants_citizen_figures AFTER INSERT OR DELETE OR TRUNCATE
    ON participants_citizen FOR EACH STATEMENT EXECUTE FUNCTION siv_figures_changed();
CREATE TRIGGER participants_citizen_figures_update AFTER UPDATE ON participants_citizen
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION participants_citizen_figures_changed();
"""

CITIZEN_REVERSE = """
DROP TRIGGER participants_citizen_figures_update ON participants_citizen;
DROP TRIGGER participants_citizen_figures ON participants_citizen;
DROP FUNCTION participants_citizen_figures_changed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0015_hours_group_municipality_index"),
        ("siv", "0011_figure_changes"),
    ]

    operations = [
        tracking(*TABLES),
        migrations.RunSQL(CITIZEN, CITIZEN_REVERSE),
    ]
