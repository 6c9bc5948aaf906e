"""On PostgreSQL the application role cannot rewrite history, even with raw SQL: it may
read and append to the audit tables, and nothing else."""

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from audit.event_types import EventType
from audit.record.chain import append_event

APP_ROLE = "prevent_app_test"

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def app_cursor():
    if connection.vendor != "postgresql":
        pytest.skip("database roles exist only on PostgreSQL")
    with connection.cursor() as cursor:
        # Roles are cluster-wide; parallel test workers may race to create it.
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {APP_ROLE} LOGIN; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
    call_command("grant_app_role", "--role", APP_ROLE, stdout=None)
    append_event(event_type=EventType.SIGN_OUT, actor=None, agency=None)
    settings = connection.settings_dict
    app = psycopg2.connect(
        dbname=settings["NAME"],
        user=APP_ROLE,
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
    )
    app.autocommit = True
    yield app.cursor()
    app.close()


def test_application_role_reads_and_appends(app_cursor):
    app_cursor.execute("SELECT count(*) FROM audit_auditevent")
    assert app_cursor.fetchone() == (1,)
    # Working tables that are not the record stay writable: verification runs progress.
    app_cursor.execute("UPDATE audit_verificationrun SET status = 'running' WHERE false")


@pytest.mark.parametrize(
    ("statement", "refusal"),
    [
        ("UPDATE audit_auditevent SET type = 'auth.sign_in'", "permission denied"),
        ("DELETE FROM audit_auditevent", "permission denied"),
        ("TRUNCATE audit_auditevent", "permission denied"),
        ("DELETE FROM audit_sharingdecision", "permission denied"),
        ("ALTER TABLE audit_auditevent DISABLE TRIGGER USER", "must be owner"),
        ("DROP TRIGGER audit_auditevent_append_only ON audit_auditevent", "must be owner"),
        ("SET session_replication_role = replica", "permission denied"),
    ],
)
def test_application_role_cannot_get_round_the_protection(app_cursor, statement, refusal):
    with pytest.raises(psycopg2.Error, match=refusal):
        app_cursor.execute(statement)
    app_cursor.execute("SELECT count(*) FROM audit_auditevent")
    assert app_cursor.fetchone() == (1,)
