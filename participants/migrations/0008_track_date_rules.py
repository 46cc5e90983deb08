"""The track's date rules that hold inside one row, as CHECK constraints added NOT VALID:
new and changed rows must obey them, rows stored before them stay (the data-quality screen
lists those) and the migration does not scan or stop on them."""

from django.db import migrations, models
from django.db.models import F, Q


def later_or_empty(later: str, earlier: str, name: str):
    return models.CheckConstraint(
        condition=Q(**{f"{later}__isnull": True})
        | Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__gte": F(earlier)}),
        name=name,
    )


PHASE_ORDER_CONSTRAINTS = (
    later_or_empty("phase2_start", "phase1_start", "citizen_phase2_not_before_phase1"),
    later_or_empty("phase3_start", "phase1_start", "citizen_phase3_not_before_phase1"),
    later_or_empty("phase3_start", "phase2_start", "citizen_phase3_not_before_phase2"),
)
START_AFTER_PROPOSAL = models.CheckConstraint(
    condition=Q(start_on__isnull=True) | Q(start_on__gte=F("proposed_on")),
    name="visitation_start_not_before_proposal",
)


def not_valid(model: str, table: str, constraint):
    later, earlier = {
        "citizen_phase2_not_before_phase1": ("phase2_start", "phase1_start"),
        "citizen_phase3_not_before_phase1": ("phase3_start", "phase1_start"),
        "citizen_phase3_not_before_phase2": ("phase3_start", "phase2_start"),
        "visitation_start_not_before_proposal": ("start_on", "proposed_on"),
    }[constraint.name]
    check = f"{later} IS NULL OR {earlier} IS NULL OR {later} >= {earlier}"
    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AddConstraint(model_name=model, constraint=constraint)],
        database_operations=[
            migrations.RunSQL(
                f"ALTER TABLE {table} ADD CONSTRAINT {constraint.name} CHECK ({check}) NOT VALID",
                f"ALTER TABLE {table} DROP CONSTRAINT {constraint.name}",
            )
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("participants", "0007_version")]

    operations = [
        *(not_valid("citizen", "participants_citizen", c) for c in PHASE_ORDER_CONSTRAINTS),
        not_valid("visitation", "participants_visitation", START_AFTER_PROPOSAL),
    ]
