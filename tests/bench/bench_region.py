"""Reads and writes through gunicorn on PostgreSQL, on whatever the database holds: `make
bench`. docs/benchmarks.md says what it measures and how to read it.

The database in DATABASE_URL is used as it is: never dropped, created or migrated (the
name must contain "region" or "bench", so a live database cannot be named by mistake).
The write part adds synthetic rows to it. BENCH_PARTS picks parts (reads, writes; both by
default), BENCH_SECONDS how long each read run lasts, BENCH_WRITE_SCALE multiplies the
number of writes.
"""

import logging
import os
import platform
import sys
import uuid
from importlib.metadata import version as installed_version
from time import monotonic

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prevent_cases.settings.base")
django.setup()

from django.conf import settings  # noqa: E402  (settings exist only after setup)
from django.db import connection  # noqa: E402

from audit.models import AuditEvent, SharingDecision  # noqa: E402
from panels.models import AgendaItem, Intervention, PanelCase  # noqa: E402
from referrals.models import Referral  # noqa: E402
from tests.bench import http_writes, service_writes  # noqa: E402
from tests.bench.cast import Cast, choose_cast  # noqa: E402
from tests.bench.chain_check import chain_shape  # noqa: E402
from tests.bench.endpoints import baseline, measured_endpoints  # noqa: E402
from tests.bench.reads import (  # noqa: E402
    ReadRun,
    count_queries,
    run_reads,
    sign_in_clients,
    warm_up,
)
from tests.bench.report import line, percentile_ms, table  # noqa: E402
from tests.bench.server import WORKERS, Server, start_server  # noqa: E402
from tests.bench.write_fixtures import (  # noqa: E402
    WriteCast,
    cases_on_agenda,
    interventions_in_delivery,
    write_cast,
)
from tests.bench.writers import WriterRun, plan_writers, run_writers, sharing_jobs  # noqa: E402
from tests.bench.wrk_reads import run_wrk_reads  # noqa: E402

ALLOWED_NAME_PARTS = ("region", "bench")
READ_CLIENTS = (1, 16)
READ_SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
# Who plays many clients: wrk (the default), or "python" threads, to compare the two.
MANY_CLIENTS_VIA = os.environ.get("BENCH_MANY_CLIENTS", "wrk")
WRITE_SCALE = float(os.environ.get("BENCH_WRITE_SCALE", "1"))
# (writers, operations each). The lone writer does more, so its percentiles rest on as
# many samples; stage moves use up a case each, so there are fewer of them.
RUNS = {
    "sharing decision": ((1, 100), (16, 10)),
    "progress entry": ((1, 100), (16, 10)),
    "stage move (panel decision)": ((1, 24), (16, 3)),
}


class NotABenchDatabase(RuntimeError):
    """The configured database is not one this benchmark may write to."""


def _sized(per_writer: int) -> int:
    return max(1, round(per_writer * WRITE_SCALE))


def bench_database_name() -> str:
    config = settings.DATABASES["default"]
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise NotABenchDatabase("the region benchmark measures PostgreSQL; set DATABASE_URL")
    name = config["NAME"]
    if not any(part in name for part in ALLOWED_NAME_PARTS):
        raise NotABenchDatabase(
            f"refusing {name!r}: its name contains neither 'region' nor 'bench'"
        )
    return name


def _memory_gib() -> str:
    with open("/proc/meminfo") as meminfo:
        total_kib = int(meminfo.readline().split()[1])
    return f"{total_kib / 2**20:.1f} GiB"


