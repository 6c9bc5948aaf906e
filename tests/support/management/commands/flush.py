"""Django's flush, able to empty the append-only audit tables between transactional tests.

Transactional and browser tests end with a flush (TRUNCATE on PostgreSQL, DELETE on
SQLite), which the audit tables' triggers rightly refuse. This command, installed only in
the test settings, lifts those triggers as the table owner for the flush alone. Nothing
in the application can do the same: on PostgreSQL the application role does not own the
tables.

The flush also empties the reference lists a data migration loaded (types of concern, age
bands, the 2012 assessment framework); they are loaded again so the next test finds the
database as migrations left it.
"""

import importlib

from django.apps import apps
from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from referrals.services.grants import permissions_by_category
from tests.support.triggers import audit_triggers_lifted

# Each data migration, and the function of it that loads its data.
REFERENCE_DATA_MIGRATIONS = {
    "referrals.migrations.0002_concern_types_and_age_bands": "load",
    "panels.migrations.0002_vulnerability_assessment_framework_2012": "seed",
}


class Command(FlushCommand):
    def handle(self, **options):
        with audit_triggers_lifted(connections[options["database"]]):
            result = super().handle(**options)
        for name, loader in REFERENCE_DATA_MIGRATIONS.items():
            getattr(importlib.import_module(name), loader)(apps, None)
        # Permissions come back with new ids after a flush.
        permissions_by_category.cache_clear()
        return result
