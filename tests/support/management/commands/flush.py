"""Django's flush, able to empty the append-only audit tables between transactional tests.

Transactional and browser tests end with a flush (TRUNCATE on PostgreSQL, DELETE on
SQLite), which the audit tables' triggers rightly refuse. This command, installed only in
the test settings, lifts those triggers as the table owner for the flush alone. Nothing
in the application can do the same: on PostgreSQL the application role does not own the
tables.

The flush also empties the reference lists a data migration loaded (types of concern, age
bands); they are loaded again so the next test finds the database as migrations left it.
"""

import importlib

from django.apps import apps
from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from referrals.services.grants import permissions_by_category
from tests.support.triggers import audit_triggers_lifted

REFERENCE_DATA_MIGRATIONS = ("referrals.migrations.0002_concern_types_and_age_bands",)


class Command(FlushCommand):
    def handle(self, **options):
        with audit_triggers_lifted(connections[options["database"]]):
            result = super().handle(**options)
        for name in REFERENCE_DATA_MIGRATIONS:
            importlib.import_module(name).load(apps, None)
        # Permissions come back with new ids after a flush.
        permissions_by_category.cache_clear()
        return result
