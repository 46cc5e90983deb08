"""The migrated reference data (regions and the 98 municipalities) for transactional tests.

A transactional test ends with a flush that empties every table, data migrations' rows
included; serialized rollback brings them back, and this is the belt to its braces.
"""

from importlib import import_module

from django.apps import apps

from partnerships.models import Municipality


def ensure_reference_data() -> None:
    if Municipality.objects.exists():
        return
    migration = import_module("partnerships.migrations.0002_regions_and_municipalities")
    migration.load(apps, None)
