"""On PostgreSQL the verifier reads events as text the database renders and fills it into
the canonical form itself; it must hash every event exactly as the canonical form does,
whatever its strings and payload hold."""

import datetime
import uuid

import pytest
from django.db import connection

from audit.models import AuditEvent
from audit.record.canonical import event_hash
from audit.record.chain import chain_head
from audit.record.event_text import EVENTS_SQL, event_hash_from_text
from audit.record.verification import verify_chain

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the text path is PostgreSQL's"),
]

AWKWARD_TEXT = 'Line one\nline two\t"quoted" back\\slash \x01 café — ☂ / end'


def _written_straight(**fields) -> None:
    """An event inserted into the table as it stands, linked and hashed through the
    canonical form: strings no service would write, but the verifier must read exactly."""
    seq, prev_hash = chain_head()
    values = {"seq": seq + 1, "prev_hash": prev_hash, **fields}
    AuditEvent.objects.create(**values, hash=event_hash(values))


@pytest.fixture
def awkward_events():
    _written_straight(
        created_at=datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC),
        type=AWKWARD_TEXT,
        actor=None,
        agency=uuid.uuid4(),
        target_type=AWKWARD_TEXT,
        target_id=None,
        payload={
            "note": AWKWARD_TEXT,
            "wide": 123456789012345678901234567890,
            "nested": {"b": [1, "x", None], "a": True},
        },
    )
    _written_straight(
        created_at=datetime.datetime(2026, 12, 1, 9, 0, 0, 123456, tzinfo=datetime.UTC),
        type="case.viewed",
        actor=uuid.uuid4(),
        agency=None,
        target_type="",
        target_id=uuid.uuid4(),
        payload={},
    )


def test_the_text_path_hashes_every_event_as_the_canonical_form_does(awkward_events):
    with connection.cursor() as cursor:
        cursor.execute(EVENTS_SQL)
        rows = cursor.fetchall()

    assert [event_hash_from_text(row) for row in rows] == [row[2] for row in rows]
    assert len(rows) == 2
    assert verify_chain([]).ok
