"""Timing chain verification in a fresh process, so neither the generator's memory nor a
warm cache of the parent counts against it.

Two verifiers are timed: the product's audit.verification.verify_chain, and a prototype of
a faster event walk (see _walk_events_as_text) that produces the same report.
"""

import functools
import hashlib
import json
import multiprocessing
from dataclasses import dataclass
from json.encoder import encode_basestring
from time import perf_counter

from django.conf import settings
from django.db import connection, transaction

from audit.canonical import GENESIS_HASH, NotCanonical
from audit.verification import (
    CHUNK_SIZE,
    Finding,
    VerificationReport,
    _check_decisions,
    verify_chain,
)

# The columns of EVENT_FIELDS and the hash, already in their canonical text from
# PostgreSQL: UUIDs as lowercase hyphenated text, the time in UTC with six-digit
# microseconds. The payload still needs parsing, since jsonb's own text is not canonical.
EVENTS_AS_TEXT_SQL = """
SELECT seq,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       type, actor::text, agency::text, target_type, target_id::text, payload::text,
       prev_hash, hash
FROM audit_auditevent
ORDER BY seq
"""


# Distinct payloads are few (a case view names a handful of categories and one path), so
# their canonical text is cached by jsonb's text, which is the same for equal values. The
# bound keeps memory flat when payloads are unique, as sharing decisions' are.
PAYLOAD_CACHE_SIZE = 4096
# The canonical form of an event with its keys in sorted order, so no sort and no dict per
# event. Hashes and the timestamp need no escaping: the timestamp comes from to_char, and
# prev_hash is compared with the previous event's verified hash before it is formatted.
EVENT_TEMPLATE = (
    '{"actor":%s,"agency":%s,"created_at":"%s","payload":%s,"prev_hash":"%s","seq":%d,'
    '"target_id":%s,"target_type":%s,"type":%s}'
)


def _refuse_float(text: str):
    raise NotCanonical(f"floats have no canonical form: {text}")


_parse_payload = json.JSONDecoder(parse_float=_refuse_float).decode
_canonical_json = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


@functools.lru_cache(maxsize=PAYLOAD_CACHE_SIZE)
def _canonical_payload(jsonb_text: str) -> str:
    return _canonical_json(_parse_payload(jsonb_text))


def _json_or_null(text: str | None) -> str:
    return "null" if text is None else encode_basestring(text)


def _walk_events_as_text(report: VerificationReport) -> None:
    """The same walk as audit.verification._check_events, over rows PostgreSQL already
    renders canonically: no UUID, datetime or dict conversion per field, no recursion
    through canonical_value, and a payload parsed once per distinct value."""
    expected_seq, prev_hash = 1, GENESIS_HASH
    with transaction.atomic(), connection.connection.cursor(name="bench_chain_walk") as rows:
        rows.itersize = CHUNK_SIZE
        rows.execute(EVENTS_AS_TEXT_SQL)
        for (
            seq,
            created_at,
            kind,
            actor,
            agency,
            target_type,
            target_id,
            payload,
            linked,
            stored,
        ) in rows:
            if seq != expected_seq:
                report.findings.append(Finding(expected_seq, f"missing: the next event is {seq}"))
                return
            if linked != prev_hash:
                report.findings.append(Finding(seq, "does not link to the event before it"))
                return
            canonical = EVENT_TEMPLATE % (
                _json_or_null(actor),
                _json_or_null(agency),
                created_at,
                _canonical_payload(payload),
                linked,
                seq,
                _json_or_null(target_id),
                encode_basestring(target_type),
                encode_basestring(kind),
            )
            if hashlib.sha256(canonical.encode("utf-8")).hexdigest() != stored:
                report.findings.append(Finding(seq, "altered: its hash does not match its content"))
                return
            report.events, report.head_hash = seq, stored
            expected_seq, prev_hash = seq + 1, stored
    report.chain_walked = True


def verify_chain_as_text() -> VerificationReport:
    report = VerificationReport()
    _walk_events_as_text(report)
    _check_decisions(report)
    return report


VERIFIERS = {
    "verify_chain (product)": lambda: verify_chain([]),
    "prototype: rows as text": verify_chain_as_text,
}


@dataclass(frozen=True)
class VerifyRun:
    verifier: str
    ok: bool
    events: int
    decisions: int
    head_hash: str
    seconds: float
    baseline_mib: float
    peak_growth_mib: float

    @property
    def per_second(self) -> float:
        return self.events / self.seconds


def _memory_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for entry in status:
            if entry.startswith(field + ":"):
                return int(entry.split()[1])
    raise LookupError(field)


def _measure(verifier: str, results) -> None:
    settings.DEBUG = False  # as in the parent: no query log in memory
    connection.ensure_connection()
    baseline = _memory_kib("VmRSS")
    # Linux: writing 5 to clear_refs resets this process's peak RSS (VmHWM) to its current
    # RSS, so the peak read afterwards belongs to verification alone.
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
    started = perf_counter()
    report = VERIFIERS[verifier]()
    seconds = perf_counter() - started
    peak = _memory_kib("VmHWM")
    connection.close()
    results.put(
        VerifyRun(
            verifier=verifier,
            ok=report.ok,
            events=report.events,
            decisions=report.decisions,
            head_hash=report.head_hash,
            seconds=seconds,
            baseline_mib=baseline / 1024,
            peak_growth_mib=(peak - baseline) / 1024,
        )
    )


def measure_in_fresh_process(verifier: str) -> VerifyRun:
    """Run one verifier in a newly spawned interpreter and return its figures."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=_measure, args=(verifier, results))
    process.start()
    run = results.get()
    process.join()
    return run
