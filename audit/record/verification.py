"""Verifying the chain: every hash, every link, every decision, review and finished
verification run, every checkpoint.

Events are streamed as tuples through a server-side cursor (PostgreSQL) or in chunks
(SQLite), so memory stays flat however long the chain grows. Each decision, review and
finished run is matched to the event carrying its hash by a merge over two streams sorted
by its id, also in flat memory. On PostgreSQL every check reads one snapshot.
"""

import queue
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from audit.event_types import EventType
from audit.models import AuditEvent, DecisionReview, SharingDecision, VerificationRun
from audit.record.canonical import EVENT_FIELDS, GENESIS_HASH, NotCanonical, event_hash
from audit.record.checkpoints import CheckpointStatement, known_public_keys, signature_is_valid
from audit.record.decision_text import (
    DECISION_EVENTS_SQL,
    DECISIONS_SQL,
    decision_hash_from_text,
)
from audit.record.event_text import EVENTS_SQL, event_hash_from_text
from audit.record.records import (
    DECISION_COLUMNS,
    REVIEW_COLUMNS,
    RUN_RESULT_COLUMNS,
    decision_hash_from_values,
    review_hash_from_values,
    run_result_hash_from_values,
)

CHUNK_SIZE = 5_000  # rows per round trip; a few MB of tuples at most
# Decisions are read while the chain is walked, on the same connection: in smaller round
# trips than the walk's, so that the walk's next chunk never waits long behind one.
DECISION_CHUNK_SIZE = 1_000


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
    reviews: int = 0
    # Reviews recorded, and runs finished, before their records were hashed: checked as
    # far as their events allow (docs/audit-chain.md).
    earlier_reviews: int = 0
    runs: int = 0
    earlier_runs: int = 0
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


# What the walk reads of each event first: its place, its link and its stored hash.
WALK_FIELDS = ("seq", "prev_hash", "hash")


def _orm_event_hash(row: tuple[Any, ...]) -> str:
    return event_hash(dict(zip(EVENT_FIELDS, row[len(WALK_FIELDS) :], strict=True)))


@contextmanager
def _event_chunks() -> Iterator[tuple[Iterable[Iterable[tuple[Any, ...]]], Callable]]:
    """Chunks of rows (seq, prev_hash, hash, ...) in seq order, and the function that hashes
    a row: a named server-side cursor over canonical text on PostgreSQL, read ahead by a
    thread; chunked ORM tuples elsewhere."""
    if connection.vendor != "postgresql":
        rows = AuditEvent.objects.order_by("seq").values_list(*WALK_FIELDS, *EVENT_FIELDS)
        yield (rows.iterator(chunk_size=CHUNK_SIZE),), _orm_event_hash
        return
    with _named_cursors("audit_verify") as (cursor,):
        cursor.execute(EVENTS_SQL)
        chunks = _read_ahead(cursor)
        try:
            yield chunks, event_hash_from_text
        finally:
            chunks.close()  # stops the reading thread before the cursor closes


@contextmanager
def _named_cursors(*names: str) -> Iterator[tuple]:
    """Server-side cursors on the connection, inside one transaction."""
    connection.ensure_connection()
    with transaction.atomic(), ExitStack() as stack:
        yield tuple(stack.enter_context(connection.connection.cursor(name=n)) for n in names)


