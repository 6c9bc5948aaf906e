"""Appending to the hash chain: one writer at a time, no gaps, no forks.

A unit of work (`atomic_unit`) collects the events appended inside it and writes them to
the chain in one batch at the end of its transaction, so the chain's lock is held for that
batch alone and never for the work that led to it (docs/adr/0006). Outside a unit an event
is appended at once, inside the caller's transaction. On PostgreSQL the batch is linked and
inserted by one server-side call, so the lock is never held across a round trip to the
application before the commit (docs/adr/0015).
"""

import uuid
from collections.abc import Callable
from contextlib import ContextDecorator
from typing import Any, ParamSpec, TypeVar, overload

from asgiref.local import Local
from django.db import connection, transaction
from django.utils import timezone

from audit.event_types import PAYLOAD_KEYS
from audit.models import AuditEvent
from audit.record.canonical import (
    GENESIS_HASH,
    EventBody,
    NotCanonical,
    canonical_timestamp,
    canonical_value,
    event_body,
)

# pg_advisory_xact_lock key that serialises appends; any constant unique to this purpose.
CHAIN_LOCK_KEY = 7_305_024_818
HEAD_SQL = "SELECT seq, hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1"
# Takes the lock, reads the head, links, hashes and inserts the batch (audit migration 0009).
APPEND_SQL = (
    "SELECT placed_seq, placed_at, placed_prev, placed_hash FROM audit_chain_append("
    "%s, %s, %s::text[], %s::text[], %s::uuid[], %s::uuid[], %s::text[], %s::uuid[], %s::text[])"
)
# Bulk appends (audit.record.bulk) still copy rows they have linked themselves.
COPY_SQL = (
    "COPY audit_auditevent (seq, created_at, type, actor, agency, target_type, target_id, "
    "payload, prev_hash, hash) FROM STDIN"
)
# COPY's text format gives a backslash, tab, newline and carriage return a meaning of their
# own; in a value they are written escaped.
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

P = ParamSpec("P")
R = TypeVar("R")

# The unit of work open on this thread (or async task), as Django keeps one connection per
# thread: how deeply units are nested, and the events collected (None when none is open).
_open_unit = Local()


class PayloadRejected(ValueError):
    """An event payload with a key its type does not declare, or a value with no canonical
    form. Payloads carry identifiers and codes only."""


class _Pending:
    """An event checked and rendered (all but its place in the chain), waiting to be linked.

    Inside a unit of work it is also registered with `transaction.on_commit`, where calling
    it does nothing: Django discards the on-commit callbacks of a savepoint that rolls back,
    so an event whose callback is still registered when the unit ends was not undone, and
    one whose callback is gone belongs to work that was (a nested `atomic` block whose error
    was caught).
    """

    __slots__ = ("body", "event")

    def __init__(self, event: AuditEvent, body: EventBody) -> None:
        self.event = event
        self.body = body

    def __call__(self) -> None:
        return None


