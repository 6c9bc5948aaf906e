"""The hash chain: every event links to the one before, and history cannot be rewritten."""

import itertools

import pytest
from django.db import DatabaseError, connection, transaction

from audit.event_types import EventType
from audit.models import AuditEvent
from audit.record.canonical import GENESIS_HASH, event_hash
from audit.record.chain import PayloadRejected, append_event
from audit.record.verification import verify_chain

pytestmark = pytest.mark.django_db


def _append(n: int) -> list[AuditEvent]:
    return [
        append_event(
            event_type=EventType.GRANTS_REBUILT,
            actor=None,
            agency=None,
            payload={"added": i, "removed": 0, "unchanged": 0},
        )
        for i in range(n)
    ]


def test_events_form_a_gap_free_linked_chain():
    events = _append(5)
    assert [event.seq for event in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == GENESIS_HASH
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    stored = AuditEvent.objects.get(seq=3)
    assert event_hash(stored.__dict__) == stored.hash


def test_payload_keys_outside_the_registry_are_refused_and_nothing_is_written():
    with pytest.raises(PayloadRejected, match="may not carry"):
        append_event(
            event_type=EventType.CASE_VIEWED,
            actor=None,
            agency=None,
            payload={"categories": [], "subject_name": "Alex"},
        )
    assert not AuditEvent.objects.exists()


def test_floats_have_no_canonical_form():
    with pytest.raises(PayloadRejected, match="floats"):
        append_event(
            event_type=EventType.EXPORT_PRODUCED,
            actor=None,
            agency=None,
            payload={"rows": 1.5},
        )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET type = 'auth.sign_in' WHERE seq = 1",
        "DELETE FROM audit_auditevent WHERE seq = 1",
        "DELETE FROM audit_auditevent",
    ],
)
def test_database_refuses_to_rewrite_history(statement):
    _append(2)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 2


@pytest.mark.postgres_only
def test_postgresql_refuses_truncate():
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    _append(1)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.count() == 1


def test_payload_text_that_needs_escaping_is_stored_and_hashed_as_given():
    """Quotes, backslashes, tabs, newlines and non-ASCII letters survive the append (COPY on
    PostgreSQL) unchanged, and the stored event hashes to what was appended."""
    team = 'Tîm "Atal" \\ Ynys\tMôn\n\u2028🏴'
    event = append_event(
        event_type=EventType.EXPORT_PRODUCED,
        actor=None,
        agency=None,
        payload={"export": "caseload", "rows": 3, "filters": {"team": team}, "format": "csv"},
    )

    stored = AuditEvent.objects.get(seq=event.seq)
    assert stored.payload["filters"]["team"] == team
    assert (stored.hash, stored.created_at) == (event.hash, event.created_at)
    assert event_hash(stored.__dict__) == stored.hash
    assert verify_chain([]).ok