def _read_ahead(cursor) -> Iterator[list[tuple[Any, ...]]]:
    """The cursor's rows in chunks, the next chunk fetched by a thread while this one is
    checked.

    PostgreSQL renders a chunk while Python hashes the one before (psycopg2 releases the
    GIL while it waits), about a third faster over a long chain. Only the thread touches
    the cursor until it ends; closing this generator stops it and waits for it. (The
    decisions' thread reads its own cursors on the same connection meanwhile: psycopg2 runs
    one statement at a time on a connection, and each cursor stays with one thread.)"""
    chunks: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()

    def fetch() -> None:
        try:
            while not stop.is_set():
                rows = cursor.fetchmany(CHUNK_SIZE)
                chunks.put(rows)
                if not rows:
                    return
        except Exception as error:  # handed to the reading side, which raises it
            chunks.put(error)

    reader = threading.Thread(target=fetch, name="audit-verify-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            rows = chunks.get()
            if isinstance(rows, Exception):
                raise rows
            if not rows:
                return
            yield rows
    finally:
        stop.set()
        while reader.is_alive():
            with suppress(queue.Empty):
                chunks.get(timeout=0.1)  # unblocks a thread waiting to hand over a chunk
        reader.join()


def _check_events(report: VerificationReport, heads_wanted: set[int]) -> dict[int, str]:
    """Walk the chain; return the hash at each seq a checkpoint names. The report counts
    the events up to the last one that checked out, whether or not the walk ends there."""
    heads: dict[int, str] = {}
    expected_seq, prev_hash = 1, GENESIS_HASH
    try:
        with _event_chunks() as (chunks, hash_of):
            for chunk in chunks:
                for row in chunk:
                    seq, linked, stored_hash = row[0], row[1], row[2]
                    if seq != expected_seq:
                        report.findings.append(
                            Finding(expected_seq, f"missing: the next event is {seq}")
                        )
                        return heads
                    if linked != prev_hash:
                        report.findings.append(Finding(seq, "does not link to the event before it"))
                        return heads
                    try:
                        computed = hash_of(row)
                    except NotCanonical:
                        computed = None
                    if computed != stored_hash:
                        report.findings.append(
                            Finding(seq, "altered: its hash does not match its content")
                        )
                        return heads
                    if seq in heads_wanted:
                        heads[seq] = stored_hash
                    expected_seq, prev_hash = seq + 1, stored_hash
        report.chain_walked = True
    finally:
        report.events, report.head_hash = expected_seq - 1, prev_hash
    return heads


def _stream(queryset) -> Iterator[tuple[Any, ...]]:
    return queryset.iterator(chunk_size=CHUNK_SIZE)


def _recording_events(
    event_type: str, target_type: str, hash_key: str
) -> Iterator[tuple[Any, Any, Any]]:
    """(target id, seq, the hash its payload carries) of the events of one type about one
    kind of record, sorted as the records are, by id."""
    events = (
        AuditEvent.objects.filter(type=event_type, target_type=target_type)
        .order_by("target_id", "seq")
        .values_list("target_id", "seq", "payload")
    )
    for target_id, seq, payload in _stream(events):
        yield target_id, seq, payload.get(hash_key) if isinstance(payload, dict) else None


def _match(
    report: VerificationReport,
    records: Iterable[tuple[Any, ...]],
    events: Iterable[tuple[Any, ...]],
    *,
    what: str,
    hash_of: Callable[[tuple[Any, ...]], str],
) -> int:
    """Merge records (id first) with their events (id, seq, the hash carried), both sorted
    by id: every record has exactly one event carrying the record's hash, and every event
    its record.
    Returns how many records were matched."""
    matched = 0
    event_iter = iter(events)
    pending = next(event_iter, None)
    for values in records:
        record_id = values[0]
        while pending is not None and pending[0] < record_id:
            report.findings.append(Finding(pending[1], f"records a {what} that no longer exists"))
            pending = next(event_iter, None)
        if pending is None or pending[0] != record_id:
            report.findings.append(Finding(None, f"{what} {record_id} has no audit event"))
            continue
        if pending[2] != hash_of(values):
            report.findings.append(
                Finding(pending[1], f"{what} {record_id} was altered after it was recorded")
            )
        matched += 1
        pending = next(event_iter, None)
        while pending is not None and pending[0] == record_id:
            report.findings.append(Finding(pending[1], f"records {what} {record_id} again"))
            pending = next(event_iter, None)
    while pending is not None:
        report.findings.append(Finding(pending[1], f"records a {what} that no longer exists"))
        pending = next(event_iter, None)
    return matched


@contextmanager
def _decisions_checked_meanwhile(report: VerificationReport) -> Iterator[None]:
    """Check that every decision row has exactly one event whose payload carries the row's
    hash, while the block runs; the decisions' findings follow the block's in the report.

    On PostgreSQL, on a thread of its own over the same connection, so in the same snapshot:
    the chain's walk keeps one core busy with Python while PostgreSQL renders its events in
    part of another, and rendering decisions is mostly PostgreSQL's work, so it fills that
    part instead of following the walk. Elsewhere after the block, through the ORM."""
    if connection.vendor != "postgresql":
        yield
        report.decisions = _match(
            report,
            _stream(SharingDecision.objects.order_by("id").values_list(*DECISION_COLUMNS)),
            _recording_events(
                EventType.SHARING_DECISION_RECORDED, "sharing_decision", "decision_hash"
            ),
            what="decision",
            hash_of=decision_hash_from_values,
        )
        return
    found = VerificationReport()
    with (
        _named_cursors("audit_verify_decisions", "audit_verify_decision_events") as cursors,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="audit-verify-decisions") as pool,
    ):
        decisions, events = cursors
        decisions.itersize = events.itersize = DECISION_CHUNK_SIZE
        decisions.execute(DECISIONS_SQL)
        events.execute(
            DECISION_EVENTS_SQL,
            ("decision_hash", EventType.SHARING_DECISION_RECORDED, "sharing_decision"),
        )
        matched = pool.submit(
            _match, found, decisions, events, what="decision", hash_of=decision_hash_from_text
        )
        yield
        report.decisions = matched.result()
    report.findings.extend(found.findings)


