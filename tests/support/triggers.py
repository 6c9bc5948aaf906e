"""Lifting the audit tables' append-only triggers, as the table owner, in tests only.

Used by the test flush (transactional tests must empty the tables) and by the tests that
play an attacker who has got round the application to alter the record directly.
"""

from contextlib import contextmanager

AUDIT_TABLE_PREFIX = "audit_"


def _sqlite_triggers(cursor) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE %s",
        [AUDIT_TABLE_PREFIX + "%"],
    )
    return cursor.fetchall()


def _postgres_audit_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE %s",
        [AUDIT_TABLE_PREFIX + "%"],
    )
    return [row[0] for row in cursor.fetchall()]


@contextmanager
def audit_triggers_lifted(connection):
    """Inside the block, UPDATE, DELETE and TRUNCATE on audit tables go through."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            triggers = _sqlite_triggers(cursor)
            for name, _ in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
        else:
            # ALTER TABLE refuses while deferred foreign-key checks are pending in the
            # same transaction (as they are inside a test); run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            tables = _postgres_audit_tables(cursor)
            for table in tables:
                cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for _, sql in triggers:
                    cursor.execute(sql)
            else:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for table in tables:
                    cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
