"""The same three writes through the API, via gunicorn: recording a sharing decision,
a progress entry on an intervention, and the panel's decision that moves a case.

Each writer is a thread with its own signed-in session, on the same rows a service writer
would have (tests.bench.write_fixtures); the threads start together on a barrier. A write
that does not answer 201 stops the run with what the API said, so a refused or conflicting
write is never timed as a fast one.
"""

import dataclasses
import threading
import traceback
import uuid
from collections.abc import Callable, Sequence
from queue import Queue

from django.urls import reverse

from tests.bench.clients import Session, signed_in
from tests.bench.server import Server
from tests.bench.write_fixtures import decision_data
from tests.bench.writers import (
    CATEGORY_SETS,
    START_TIMEOUT_SECONDS,
    WriterPlan,
    WriterResult,
    WriterRun,
    timed_calls,
)
from tests.factories import decision_input
from tests.panels.delivery_steps import session as progress_session

CREATED = 201

# A writer's work over HTTP: its signed-in session, and the wait for the others.
HttpJob = Callable[[Session, Callable[[], None]], WriterResult]


class WriteRefused(RuntimeError):
    """The API answered a write with something other than 201."""


def _created(answer, what: str) -> dict:
    if answer.status != CREATED:
        raise WriteRefused(f"{what} answered {answer.status}: {answer.body[:500]!r}")
    return answer.json()


def _share_calls(session: Session, plan: WriterPlan) -> list[Callable[[], object]]:
    bodies = []
    for categories in CATEGORY_SETS:
        body = dataclasses.asdict(decision_input(categories=categories))
        body["categories"] = list(categories)
        bodies.append(body)
    calls = []
    for number in range(plan.decisions):
        referral_id = plan.referral_ids[number // len(plan.receiver_ids)]
        path = reverse("referrals-api:sharing-decisions", kwargs={"referral_id": referral_id})
        body = {
            **bodies[number % len(bodies)],
            "receiving_agency": plan.receiver_ids[number % len(plan.receiver_ids)],
        }
        calls.append(
            lambda path=path, body=body: _created(session.post_json(path, body), "sharing")
        )
    return calls


def sharing_jobs(plans: Sequence[WriterPlan]) -> list[HttpJob]:
    """POST /api/referrals/<id>/sharing-decisions/, each writer on its own plan."""

    def job(plan: WriterPlan, session: Session, ready: Callable[[], None]) -> WriterResult:
        calls = _share_calls(session, plan)
        ready()
        return timed_calls(calls)

    return [lambda session, ready, plan=plan: job(plan, session, ready) for plan in plans]


def progress_jobs(interventions: list[uuid.UUID], versions: dict, count: int) -> list[HttpJob]:
    """POST /api/panels/interventions/<id>/progress/, each writer on its own intervention,
    naming the version the previous entry's answer gave."""
    entry = dataclasses.asdict(progress_session())
    entry["ratings"] = []

    def job(intervention_id, session: Session, ready: Callable[[], None]) -> WriterResult:
        path = reverse("panels-api:progress-record", kwargs={"intervention_id": intervention_id})
        version = [versions[intervention_id]]

        def record() -> None:
            answer = _created(session.post_json(path, {**entry, "version": version[0]}), "progress")
            version[0] = answer["version"]

        ready()
        return timed_calls([record] * count)

    return [
        lambda session, ready, intervention_id=intervention_id: job(intervention_id, session, ready)
        for intervention_id in interventions
    ]


def stage_move_jobs(
    meeting_id: uuid.UUID, items: list[list[uuid.UUID]], versions: dict
) -> list[HttpJob]:
    """POST /api/panels/meetings/<id>/items/<id>/decision/, each writer on its own items."""

    def job(own: list[uuid.UUID], session: Session, ready: Callable[[], None]) -> WriterResult:
        calls = []
        for item_id in own:
            path = reverse(
                "panels-api:agenda-decision",
                kwargs={"meeting_id": meeting_id, "item_id": item_id},
            )
            body = decision_data(versions[item_id])
            calls.append(
                lambda path=path, body=body: _created(session.post_json(path, body), "decision")
            )
        ready()
        return timed_calls(calls)

    return [lambda session, ready, own=own: job(own, session, ready) for own in items]


def _writer_thread(job: HttpJob, session: Session, barrier, results: Queue) -> None:
    try:
        results.put(job(session, lambda: barrier.wait(timeout=START_TIMEOUT_SECONDS)))
    except Exception:
        barrier.abort()
        results.put(traceback.format_exc())


def run_http_writers(server: Server, username: str, jobs: Sequence[HttpJob]) -> WriterRun:
    """Sign in one session per job as `username`, start the jobs together, gather timings."""
    sessions = [signed_in(server, username) for _ in jobs]
    barrier = threading.Barrier(len(jobs))
    results: Queue = Queue()
    threads = [
        threading.Thread(target=_writer_thread, args=(job, session, barrier, results))
        for job, session in zip(jobs, sessions, strict=True)
    ]
    for thread in threads:
        thread.start()
    outcomes = [results.get() for _ in threads]
    for thread in threads:
        thread.join()
    failures = [outcome for outcome in outcomes if isinstance(outcome, str)]
    if failures:
        raise RuntimeError("a writer failed:\n" + failures[0])
    latencies = [latency for outcome in outcomes for latency in outcome.latencies]
    return WriterRun(
        writers=len(jobs),
        operations=len(latencies),
        seconds=max(o.finished for o in outcomes) - min(o.started for o in outcomes),
        latencies=latencies,
    )