def checked_payload(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    unknown = set(payload) - PAYLOAD_KEYS[event_type]
    if unknown:
        raise PayloadRejected(f"{event_type} payload may not carry {sorted(unknown)}")
    try:
        return canonical_value(payload)
    except NotCanonical as error:
        raise PayloadRejected(str(error)) from error


def chain_head() -> tuple[int, str]:
    """The seq and hash of the chain's last event (0 and the genesis hash when empty).
    Plain SQL: it is read under the chain's lock on every append."""
    with connection.cursor() as cursor:
        cursor.execute(HEAD_SQL)
        head = cursor.fetchone()
    return (head[0], head[1]) if head else (0, GENESIS_HASH)


def _text(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def _append_on_server(batch: list[_Pending]) -> list[tuple]:
    """Link and insert the batch in one call; (seq, created_at, prev_hash, hash) of each
    event, in order. The lock taken is held until the enclosing transaction commits."""
    events = [item.event for item in batch]
    with connection.cursor() as cursor:
        cursor.execute(
            APPEND_SQL,
            [
                CHAIN_LOCK_KEY,
                GENESIS_HASH,
                [item.body.around_place() for item in batch],
                [event.type for event in events],
                [_text(event.actor) for event in events],
                [_text(event.agency) for event in events],
                [event.target_type for event in events],
                [_text(event.target_id) for event in events],
                [item.body.payload for item in batch],
            ],
        )
        return cursor.fetchall()


def _link_here(batch: list[_Pending]) -> list[tuple]:
    """Link the batch after the head in Python: on SQLite, whose IMMEDIATE transactions
    already hold the database's one write lock."""
    seq, prev_hash = chain_head()
    now = timezone.now()
    created_at = canonical_timestamp(now)
    placed = []
    for item in batch:
        seq += 1
        placed_hash = item.body.placed_hash(seq=seq, created_at=created_at, prev_hash=prev_hash)
        placed.append((seq, now, prev_hash, placed_hash))
        prev_hash = placed_hash
    return placed


def _write_batch(batch: list[_Pending]) -> None:
    """Link the events after the head, in order, and insert them; the lock taken here is
    held until the enclosing transaction commits. Every event of a batch shares one
    created_at, taken under the lock, so created_at never decreases along the chain."""
    if not batch:
        return
    on_server = connection.vendor == "postgresql"
    placed = _append_on_server(batch) if on_server else _link_here(batch)
    events = [item.event for item in batch]
    for event, (seq, created_at, prev_hash, placed_hash) in zip(events, placed, strict=True):
        event.seq, event.created_at, event.prev_hash, event.hash = (
            seq,
            created_at,
            prev_hash,
            placed_hash,
        )
    if on_server:
        alias = connection.alias
        for event in events:
            event._state.adding, event._state.db = False, alias
    else:
        AuditEvent.objects.bulk_create(events)


def _still_wanted(collected: list[_Pending]) -> list[_Pending]:
    # run_on_commit holds (savepoint ids, callback, robust) per callback; pytest-django and
    # Django's TestCase read it the same way to capture callbacks.
    registered = {id(entry[1]) for entry in connection.run_on_commit}
    return [item for item in collected if id(item) in registered]


class AtomicUnit(ContextDecorator):
    """The unit of work `atomic_unit` returns; like Django's Atomic, it keeps no state of its
    own between entries (that lives with the thread), so one instance may decorate a function
    that runs on many threads at once or calls itself."""

    def __init__(self, *, savepoint: bool) -> None:
        self.atomic = transaction.atomic(savepoint=savepoint)

    def __enter__(self) -> None:
        self.atomic.__enter__()
        _open_unit.depth = getattr(_open_unit, "depth", 0) + 1
        if _open_unit.depth == 1:
            _open_unit.pending = []

    def __exit__(self, exc_type, exc_value, traceback) -> bool | None:
        _open_unit.depth -= 1
        if _open_unit.depth == 0:
            collected, _open_unit.pending = _open_unit.pending, None
            # A block marked for rollback (set_rollback, or a caught error in a block without
            # a savepoint) commits nothing, so nothing of it may reach the chain either.
            if exc_type is None and not transaction.get_rollback():
                try:
                    _write_batch(_still_wanted(collected))
                except BaseException as error:
                    self.atomic.__exit__(type(error), error, error.__traceback__)
                    raise
        return self.atomic.__exit__(exc_type, exc_value, traceback)


@overload
def atomic_unit(func: Callable[P, R], /) -> Callable[P, R]: ...
@overload
def atomic_unit(*, savepoint: bool = True) -> AtomicUnit: ...
def atomic_unit(
    func: Callable[P, R] | None = None, /, *, savepoint: bool = True
) -> Callable[P, R] | AtomicUnit:
    """A `transaction.atomic` block whose audit events are appended together at its end.

    Use it as `@atomic_unit`, `@atomic_unit(savepoint=False)` or `with atomic_unit():`.
    Events appended inside it are checked at once but written only when the outermost unit
    ends without error, just before its block commits: the chain lock is taken, the head
    read once and the events linked and inserted in the order they were appended. Nested
    units (and plain `atomic` blocks) join the outermost unit; events of a nested block
    that rolls back are dropped with it. Put the unit outermost: if it runs inside a plain
    `atomic` block, the lock is held from the unit's end to that block's commit.
    """
    unit = AtomicUnit(savepoint=savepoint)
    return unit(func) if func is not None else unit


def append_event(
    *,
    event_type: str,
    actor: uuid.UUID | None,
    agency: uuid.UUID | None,
    target_type: str = "",
    target_id: uuid.UUID | None = None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, or to the open unit of work's batch.

    The payload is checked now either way. Inside a unit the event returned gets its seq,
    time and hashes when the unit appends its batch; outside one it is appended at once,
    inside the caller's transaction, and the chain lock is held until that commits.
    """
    checked = checked_payload(event_type, payload or {})
    event = AuditEvent(
        type=event_type,
        actor=actor,
        agency=agency,
        target_type=target_type,
        target_id=target_id,
        payload=checked,
    )
    item = _Pending(
        event,
        event_body(
            event_type=event_type,
            actor=actor,
            agency=agency,
            target_type=target_type,
            target_id=target_id,
            payload=checked,
        ),
    )
    pending = getattr(_open_unit, "pending", None)
    if pending is not None:
        pending.append(item)
        transaction.on_commit(item)
        return event
    # No savepoint: a failed append fails the caller's whole transaction anyway.
    with transaction.atomic(savepoint=False):
        _write_batch([item])
    return event
