"""Audit chain benchmark: sharing decisions per second from 1 and 16 writer processes,
audit_verify over a million synthetic events, and other users' requests during a 5,000-row
CSV import. Run it with `make bench-audit`; name parts (writers, verification, import) as
arguments to run only those.

It drops and recreates the database named in DATABASE_URL (only if the name contains
"bench"), prints its figures and asserts nothing about timing. docs/benchmarks.md records
the figures and what they mean.
"""

import logging
import os
import platform
import sys
from time import perf_counter

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prevent_cases.settings.base")
django.setup()

from django.conf import settings  # noqa: E402  (settings exist only after setup)
from django.db import connection  # noqa: E402

from prevent_cases.demo.seed import seed_people  # noqa: E402
from referrals.services.case import grants_rebuild_recorded  # noqa: E402
from tests.bench.chain_check import chain_shape  # noqa: E402
from tests.bench.database import recreate_and_migrate  # noqa: E402
from tests.bench.import_stall import PHASES, REQUESTS, run_import_stall  # noqa: E402
from tests.bench.report import line, percentile_ms, table  # noqa: E402
from tests.bench.synthetic import extend_chain  # noqa: E402
from tests.bench.verify_runs import VERIFIERS, measure_in_fresh_process  # noqa: E402
from tests.bench.writers import plan_writers, run_writers, sharing_jobs  # noqa: E402

# (writers, decisions each): the same 2,400-odd decisions' worth of work either way would
# take too long single-threaded, so the lone writer does fewer.
WRITER_RUNS = ((1, 600), (16, 150))
TARGET_DECISIONS_PER_SECOND = 300
# Verification is timed at two chain lengths to show its memory does not grow with them.
CHAIN_SIZES = (250_000, 1_000_000)
TARGET_EVENTS_PER_SECOND = 100_000
IMPORT_ROWS = 5_000
TARGET_REQUEST_SECONDS = 1
# What each probing request answers when it works: the case page, and the sign-in's redirect.
EXPECTED_STATUS = {"open case page": 200, "sign in": 302}


def bench_writers() -> None:
    line("1. Sharing decisions through referrals.services.case.referral_share")
    rows = []
    for writers, per_writer in WRITER_RUNS:
        run = run_writers(sharing_jobs(plan_writers(writers, per_writer)))
        shape = chain_shape()
        rows.append(
            (
                writers,
                run.operations,
                f"{run.seconds:.2f}",
                f"{run.per_second:.0f}",
                percentile_ms(run.latencies, 50),
                percentile_ms(run.latencies, 95),
                percentile_ms(run.latencies, 99),
            )
        )
        line(f"   after {writers} writer(s), chain check: {shape}")
    line()
    table(("writers", "decisions", "seconds", "decisions/s", "p50 ms", "p95 ms", "p99 ms"), rows)
    difference = grants_rebuild_recorded(apply=False)
    line(
        f"   grants_rebuild dry run: {difference.added} to add, {difference.removed} to "
        f"remove, {difference.unchanged} unchanged"
    )
    line(f"   target: {TARGET_DECISIONS_PER_SECOND} decisions/s at 16 writers")
    line()


def bench_verification() -> None:
    line("2. audit_verify over a long synthetic chain (events appended by COPY)")
    rows = []
    for size in CHAIN_SIZES:
        started = perf_counter()
        added = extend_chain(size)
        line(f"   generated {added} events to reach {size} in {perf_counter() - started:.0f} s")
        for verifier in VERIFIERS:
            run = measure_in_fresh_process(verifier)
            rows.append(
                (
                    verifier,
                    run.events,
                    "OK" if run.ok else "BROKEN",
                    run.decisions,
                    f"{run.seconds:.1f}",
                    f"{run.per_second:,.0f}",
                    f"{run.baseline_mib:.0f}",
                    f"{run.peak_growth_mib:.1f}",
                )
            )
    line()
    table(
        (
            "verifier",
            "events",
            "result",
            "decisions",
            "seconds",
            "events/s",
            "RSS before MiB",
            "peak growth MiB",
        ),
        rows,
    )
    line(f"   target: {TARGET_EVENTS_PER_SECOND:,} events/s, memory flat in chain length")
    line()


def bench_import_stall() -> None:
    line(f"3. Opening a case and signing in during a {IMPORT_ROWS:,}-row CSV import")
    run = run_import_stall(IMPORT_ROWS)
    imported = run.import_run
    batches = ", ".join(f"{seconds * 1000:.0f} ms" for seconds in imported.batch_seconds)
    line(
        f"   import: {imported.status}, {imported.rows:,} referrals in {imported.seconds:.1f} s; "
        f"event batches appended in {batches or 'none'}"
    )
    rows = []
    for phase in PHASES.values():
        for request in REQUESTS:
            samples = [s for s in run.samples if (s.phase, s.request) == (phase, request)]
            if not samples:
                continue
            seconds = [sample.seconds for sample in samples]
            rows.append(
                (
                    phase,
                    request,
                    len(samples),
                    percentile_ms(seconds, 50),
                    percentile_ms(seconds, 95),
                    f"{max(seconds) * 1000:.1f}",
                    f"{max(sample.lock_wait for sample in samples) * 1000:.1f}",
                    sum(1 for sample in samples if sample.status != EXPECTED_STATUS[request]),
                )
            )
    line()
    table(
        (
            "import phase",
            "request",
            "requests",
            "p50 ms",
            "p95 ms",
            "max ms",
            "max lock wait ms",
            "failed",
        ),
        rows,
    )
    line(f"   target: under {TARGET_REQUEST_SECONDS} s for each request while the import runs")
    line()


PARTS = {
    "writers": bench_writers,
    "verification": bench_verification,
    "import": bench_import_stall,
}


def main() -> None:
    # Production runs with DEBUG off; the Makefile sets DEBUG=true only so the settings
    # load without ALLOWED_HOSTS. Left on, every query would also be logged in memory.
    settings.DEBUG = False
    # Request and job logs of the import part would drown the figures.
    logging.disable(logging.INFO)
    version = recreate_and_migrate()
    line(
        f"Audit benchmark on {connection.settings_dict['NAME']}: PostgreSQL {version}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    seed_people()
    line()
    for part in sys.argv[1:] or PARTS:
        PARTS[part]()


if __name__ == "__main__":
    main()
