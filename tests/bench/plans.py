"""The query plans behind each page and API read the region benchmark times: `make
bench-plans`. docs/benchmarks.md keeps what it printed at region scale.

Each endpoint is requested once as its role, through django.test.Client and the whole
middleware stack, and every SELECT it ran is run again under EXPLAIN (ANALYZE, BUFFERS). A
plan that needs JIT, or scans a whole large table, is what grows with a region; both are
flagged. Reads only: the endpoints' own audit events are written as they would be.
"""

import logging
import os
import re
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prevent_cases.settings.base")
django.setup()

from django.conf import settings  # noqa: E402  (settings exist only after setup)
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tests.bench.bench_region import bench_database_name  # noqa: E402
from tests.bench.cast import choose_cast  # noqa: E402
from tests.bench.endpoints import baseline, measured_endpoints  # noqa: E402
from tests.bench.reads import in_process_clients  # noqa: E402
from tests.bench.report import line  # noqa: E402

# Tables a region holds tens of thousands of rows of or more: a sequential scan of one is
# work that grows with the region.
LARGE_ROWS = 10_000
EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


def _large_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples >= %s",
            [LARGE_ROWS],
        )
        return {name for (name,) in cursor.fetchall()}


def _explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row for (row,) in cursor.fetchall())


def main() -> None:
    bench_database_name()  # refuses any database not named for a bench or region
    settings.DEBUG = False
    logging.disable(logging.INFO)  # one line a request would bury the table
    show_plans = "--plans" in sys.argv
    cast = choose_cast()
    large = _large_tables()
    clients = in_process_clients(cast.users())
    line(f"{'endpoint':<28} {'queries':>7} {'slowest ms':>10} {'all ms':>7}  flags")
    for endpoint in [baseline(), *measured_endpoints(cast)]:
        client = clients[endpoint.role]
        client.get(endpoint.path)
        with CaptureQueriesContext(connection) as queries:
            status = client.get(endpoint.path).status_code
        plans = [
            (_explain(query["sql"]), query["sql"])
            for query in queries.captured_queries
            # A UNION of several lists' first rows opens with a parenthesis.
            if query["sql"].lstrip("( \n").upper().startswith("SELECT")
        ]
        timed = [(float(EXECUTION.search(plan).group(1)), plan, sql) for plan, sql in plans]
        flags = sorted(
            {f"seq scan {table}" for plan, _ in plans for table in SEQ_SCAN.findall(plan)}
            & {f"seq scan {table}" for table in large}
        )
        if any("JIT:" in plan for plan, _ in plans):
            flags.append("JIT")
        if status != 200:
            flags.append(f"answered {status}")
        slowest = max(timed, default=(0.0, "", ""))
        line(
            f"{endpoint.name:<28} {len(queries):>7} {slowest[0]:>10.2f} "
            f"{sum(ms for ms, _, _ in timed):>7.2f}  {', '.join(flags) or '-'}"
        )
        if show_plans and slowest[1]:
            line(f"\n  slowest query of {endpoint.name}:\n  {slowest[2][:600]}\n")
            line("\n".join(f"    {row}" for row in slowest[1].splitlines()) + "\n")


if __name__ == "__main__":
    main()
