"""Concurrent writers on PostgreSQL serialise on the chain head: no gaps, no forks."""

import threading

import pytest
from django.db import connection, connections

from audit.chain import append_event
from audit.event_types import EventType
from audit.models import AuditEvent
from audit.verification import verify_chain

WRITERS = 8
EVENTS_EACH = 25

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_eight_concurrent_writers_make_one_unbroken_chain():
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks and concurrent writers are tested on PostgreSQL")
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            barrier.wait()
            for i in range(EVENTS_EACH):
                append_event(
                    event_type=EventType.GRANTS_REBUILT,
                    actor=None,
                    agency=None,
                    payload={"added": writer, "removed": i, "unchanged": 0},
                )
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = WRITERS * EVENTS_EACH
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    assert AuditEvent.objects.values("prev_hash").distinct().count() == total
    assert verify_chain([]).ok