def print_machine(name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    line(f"Region benchmark on {name}")
    line(
        f"  machine: {os.cpu_count()} CPUs (nproc), {_memory_gib()} memory; "
        f"PostgreSQL {server_version}"
    )
    line(
        f"  Python {platform.python_version()}, Django {django.get_version()}, "
        f"gunicorn {installed_version('gunicorn')} ({WORKERS} sync workers, DEBUG off)"
    )
    line(
        f"  data: {Referral.objects.count():,} referrals, {PanelCase.objects.count():,} panel "
        f"cases, {Intervention.objects.count():,} interventions, "
        f"{SharingDecision.objects.count():,} sharing decisions, "
        f"{AuditEvent.objects.count():,} audit events"
    )
    line()


def print_cast(cast: Cast) -> None:
    for role, user in cast.users().items():
        membership = user.membership
        line(f"  {role}: {user.username} ({membership.get_role_display()}, {membership.agency})")
    if cast.meeting_id is None:
        line("  the chair's panel has held no meeting: the meeting page is not measured")
    line()


def _cells(seconds: list[float]) -> tuple[str, str, str]:
    if not seconds:
        return ("-", "-", "-")
    return tuple(percentile_ms(seconds, percent) for percent in (50, 95, 99))


def _read_run(server: Server, sessions, base, endpoints) -> ReadRun:
    """One client is a thread of this process; many are played by wrk, unless told."""
    if len(sessions) == 1 or MANY_CLIENTS_VIA == "python":
        return run_reads(sessions, base, endpoints, seconds=READ_SECONDS)
    warm_up(sessions, base, endpoints)
    return run_wrk_reads(server, sessions, base, endpoints, seconds=READ_SECONDS)


def bench_reads(server: Server, cast: Cast) -> None:
    line(f"1. Reads: {READ_SECONDS:.0f} s at each of {', '.join(map(str, READ_CLIENTS))} client(s)")
    users = cast.users()
    base = baseline()
    endpoints = measured_endpoints(cast)
    queries = count_queries(users, [base, *endpoints])
    runs: list[ReadRun] = []
    for clients in READ_CLIENTS:
        started = monotonic()
        sessions = sign_in_clients(server, users, clients)
        line(
            f"   {clients} client(s): {sum(map(len, sessions))} sessions signed in "
            f"in {monotonic() - started:.1f} s"
        )
        runs.append(_read_run(server, sessions, base, endpoints))
    base_p95 = float(percentile_ms(runs[0].samples[base.name].seconds, 95))
    rows = []
    failures = []
    for endpoint in (base, *endpoints):
        role = "each role" if endpoint is base else endpoint.role
        row = [endpoint.name, role, queries[endpoint.name]]
        for run in runs:
            samples = run.samples.get(endpoint.name)
            seconds = samples.seconds if samples else []
            row += [len(seconds), *_cells(seconds)]
            if samples and samples.failures:
                failures.append(f"{endpoint.name} at {run.clients}: {dict(samples.failures)}")
            if run is runs[0]:
                p95 = float(_cells(seconds)[1]) if seconds else 0
                row.append(f"{p95 / base_p95:.1f}" if base_p95 else "-")
        rows.append(row)
    line()
    headers = ["endpoint", "as", "queries"]
    for number, clients in enumerate(READ_CLIENTS):
        headers += [f"n@{clients}", f"p50@{clients}", f"p95@{clients}", f"p99@{clients}"]
        if number == 0:
            headers.append("p95/base")
    table(headers, rows)
    for run in runs:
        line(
            f"   {run.clients} client(s): {run.requests:,} requests in {run.seconds:.1f} s, "
            f"{run.requests / run.seconds:.0f} requests/s; the clients ({run.via}) used "
            f"{run.client_cpu:.1f} CPU s ({run.client_cpu / run.seconds:.0%} of one core)"
        )
    line("   times in ms; p95/base: the endpoint's p95 over the baseline's, both at 1 client")
    for failure in failures:
        line(f"   NOT 200: {failure}")
    line()


def _run_row(kind: str, via: str, run: WriterRun) -> tuple:
    return (
        kind,
        via,
        run.writers,
        run.operations,
        f"{run.seconds:.2f}",
        f"{run.per_second:.0f}",
        *_cells(run.latencies),
    )


def _bench_sharing(server: Server, people: WriteCast) -> list[tuple]:
    kind = "sharing decision"
    rows = []
    for writers, each in RUNS[kind]:
        each = _sized(each)
        run = run_writers(sharing_jobs(plan_writers(writers, each, [people.officer])))
        rows.append(_run_row(kind, "service", run))
        plans = plan_writers(writers, each, [people.officer])
        run = http_writes.run_http_writers(
            server, people.officer.username, http_writes.sharing_jobs(plans)
        )
        rows.append(_run_row(kind, "HTTP", run))
    return rows


def _bench_progress(server: Server, people: WriteCast) -> list[tuple]:
    kind = "progress entry"
    most = max(writers for writers, _ in RUNS[kind])
    interventions = interventions_in_delivery(people, most)
    rows = []
    for writers, each in RUNS[kind]:
        each = _sized(each)
        own = interventions[:writers]
        run = run_writers(service_writes.progress_jobs(people.practitioner.pk, own, each))
        rows.append(_run_row(kind, "service", run))
        versions = dict(Intervention.objects.filter(pk__in=own).values_list("pk", "version"))
        run = http_writes.run_http_writers(
            server,
            people.practitioner.username,
            http_writes.progress_jobs(own, versions, each),
        )
        rows.append(_run_row(kind, "HTTP", run))
    return rows


def _item_versions(items: list[list[uuid.UUID]]) -> dict:
    ids = [item for own in items for item in own]
    return dict(AgendaItem.objects.filter(pk__in=ids).values_list("pk", "panel_case__version"))


def _bench_stage_moves(server: Server, people: WriteCast) -> tuple[list[tuple], list[int]]:
    kind = "stage move (panel decision)"
    rows, agenda_sizes = [], []
    for writers, each in RUNS[kind]:
        each = _sized(each)
        agenda = cases_on_agenda(people, writers, each)
        agenda_sizes.append(agenda.size)
        run = run_writers(service_writes.stage_move_jobs(people.chair.pk, agenda.items))
        rows.append(_run_row(kind, "service", run))
        agenda = cases_on_agenda(people, writers, each)
        agenda_sizes.append(agenda.size)
        run = http_writes.run_http_writers(
            server,
            people.chair.username,
            http_writes.stage_move_jobs(
                agenda.meeting_id, agenda.items, _item_versions(agenda.items)
            ),
        )
        rows.append(_run_row(kind, "HTTP", run))
    return rows, agenda_sizes


def bench_writes(server: Server, cast: Cast) -> None:
    line("2. Writes: each writer on rows of its own, made beforehand through the services")
    people = write_cast(cast)
    line(
        f"   as {people.officer.username} (sharing), {people.practitioner.username} (progress), "
        f"{people.chair.username} (panel decisions)"
    )
    started = monotonic()
    rows = _bench_sharing(server, people)
    line(f"   sharing decisions, with their referrals made: {monotonic() - started:.0f} s")
    started = monotonic()
    rows += _bench_progress(server, people)
    line(f"   progress entries, with their interventions made: {monotonic() - started:.0f} s")
    started = monotonic()
    stage_rows, agenda_sizes = _bench_stage_moves(server, people)
    line(f"   stage moves, with their cases and meetings made: {monotonic() - started:.0f} s")
    rows += stage_rows
    line()
    table(
        ("write", "via", "writers", "operations", "seconds", "per s", "p50 ms", "p95 ms", "p99 ms"),
        rows,
    )
    line(
        "   service: forked processes calling the service; HTTP: threads posting to the API "
        "through gunicorn"
    )
    line(
        "   meeting agendas of the stage moves: "
        + ", ".join(str(size) for size in agenda_sizes)
        + " items (the writers' cases and whatever else was due at the panel)"
    )
    line(f"   chain check after the writes: {chain_shape()}")
    line()


PARTS = {"reads": bench_reads, "writes": bench_writes}


def main() -> None:
    # The Makefile sets DEBUG=true only so this process's settings load without
    # ALLOWED_HOSTS; left on, every query would also be logged in memory. The server runs
    # with DEBUG off from the start.
    settings.DEBUG = False
    logging.disable(logging.INFO)
    parts = os.environ.get("BENCH_PARTS", "").split() or sys.argv[1:] or list(PARTS)
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise SystemExit(f"unknown parts {sorted(unknown)}; choose from {list(PARTS)}")
    name = bench_database_name()
    print_machine(name)
    cast = choose_cast()
    print_cast(cast)
    server = start_server()
    try:
        for part in parts:
            PARTS[part](server, cast)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
