"""Audit chain benchmark: sharing decisions per second from 1 and 16 writer processes, and
audit_verify over a million synthetic events. Run it with `make bench-audit`.

It drops and recreates the database named in DATABASE_URL (only if the name contains
"bench"), prints its figures and asserts nothing about timing. docs/benchmarks.md records
the figures and what they mean.
"""

import os
import platform

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prevent_cases.settings.base")
django.setup()

from django.conf import settings  # noqa: E402  (settings exist only after setup)
from django.db import connection  # noqa: E402

from prevent_cases.demo.seed import seed_people  # noqa: E402
from referrals.services import grants_rebuild_recorded  # noqa: E402
from tests.bench.chain_check import chain_shape  # noqa: E402
from tests.bench.database import recreate_and_migrate  # noqa: E402
from tests.bench.report import line, percentile_ms, table  # noqa: E402
from tests.bench.writers import plan_writers, run_writers  # noqa: E402

# (writers, decisions each): the same 2,400-odd decisions' worth of work either way would
# take too long single-threaded, so the lone writer does fewer.
WRITER_RUNS = ((1, 600), (16, 150))
TARGET_DECISIONS_PER_SECOND = 300


def bench_writers() -> None:
    line("1. Sharing decisions through referrals.services.referral_share")
    rows = []
    for writers, per_writer in WRITER_RUNS:
        run = run_writers(plan_writers(writers, per_writer))
        shape = chain_shape()
        rows.append(
            (
                writers,
                run.decisions,
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


def main() -> None:
    # Production runs with DEBUG off; the Makefile sets DEBUG=true only so the settings
    # load without ALLOWED_HOSTS. Left on, every query would also be logged in memory.
    settings.DEBUG = False
    version = recreate_and_migrate()
    line(
        f"Audit benchmark on {connection.settings_dict['NAME']}: PostgreSQL {version}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    seed_people()
    line()
    bench_writers()


if __name__ == "__main__":
    main()
