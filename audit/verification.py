"""Verifying the chain: every hash, every link, every decision row, every checkpoint.

Events are streamed as tuples through a server-side cursor (PostgreSQL) or in chunks
(SQLite), so memory stays flat however long the chain grows. Decision rows are matched to
their events by a merge over two streams sorted by decision id, also in flat memory.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from audit.canonical import (
    EVENT_FIELDS,
    GENESIS_HASH,
    NotCanonical,
    event_hash,
    event_hash_from_text,
)
from audit.checkpoints import CheckpointStatement, known_public_keys, signature_is_valid
from audit.event_types import EventType
from audit.models import AuditEvent, SharingDecision
from audit.records import DECISION_COLUMNS, decision_hash_from_values

CHUNK_SIZE = 5_000  # rows per round trip; a few MB of tuples at most


@dataclass
class Finding:
    seq: int | None
    problem: str

    def __str__(self) -> str:
        where = f"event {self.seq}" if self.seq is not None else "record"
        return f"{where}: {self.problem}"


@dataclass
class VerificationReport:
    events: int = 0
    head_hash: str = GENESIS_HASH
    decisions: int = 0
    checkpoints: int = 0
    chain_walked: bool = False  # every event read without a break
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first_broken(self) -> Finding | None:
        with_seq = [finding for finding in self.findings if finding.seq is not None]
        if with_seq:
            return min(with_seq, key=lambda finding: finding.seq)
        return self.findings[0] if self.findings else None


# PostgreSQL renders the fields in their canonical text itself (see event_hash_from_text).
EVENTS_AS_TEXT_SQL = """
SELECT seq, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       type, actor::text, agency::text, target_type, target_id::text, payload::text,
       prev_hash, hash
FROM audit_auditevent ORDER BY seq
"""


def _orm_event_hash(row: tuple[Any, ...]) -> str:
    return event_hash(dict(zip(EVENT_FIELDS, row, strict=False)))


@contextmanager
def _event_rows() -> Iterator[tuple[Iterable[tuple[Any, ...]], Callable]]:
    """Rows of (every canonical field, hash) in seq order, and the function that hashes one:
    a named server-side cursor over text on PostgreSQL, chunked ORM tuples elsewhere."""
    if connection.vendor != "postgresql":
        rows = AuditEvent.objects.order_by("seq").values_list(*EVENT_FIELDS, "hash")
        yield rows.iterator(chunk_size=CHUNK_SIZE), _orm_event_hash
        return
    connection.ensure_connection()
    with transaction.atomic(), connection.connection.cursor(name="audit_verify") as cursor:
        cursor.itersize = CHUNK_SIZE
        cursor.execute(EVENTS_AS_TEXT_SQL)
        yield cursor, event_hash_from_text


def _check_events(report: VerificationReport, heads_wanted: set[int]) -> dict[int, str]:
    """Walk the chain; return the hash at each seq a checkpoint names."""
    heads: dict[int, str] = {}
    expected_seq, prev_hash = 1, GENESIS_HASH
    with _event_rows() as (rows, hash_of):
        for row in rows:
            seq, linked, stored_hash = row[0], row[8], row[9]
            if seq != expected_seq:
                report.findings.append(Finding(expected_seq, f"missing: the next event is {seq}"))
                return heads
            if linked != prev_hash:
                report.findings.append(Finding(seq, "does not link to the event before it"))
                return heads
            try:
                computed = hash_of(row)
            except NotCanonical:
                computed = None
            if computed != stored_hash:
                report.findings.append(Finding(seq, "altered: its hash does not match its content"))
                return heads
            if seq in heads_wanted:
                heads[seq] = stored_hash
            report.events, report.head_hash = seq, stored_hash
            expected_seq, prev_hash = seq + 1, stored_hash
    report.chain_walked = True
    return heads


def _decision_streams() -> tuple[Iterable, Iterable]:
    decisions = (
        SharingDecision.objects.order_by("id")
        .values_list(*DECISION_COLUMNS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    events = (
        AuditEvent.objects.filter(type=EventType.SHARING_DECISION_RECORDED)
        .order_by("target_id", "seq")
        .values_list("target_id", "seq", "payload")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    return decisions, events


def _check_decisions(report: VerificationReport) -> None:
    """Every decision row has exactly one event whose payload carries the row's hash."""
    decisions, events = _decision_streams()
    event_iter = iter(events)
    pending = next(event_iter, None)
    for values in decisions:
        decision_id = values[0]
        while pending is not None and pending[0] < decision_id:
            report.findings.append(Finding(pending[1], "records a decision that no longer exists"))
            pending = next(event_iter, None)
        if pending is None or pending[0] != decision_id:
            report.findings.append(Finding(None, f"decision {decision_id} has no audit event"))
            continue
        if pending[2].get("decision_hash") != decision_hash_from_values(values):
            report.findings.append(
                Finding(pending[1], f"decision {decision_id} was altered after it was recorded")
            )
        report.decisions += 1
        pending = next(event_iter, None)
    while pending is not None:
        report.findings.append(Finding(pending[1], "records a decision that no longer exists"))
        pending = next(event_iter, None)


def _check_checkpoints(
    report: VerificationReport, checkpoints: list[CheckpointStatement], heads: dict[int, str]
) -> None:
    public_keys = known_public_keys()
    for statement in checkpoints:
        report.checkpoints += 1
        if not signature_is_valid(statement, public_keys):
            report.findings.append(
                Finding(None, f"checkpoint at size {statement.size} has an invalid signature")
            )
        elif statement.size > report.events and report.chain_walked:
            report.findings.append(
                Finding(
                    report.events + 1,
                    f"missing: the chain has {report.events} events but a checkpoint "
                    f"signed {statement.size}",
                )
            )
        elif statement.size and heads.get(statement.size) not in (None, statement.head_hash):
            report.findings.append(
                Finding(statement.size, "differs from the signed checkpoint at this size")
            )


def verify_chain(checkpoints: list[CheckpointStatement]) -> VerificationReport:
    """Check the whole record against itself and against the given checkpoints."""
    report = VerificationReport()
    heads = _check_events(report, {statement.size for statement in checkpoints})
    _check_decisions(report)
    _check_checkpoints(report, checkpoints, heads)
    return report
