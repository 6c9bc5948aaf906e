"""What one sharing decision costs in this process's CPU and in SQL statements, through the
service and through the API: figures a shared machine blurs far less than throughput, since
they count only this process's own CPU time.

Run it with `make bench-write-cost`. It drops and recreates the database named in
DATABASE_URL (only if the name contains "bench"), seeds the demo people, and prints process
CPU ms, wall ms and statements per decision, through referrals.services.case.referral_share
and through POST /api/referrals/<id>/sharing-decisions/ in this process (django.test.Client:
the whole middleware stack and DRF, a session signed in through the sign-in form, CSRF
enforced). PostgreSQL's own CPU is not in these figures; the statement count stands for it.
Nothing here asserts on timing.
"""

import logging
import os
import sys
from time import perf_counter, process_time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prevent_cases.settings.base")
django.setup()

from django.conf import settings  # noqa: E402  (settings exist only after setup)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from prevent_cases.demo.seed import seed_people  # noqa: E402
from prevent_cases.models import User  # noqa: E402
from tests.bench.chain_check import chain_shape  # noqa: E402
from tests.bench.database import recreate_and_migrate  # noqa: E402
from tests.bench.report import line, table  # noqa: E402
from tests.bench.writers import CATEGORY_SETS, plan_writers, share_calls  # noqa: E402
from tests.factories import decision_input  # noqa: E402

# Decisions timed on each path, after a warm-up of WARM_UP (caches filled, code paths run).
DECISIONS = int(os.environ.get("BENCH_DECISIONS", "400"))
WARM_UP = 20
ROUNDS = 4
PASSWORD = "bench-password-2026"


def _plan(decisions: int):
    officer = User.objects.select_related("membership__agency__area").get(
        username="northby.officer"
    )
    return officer, plan_writers(1, decisions, [officer])[0]


def _api_calls(officer, plan):
    officer.set_password(PASSWORD)
    officer.save(update_fields=["password"])
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    client.post(
        reverse("login"),
        {
            "username": officer.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    token = client.cookies["csrftoken"].value
    bodies = []
    for categories in CATEGORY_SETS:
        body = decision_input(categories=categories).__dict__.copy()
        body["categories"] = list(categories)
        bodies.append(body)

    def call(number: int) -> None:
        referral_id = plan.referral_ids[number // len(plan.receiver_ids)]
        answer = client.post(
            reverse("referrals-api:sharing-decisions", kwargs={"referral_id": referral_id}),
            {
                **bodies[number % len(bodies)],
                "receiving_agency": str(plan.receiver_ids[number % len(plan.receiver_ids)]),
            },
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
        if answer.status_code != 201:
            raise RuntimeError(f"sharing answered {answer.status_code}: {answer.content[:300]!r}")

    return [lambda number=number: call(number) for number in range(plan.decisions)]


def _cost(calls) -> tuple[float, float, float]:
    """Process CPU ms and wall ms per call, each the best of ROUNDS rounds (other work on a
    shared machine only ever adds to them), and statements per call, after a warm-up."""
    for call in calls[:WARM_UP]:
        call()
    timed = calls[WARM_UP:]
    with CaptureQueriesContext(connection) as queries:
        timed[0]()
    statements = len(queries)
    per_round = (len(timed) - 1) // ROUNDS
    cpu_ms, wall_ms = [], []
    for start in range(1, 1 + per_round * ROUNDS, per_round):
        cpu, wall = process_time(), perf_counter()
        for call in timed[start : start + per_round]:
            call()
        cpu_ms.append((process_time() - cpu) * 1000 / per_round)
        wall_ms.append((perf_counter() - wall) * 1000 / per_round)
    return min(cpu_ms), min(wall_ms), statements


def bench_decisions() -> None:
    line(
        f"1. One sharing decision ({DECISIONS} timed on each path in {ROUNDS} rounds, "
        f"after {WARM_UP}; best round)"
    )
    rows = []
    for via, make_calls in (("service", share_calls), ("API", _api_calls)):
        officer, plan = _plan(DECISIONS + WARM_UP + 1)
        cpu_ms, wall_ms, statements = _cost(make_calls(officer, plan))
        rows.append((via, f"{cpu_ms:.2f}", f"{wall_ms:.2f}", statements))
    table(("via", "CPU ms/decision", "wall ms/decision", "statements"), rows)
    line(f"   chain check: {chain_shape()}")
    line()


def main() -> None:
    version = recreate_and_migrate()
    seed_people()
    # Queries are not kept in memory as they would not be in production; the statement
    # count comes from CaptureQueriesContext, which counts regardless.
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # A log line per API request would drown the figures.
    logging.disable(logging.INFO)
    line(f"PostgreSQL {version}, Python {sys.version.split()[0]}")
    bench_decisions()


if __name__ == "__main__":
    main()
