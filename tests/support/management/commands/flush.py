"""Django's flush, able to empty the append-only audit tables between transactional tests.

Transactional and browser tests end with a flush (TRUNCATE on PostgreSQL, DELETE on
SQLite), which the audit tables' triggers rightly refuse. This command, installed only in
the test settings, lifts those triggers as the table owner for the flush alone. Nothing
in the application can do the same: on PostgreSQL the application role does not own the
tables.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from tests.support.triggers import audit_triggers_lifted


class Command(FlushCommand):
    def handle(self, **options):
        with audit_triggers_lifted(connections[options["database"]]):
            return super().handle(**options)
