"""On PostgreSQL the database links each batch of events (audit_chain_append): it must place
and hash every event exactly as the canonical form does, whatever its strings and payload
hold, and never give an event a time before the head's."""

import datetime
import uuid

import pytest
from django.db import connection, transaction

from audit.models import AuditEvent
from audit.record.canonical import canonical_value, event_body, event_hash
from audit.record.chain import _Pending, _write_batch, chain_head
from audit.record.verification import verify_chain
from tests.audit.test_event_text import AWKWARD_TEXT

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the function is PostgreSQL's"),
]


def _pending(event_type: str, payload: dict, **fields) -> _Pending:
    payload = canonical_value(payload)
    event = AuditEvent(type=event_type, payload=payload, **fields)
    return _Pending(event, event_body(event_type=event_type, payload=payload, **fields))


def _batch() -> list[_Pending]:
    return [
        _pending(
            AWKWARD_TEXT,
            {"note": AWKWARD_TEXT, "wide": 2**70, "nested": {"b": [1, "x", None], "a": True}},
            actor=None,
            agency=uuid.uuid4(),
            target_type=AWKWARD_TEXT,
            target_id=None,
        ),
        _pending(
            "case.viewed", {}, actor=uuid.uuid4(), agency=None, target_type="", target_id=None
        ),
        _pending(
            "referral.shared",
            {"categories": ["identity", "risk"]},
            actor=uuid.uuid4(),
            agency=uuid.uuid4(),
            target_type="referral",
            target_id=uuid.uuid4(),
        ),
    ]


def _stored(seq: int) -> dict:
    return AuditEvent.objects.filter(seq=seq).values().get()


def test_the_database_places_and_hashes_a_batch_as_the_canonical_form_does():
    with transaction.atomic():
        _write_batch(first := _batch())
    with transaction.atomic():
        _write_batch(second := _batch())

    events = [item.event for item in first + second]
    assert [event.seq for event in events] == [1, 2, 3, 4, 5, 6]
    for event in events:
        stored = _stored(event.seq)
        assert stored["hash"] == event.hash == event_hash(stored)
        assert stored["prev_hash"] == event.prev_hash
        assert stored["created_at"] == event.created_at
    # A batch shares one time, taken under the lock.
    assert len({event.created_at for event in events[:3]}) == 1
    assert chain_head() == (6, events[-1].hash)
    assert verify_chain([]).ok


def test_an_event_is_never_placed_before_the_head_whatever_clock_wrote_it():
    ahead = datetime.datetime(2099, 1, 1, 9, 0, 0, 123456, tzinfo=datetime.UTC)
    values = {
        "seq": 1,
        "prev_hash": chain_head()[1],
        "created_at": ahead,
        "type": "case.viewed",
        "actor": None,
        "agency": None,
        "target_type": "",
        "target_id": None,
        "payload": {},
    }
    AuditEvent.objects.create(**values, hash=event_hash(values))

    with transaction.atomic():
        _write_batch(batch := _batch())

    assert {item.event.created_at for item in batch} == {ahead}
    assert verify_chain([]).ok
