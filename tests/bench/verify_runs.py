"""Timing chain verification in a fresh process, so neither the generator's memory nor a
warm cache of the parent counts against it."""

import multiprocessing
from dataclasses import dataclass
from time import perf_counter

from django.conf import settings
from django.db import connection

from audit.record.verification import (
    verify_chain,
)

VERIFIERS = {"verify_chain": lambda: verify_chain([])}


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
