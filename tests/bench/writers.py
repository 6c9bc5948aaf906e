"""Writes through the real services from several writer processes.

Each writer is a separate OS process with its own database connection (fork after every
connection is closed), calling a service exactly as a web or worker process would. The
sharing decisions here call referrals.services.case.referral_share: validate, insert the
decision, append its event under the chain lock, recompute the receiving agency's grants,
commit. `run_writers` runs any such job (tests.bench.service_writes has the others).
"""

import datetime
import multiprocessing
import traceback
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from time import perf_counter

from django.contrib.contenttypes.models import ContentType
from django.db import connections

from prevent_cases.models import Agency, User
from referrals.models import Referral
from referrals.rules.intake import ReferralIntake
from referrals.services.case import referral_create, referral_share
from tests.factories import decision_input

# Writers alternate between the two demo areas, each as that area's Prevent officer.
OFFICERS = ("northby.officer", "southmere.officer")
# Each referral is shared with this many partner agencies, one decision each, which is
# also what keeps any two concurrent decisions off the same (referral, agency) grants.
RECEIVERS_PER_REFERRAL = 5
# Decisions vary in what they disclose, within what the force's own record of a referral
# holds (referrals.selectors.record_categories).
CATEGORY_SETS = (
    ("identity", "concern"),
    ("identity",),
    ("concern", "screening"),
    ("identity", "concern", "family"),
)
# How long a writer waits for the others to be ready before giving up on the run.
START_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class WriterPlan:
    officer_id: uuid.UUID
    referral_ids: tuple[uuid.UUID, ...]
    receiver_ids: tuple[uuid.UUID, ...]
    decisions: int


@dataclass(frozen=True)
class WriterResult:
    started: float
    finished: float
    latencies: list[float]


@dataclass(frozen=True)
class WriterRun:
    writers: int
    operations: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.operations / self.seconds


# A writer's work: given a callable that waits for every writer to be ready, prepare, wait,
# then time each operation. It runs in a forked child, so it may be a closure.
Job = Callable[[Callable[[], None]], WriterResult]


def timed_calls(calls: Sequence[Callable[[], object]]) -> WriterResult:
    """Make the calls one after another, timing each and the whole."""
    latencies = []
    started = perf_counter()
    for call in calls:
        call_started = perf_counter()
        call()
        latencies.append(perf_counter() - call_started)
    return WriterResult(started=started, finished=perf_counter(), latencies=latencies)


def _referral_pool(officer: User, count: int) -> tuple[uuid.UUID, ...]:
    """Referrals owned by the officer's agency, logged through the real intake service."""
    membership = officer.membership
    return tuple(
        referral_create(
            actor=officer,
            membership=membership,
            intake=ReferralIntake(
                area_id=membership.agency.area_id,
                given_names="Bench",
                family_name=f"Subject{number:05d}",
                date_of_birth=datetime.date(2008, 1, 1) + datetime.timedelta(days=number % 700),
                received_on=datetime.date(2026, 11, 2),
                concern_summary="Synthetic concern written for the audit benchmark.",
            ),
        ).pk
        for number in range(count)
    )


def plan_writers(
    writers: int, per_writer: int, officers: Sequence[User] | None = None
) -> list[WriterPlan]:
    """Give every writer its own fresh referrals and the partner agencies to share with;
    writers take turns among the officers (by default the demo areas' two)."""
    if officers is None:
        officers = [
            User.objects.select_related("membership__agency__area").get(username=username)
            for username in OFFICERS
        ]
    plans = []
    referrals_each = -(-per_writer // RECEIVERS_PER_REFERRAL)
    for index in range(writers):
        officer = officers[index % len(officers)]
        agency = officer.membership.agency
        receivers = (
            Agency.objects.filter(area=agency.area_id)
            .exclude(pk=agency.pk)
            .order_by("name")
            .values_list("pk", flat=True)[:RECEIVERS_PER_REFERRAL]
        )
        plans.append(
            WriterPlan(
                officer_id=officer.pk,
                referral_ids=_referral_pool(officer, referrals_each),
                receiver_ids=tuple(receivers),
                decisions=per_writer,
            )
        )
    return plans


def share_calls(officer: User, plan: WriterPlan) -> list[Callable[[], object]]:
    """The plan's decisions as calls of the sharing service, its referrals and receivers
    read beforehand: each referral shared with each receiver in turn."""
    membership = officer.membership
    referrals = Referral.objects.in_bulk(plan.referral_ids)
    receivers = Agency.objects.in_bulk(plan.receiver_ids)
    inputs = [decision_input(categories=categories) for categories in CATEGORY_SETS]
    return [
        lambda number=number: referral_share(
            actor=officer,
            membership=membership,
            referral=referrals[plan.referral_ids[number // len(plan.receiver_ids)]],
            receiving_agency=receivers[plan.receiver_ids[number % len(plan.receiver_ids)]],
            data=inputs[number % len(inputs)],
        )
        for number in range(plan.decisions)
    ]


def _record_decisions(plan: WriterPlan, ready: Callable[[], None]) -> WriterResult:
    officer = User.objects.select_related("membership__agency").get(pk=plan.officer_id)
    calls = share_calls(officer, plan)
    # The content type cache is per process; fill it before the clock starts, as a
    # long-running web process would have.
    ContentType.objects.get_for_model(Referral)
    ready()
    return timed_calls(calls)


def sharing_jobs(plans: Sequence[WriterPlan]) -> list[Job]:
    """One job per plan, recording its decisions."""
    return [lambda ready, plan=plan: _record_decisions(plan, ready) for plan in plans]


def _writer_process(job: Job, barrier, results) -> None:
    try:
        results.put(job(lambda: barrier.wait(timeout=START_TIMEOUT_SECONDS)))
    except Exception:
        # Hand the failure to the parent, which would otherwise wait for a result forever.
        barrier.abort()
        results.put(traceback.format_exc())
    finally:
        connections.close_all()


def run_writers(jobs: Sequence[Job]) -> WriterRun:
    """Start one process per job, release them together, and gather their timings."""
    # A forked child must not share the parent's socket to PostgreSQL.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(jobs))
    results = context.Queue()
    processes = [
        context.Process(target=_writer_process, args=(job, barrier, results)) for job in jobs
    ]
    for process in processes:
        process.start()
    outcomes = [results.get() for _ in processes]
    for process in processes:
        process.join()
    failures = [outcome for outcome in outcomes if isinstance(outcome, str)]
    if failures:
        raise RuntimeError("a writer failed:\n" + failures[0])
    started = min(outcome.started for outcome in outcomes)
    finished = max(outcome.finished for outcome in outcomes)
    latencies = [latency for outcome in outcomes for latency in outcome.latencies]
    return WriterRun(
        writers=len(jobs),
        operations=len(latencies),
        seconds=finished - started,
        latencies=latencies,
    )
