"""Give the application's database role what it needs, and no more, on PostgreSQL.

Run as the owner of the tables, after every `migrate`. The web and worker processes then
connect as the application role: it reads and writes case tables, but on the audit
tables it may only SELECT and INSERT. Because it does not own them it cannot drop or
disable their triggers, and without superuser it cannot set session_replication_role.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg2 import sql

from audit.models import APPEND_ONLY_MODELS


class Command(BaseCommand):
    help = "Grant the application role its privileges (PostgreSQL; run as the table owner)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--role", required=True, help="The application's database role.")

    def handle(self, *args, role: str, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles exist only on PostgreSQL.")
        audit_tables = [model._meta.db_table for model in APPEND_ONLY_MODELS]
        name = sql.Identifier(role)
        statements = [
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
            sql.SQL(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}"
            ).format(name),
            sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(
                name
            ),
            *(
                sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                    sql.Identifier(table), name
                )
                for table in audit_tables
            ),
            # Schema changes belong to migrations, run as the owner.
            sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(name),
        ]
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        self.stdout.write(
            f"Granted {role} its privileges; audit tables ({len(audit_tables)}) are "
            "SELECT and INSERT only."
        )
