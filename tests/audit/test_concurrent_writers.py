"""Concurrent writers on PostgreSQL serialise on the chain head (no gaps, no forks), and only
for the append: a unit of work takes the lock at its end, not while it works."""

import threading

import pytest
from django.db import connection, connections

from audit.event_types import EventType
from audit.models import AuditEvent
from audit.record.chain import append_event, atomic_unit
from audit.record.verification import verify_chain
from audit.services.decisions import sign_in_failed_recorded

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


# Long enough for any append on an idle test server, short enough that a regression fails
# the test rather than hanging it.
WAIT_SECONDS = 5


def _numbered(n: int) -> None:
    append_event(
        event_type=EventType.GRANTS_REBUILT,
        actor=None,
        agency=None,
        payload={"added": n, "removed": 0, "unchanged": 0},
    )


def _in_thread(work, errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_long_unit_of_work_does_not_hold_up_another_connections_append():
    """While one connection's unit of work is still busy (an import, say), another connection
    appends a sign-in at once; the unit's events follow at its end, together and in order."""
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks and concurrent writers are tested on PostgreSQL")
    collected, other_done = threading.Event(), threading.Event()
    seen: dict[str, bool] = {}
    errors: list[BaseException] = []

    def long_unit() -> None:
        with atomic_unit():
            for n in (1, 2, 3):
                _numbered(n)
            collected.set()
            # The rest of the unit's work: it ends only once the other append is through,
            # or after WAIT_SECONDS if that append is stuck behind this unit.
            seen["other appended during the unit"] = other_done.wait(timeout=WAIT_SECONDS)

    def sign_in() -> None:
        collected.wait(timeout=WAIT_SECONDS)
        sign_in_failed_recorded(username="someone")
        other_done.set()

    threads = [_in_thread(long_unit, errors), _in_thread(sign_in, errors)]
    for thread in threads:
        thread.join()

    assert errors == []
    assert seen == {"other appended during the unit": True}
    events = list(AuditEvent.objects.order_by("seq"))
    assert [event.type for event in events] == [EventType.SIGN_IN_FAILED] + 3 * [
        EventType.GRANTS_REBUILT
    ]
    assert [event.payload.get("added") for event in events[1:]] == [1, 2, 3]
    assert verify_chain([]).ok


def test_concurrent_units_each_append_their_events_contiguously():
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks and concurrent writers are tested on PostgreSQL")
    units, each = 4, 5
    barrier = threading.Barrier(units)
    errors: list[BaseException] = []

    def unit(number: int) -> None:
        with atomic_unit():
            for step in range(each):
                # Every unit appends its step-th event before any goes on to the next one.
                barrier.wait(timeout=WAIT_SECONDS)
                _numbered(number * 100 + step)

    threads = [_in_thread(lambda n=n: unit(n), errors) for n in range(units)]
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = [event.payload["added"] for event in AuditEvent.objects.order_by("seq")]
    runs = [numbers[start : start + each] for start in range(0, len(numbers), each)]
    assert sorted(runs) == [[n * 100 + step for step in range(each)] for n in range(units)]
    assert verify_chain([]).ok
