"""Units of work: the events a unit appends reach the chain together, in order, at its end, and
only if its work is kept."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.event_types import EventType
from audit.models import AuditEvent
from audit.record.canonical import GENESIS_HASH
from audit.record.chain import APPEND_SQL, HEAD_SQL, append_event, atomic_unit
from audit.record.verification import verify_chain
from referrals.models import Referral
from referrals.services.imports import import_job_create, import_job_run

pytestmark = pytest.mark.django_db


class Undone(Exception):
    """Raised to roll a block back."""


def append_numbered(n: int) -> AuditEvent:
    """Append an event that carries `n`, so the chain's order can be read back."""
    return append_event(
        event_type=EventType.GRANTS_REBUILT,
        actor=None,
        agency=None,
        payload={"added": n, "removed": 0, "unchanged": 0},
    )


def _numbers() -> list[int]:
    """The `added` number each stored event carries, in chain order."""
    return [event.payload["added"] for event in AuditEvent.objects.order_by("seq")]


def _append_then_fail(block, *numbers: int) -> None:
    """Append numbered events inside the block, then fail it."""
    with block:
        for n in numbers:
            append_numbered(n)
        raise Undone


def _head_reads(queries: CaptureQueriesContext) -> int:
    """Reads of the chain's head: in Python on SQLite, inside the one call that links and
    inserts a batch on PostgreSQL."""
    call = APPEND_SQL[: APPEND_SQL.index("(")]
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"] == HEAD_SQL or query["sql"].startswith(call)
    )


def test_events_of_a_unit_reach_the_chain_together_and_in_order_at_its_end():
    # Given an event already on the chain
    first = append_numbered(0)

    # When a unit of work appends three events
    with atomic_unit():
        events = [append_numbered(n) for n in (1, 2, 3)]
        # Then none is on the chain while the unit is still working
        assert AuditEvent.objects.count() == 1
        assert [event.seq for event in events] == [None, None, None]

    # And at its end all three follow the head, linked, in the order they were appended
    assert [event.seq for event in events] == [2, 3, 4]
    assert events[0].prev_hash == first.hash
    assert [event.prev_hash for event in events[1:]] == [event.hash for event in events[:2]]
    assert _numbers() == [0, 1, 2, 3]
    stored = dict(AuditEvent.objects.values_list("seq", "hash"))
    assert [stored[event.seq] for event in events] == [event.hash for event in events]
    assert verify_chain([]).ok


def test_nothing_is_appended_when_the_unit_rolls_back():
    append_numbered(0)

    with pytest.raises(Undone):
        _append_then_fail(atomic_unit(), 1, 2)

    assert _numbers() == [0]


def test_a_unit_marked_for_rollback_appends_nothing():
    with atomic_unit():
        append_numbered(1)
        transaction.set_rollback(True)

    assert not AuditEvent.objects.exists()


def test_nested_units_append_once_at_the_end_of_the_outermost():
    with CaptureQueriesContext(connection) as queries, atomic_unit():
        append_numbered(1)
        with atomic_unit():
            append_numbered(2)
            with atomic_unit(savepoint=False):
                append_numbered(3)
        # The inner units have ended, and still nothing is on the chain
        assert not AuditEvent.objects.exists()
        append_numbered(4)

    assert _numbers() == [1, 2, 3, 4]
    # One batch: the head is read once for all four events
    assert _head_reads(queries) == 1


def test_events_of_a_nested_block_that_rolls_back_are_dropped_with_its_work():
    with atomic_unit():
        append_numbered(1)
        with pytest.raises(Undone):
            _append_then_fail(atomic_unit(), 2)
        with pytest.raises(Undone):
            _append_then_fail(transaction.atomic(), 3)
        with transaction.atomic():
            append_numbered(4)
        append_numbered(5)

    assert _numbers() == [1, 4, 5]
    assert verify_chain([]).ok


def test_a_decorated_function_is_a_unit_each_time_it_is_called():
    @atomic_unit(savepoint=False)
    def record_two(n: int) -> None:
        append_numbered(n)
        append_numbered(n + 1)

    @atomic_unit
    def record_and_fail(n: int) -> None:
        append_numbered(n)
        raise Undone

    record_two(1)
    with pytest.raises(Undone):
        record_and_fail(3)
    record_two(5)

    assert _numbers() == [1, 2, 5, 6]


def test_outside_a_unit_an_event_is_appended_at_once():
    with transaction.atomic():
        event = append_numbered(1)
        assert event.seq == 1
        assert event.prev_hash == GENESIS_HASH
        assert AuditEvent.objects.filter(seq=1).exists()


CSV = (
    "given_names,family_name,date_of_birth,received_on,concern_summary,area,"
    "concern_type,interpreter_needed,person_aware\n"
    "Alex,Abbot,2009-05-17,2025-02-03,Synthetic concern one,{area},islamist,no,yes\n"
    "Sam,Barton,2010-05-17,2025-02-03,Synthetic concern two,{area},islamist,no,no\n"
    "Jo,Carver,2011-05-17,2025-02-03,Synthetic concern three,{area},islamist,yes,not_known\n"
)


def test_an_imported_file_appends_its_referral_events_together_in_row_order(user):
    officer = user("northby.officer")
    data = CSV.format(area=officer.membership.agency.area.code).encode()
    job = import_job_create(
        actor=officer,
        membership=officer.membership,
        file_name="batch.csv",
        data=data,
        in_background=False,
    )

    import_job_run(job_id=job.pk)

    events = list(AuditEvent.objects.filter(type=EventType.REFERRAL_CREATED).order_by("seq"))
    referrals = Referral.objects.in_bulk([event.target_id for event in events])
    assert [referrals[event.target_id].subject.family_name for event in events] == [
        "Abbot",
        "Barton",
        "Carver",
    ]
    assert [event.seq for event in events] == list(range(events[0].seq, events[0].seq + 3))
    assert len({event.created_at for event in events}) == 1
