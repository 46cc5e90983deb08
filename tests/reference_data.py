"""The migrated reference data for transactional tests: regions and the 98 municipalities,
the co-financing rate, and the business case's starting assumptions.

A transactional test ends with a flush that empties every table, data migrations' rows
included; a transactional test that needs them calls ensure_reference_data() first.
"""

from importlib import import_module

from django.apps import apps

from partnerships.models import Municipality

# Data migrations whose rows tests rely on: (module, function). Each is idempotent.
DATA_MIGRATIONS = [
    ("reporting.migrations.0003_seed_cofinancing_rate", "seed"),
    ("pbr.migrations.0003_business_case_assumptions", "forwards"),
    ("pbr.migrations.0007_dated_assumptions_and_targets", "mark_examples"),
]


def ensure_reference_data() -> None:
    if not Municipality.objects.exists():
        migration = import_module("partnerships.migrations.0002_regions_and_municipalities")
        migration.load(apps, None)
    for module, function in DATA_MIGRATIONS:
        getattr(import_module(module), function)(apps, None)


def restore_after_flush(item) -> None:
    """After a transactional test's teardown (its flush), put the reference data back.

    pytest-xdist hands out whole files by size, not in pytest-django's order, so tests that
    need the migrated rows can run after a transactional test in the same process.
    """
    from pytest_django.plugin import blocking_manager_key

    if item.get_closest_marker("django_db") is None:
        return
    with item.config.stash[blocking_manager_key].unblock():
        ensure_reference_data()
