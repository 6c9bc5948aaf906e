"""Other users during a large CSV import: how long opening a case page and signing in take
while one process imports thousands of referrals.

Two OS processes, each with its own database connection (forked after every connection is
closed): the importer runs the real import service on a synthetic file in the importer's
format; the prober, through django.test.Client and the whole middleware stack, alternately
opens a case page as a Prevent officer of the owning force and signs in through the sign-in
page. Every request is tagged with what the import was doing when it started.
"""

import datetime
import multiprocessing
import traceback
import uuid
from dataclasses import dataclass
from time import perf_counter, sleep

from django.db import connections
from django.test import Client

import audit.record.chain
from prevent_cases.demo.accounts import DEMO_PASSWORD
from prevent_cases.models import User
from referrals.models import ImportJob
from referrals.services.case import referral_create
from referrals.services.imports import import_job_create, import_job_run
from tests.factories import intake

COLUMNS = (
    "given_names",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "received_on",
    "concern_summary",
    "referrer_sector",
    "area",
    "concern_type",
    "interpreter_needed",
    "person_aware",
)
# Who imports, and who opens a case and signs in meanwhile: officers of different forces.
IMPORTER = "southmere.officer"
PROBER = "northby.officer"
# The prober samples an idle system first, so the figures during the import have a baseline.
IDLE_SECONDS = 3
# How long either process waits for the other before giving up on the run.
START_TIMEOUT_SECONDS = 120
# The test client's default host, "testserver", is not in ALLOWED_HOSTS.
HOST = "localhost"
# What the prober calls each phase of the import, by the job's status.
PHASES = {
    ImportJob.Status.QUEUED: "idle",
    ImportJob.Status.CHECKING: "checking rows",
    ImportJob.Status.IMPORTING: "writing rows",
}
REQUESTS = ("open case page", "sign in")


@dataclass(frozen=True)
class Sample:
    phase: str
    request: str
    seconds: float
    status: int
    # Of those seconds, how long the request waited for the chain lock.
    lock_wait: float


@dataclass(frozen=True)
class ImportRun:
    status: str
    rows: int
    seconds: float
    # How long each batch of events took to append (the chain lock is held from its start
    # to the commit right after).
    batch_seconds: list[float]


@dataclass(frozen=True)
class StallRun:
    rows: int
    import_run: ImportRun
    samples: list[Sample]


def synthetic_file(rows: int, area_code: str) -> bytes:
    """A CSV file of synthetic referrals, in the columns the importer reads."""
    lines = [",".join(COLUMNS)]
    for number in range(rows):
        born = datetime.date(2006, 1, 1) + datetime.timedelta(days=number % 3000)
        lines.append(
            ",".join(
                (
                    "Bench",
                    f"Imported{number:05d}",
                    born.isoformat(),
                    ("female", "male", "not_known")[number % 3],
                    f"NB{number % 9 + 1} {number % 9 + 1}AA",
                    "2026-11-02",
                    "Synthetic concern written for the import benchmark.",
                    ("education", "health", "police", "other")[number % 4],
                    area_code,
                    "no_ideology",
                    "no",
                    "not_known",
                )
            )
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


# The two measurements below wrap a step of audit.record.chain in the benchmark's own process only,
# to time it where it runs; the code they measure is unchanged.


def _timed_batches(batch_seconds: list[float]) -> None:
    """Record how long each batch append takes (lock, head, hashes, insert)."""
    write_batch = audit.record.chain._write_batch

    def timed(batch):
        started = perf_counter()
        write_batch(batch)
        batch_seconds.append(perf_counter() - started)

    audit.record.chain._write_batch = timed


def _timed_lock_waits(lock_waits: list[float]) -> None:
    """Record how long each append waits for the chain lock: the call that takes it and
    inserts the prober's one event, which is all wait but a fraction of a millisecond."""
    append_on_server = audit.record.chain._append_on_server

    def timed(batch):
        started = perf_counter()
        placed = append_on_server(batch)
        lock_waits.append(perf_counter() - started)
        return placed

    audit.record.chain._append_on_server = timed


def _importer(job_id: uuid.UUID, ready, finished, results) -> None:
    try:
        if not ready.wait(timeout=START_TIMEOUT_SECONDS):
            raise RuntimeError("the prober did not start")
        sleep(IDLE_SECONDS)
        batch_seconds: list[float] = []
        _timed_batches(batch_seconds)
        started = perf_counter()
        job = import_job_run(job_id=job_id)
        results.put(
            ImportRun(
                status=job.status,
                rows=job.imported_rows,
                seconds=perf_counter() - started,
                batch_seconds=batch_seconds,
            )
        )
    except Exception:
        results.put(traceback.format_exc())
    finally:
        finished.set()
        connections.close_all()


def _signed_in_client(username: str) -> tuple[Client, int]:
    client = Client(HTTP_HOST=HOST)
    response = client.post("/sign-in/", {"username": username, "password": DEMO_PASSWORD})
    return client, response.status_code


def _prober(job_id: uuid.UUID, referral_id: uuid.UUID, ready, finished, results) -> None:
    try:
        reader, status = _signed_in_client(PROBER)
        if status != 302:
            raise RuntimeError(f"the prober could not sign in ({status})")
        lock_waits: list[float] = []
        _timed_lock_waits(lock_waits)
        requests = (
            lambda: reader.get(f"/referrals/{referral_id}/").status_code,
            lambda: _signed_in_client(PROBER)[1],
        )
        ready.set()
        samples = []
        while not finished.is_set():
            phase = PHASES.get(ImportJob.objects.get(pk=job_id).status)
            if phase is None:
                break
            for name, request in zip(REQUESTS, requests, strict=True):
                lock_waits.clear()
                started = perf_counter()
                status = request()
                seconds = perf_counter() - started
                samples.append(Sample(phase, name, seconds, status, sum(lock_waits)))
        results.put(samples)
    except Exception:
        ready.set()
        results.put(traceback.format_exc())
    finally:
        connections.close_all()


def run_import_stall(rows: int) -> StallRun:
    """Import `rows` synthetic referrals in one process while another opens a case page and
    signs in, and gather what each saw."""
    importer = User.objects.select_related("membership__agency__area").get(username=IMPORTER)
    prober = User.objects.select_related("membership__agency__area").get(username=PROBER)
    # The case the prober opens: a referral its own force logged.
    referral_id = referral_create(
        actor=prober, membership=prober.membership, intake=intake(prober)
    ).pk
    job = import_job_create(
        actor=importer,
        membership=importer.membership,
        file_name="bench.csv",
        data=synthetic_file(rows, importer.membership.agency.area.code),
        in_background=False,
    )
    # A forked child must not share the parent's socket to PostgreSQL.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    ready, finished = context.Event(), context.Event()
    import_results, probe_results = context.Queue(), context.Queue()
    processes = [
        context.Process(target=_importer, args=(job.pk, ready, finished, import_results)),
        context.Process(target=_prober, args=(job.pk, referral_id, ready, finished, probe_results)),
    ]
    for process in processes:
        process.start()
    import_run, samples = import_results.get(), probe_results.get()
    for process in processes:
        process.join()
    for outcome in (import_run, samples):
        if isinstance(outcome, str):
            raise RuntimeError("a benchmark process failed:\n" + outcome)
    return StallRun(rows=rows, import_run=import_run, samples=samples)