def _check_earlier_reviews(report: VerificationReport) -> None:
    """Reviews recorded before reviews were hashed: their events name the decision, the
    reviewer and the finding, so each such review must match one such event on those."""
    reviews = Counter(
        DecisionReview.objects.filter(canonical_version__isnull=True).values_list(
            "decision_id", "reviewer_id", "finding"
        )
    )
    events = AuditEvent.objects.filter(
        type=EventType.DECISION_REVIEWED, target_type="sharing_decision"
    ).values_list("target_id", "actor", "payload", "seq")
    for decision_id, actor, payload, seq in events.iterator(chunk_size=CHUNK_SIZE):
        key = (decision_id, actor, payload.get("finding"))
        if reviews[key]:
            reviews[key] -= 1
            report.earlier_reviews += 1
        else:
            report.findings.append(Finding(seq, "records a review that no longer exists"))
    for (decision_id, _, _), unmatched in reviews.items():
        report.findings.extend(
            Finding(None, f"a review of decision {decision_id} has no audit event")
            for _ in range(unmatched)
        )


def _check_reviews(report: VerificationReport) -> None:
    """Every review has exactly one event whose payload carries the review's hash."""
    report.reviews = _match(
        report,
        _stream(
            DecisionReview.objects.filter(canonical_version__isnull=False)
            .order_by("id")
            .values_list(*REVIEW_COLUMNS)
        ),
        _recording_events(EventType.DECISION_REVIEWED, "decision_review", "review_hash"),
        what="review",
        hash_of=review_hash_from_values,
    )
    _check_earlier_reviews(report)


def _check_runs(report: VerificationReport) -> None:
    """Every finished verification run has exactly one event carrying its result's hash.
    Runs still under way have none yet; runs that finished before results were hashed
    have none at all."""
    finished = VerificationRun.objects.filter(finished_at__isnull=False)
    report.runs = _match(
        report,
        _stream(
            finished.filter(canonical_version__isnull=False)
            .order_by("id")
            .values_list(*RUN_RESULT_COLUMNS)
        ),
        _recording_events(EventType.VERIFICATION_RUN_FINISHED, "verification_run", "result_hash"),
        what="verification run",
        hash_of=run_result_hash_from_values,
    )
    report.earlier_runs = finished.filter(canonical_version__isnull=True).count()


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


@contextmanager
def _one_snapshot() -> Iterator[None]:
    """On PostgreSQL, every check reads the same snapshot, so a record written while the
    chain is verified is seen together with its event or not at all.

    Only when verification opens the transaction itself (a caller's transaction has its own
    isolation); SQLite is left alone, where any transaction here would take the write lock.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def verify_chain(checkpoints: list[CheckpointStatement]) -> VerificationReport:
    """Check the whole record against itself and against the given checkpoints."""
    report = VerificationReport()
    with _one_snapshot():
        with _decisions_checked_meanwhile(report):
            heads = _check_events(report, {statement.size for statement in checkpoints})
        _check_reviews(report)
        _check_runs(report)
    _check_checkpoints(report, checkpoints, heads)
    return report
