"""Timing reads through gunicorn at 1 and at 16 concurrent clients, and counting the
queries each makes.

Every client has its own signed-in sessions: the lone client one per role, each of 16
clients one role (tests.bench.reads.sign_in_clients). The lone client is a thread of this
process; many clients are played by wrk (tests.bench.wrk_reads), so that their own CPU
does not slow the server they time, in the same order and with the same sessions. In each
round a client opens its endpoints in a fresh random order, each after the baseline
through the same session, until the time is up; so the baseline is sampled all through
the run, under the same load as what it is compared with. Reads are not free of writes:
each case read appends its event to the audit chain, as in production.

Queries are counted in this process, not in gunicorn (whose settings stay as deployed):
the same request, as the same user signed in through the same sign-in page, through
django.test.Client and the whole middleware stack, under CaptureQueriesContext. The
second of two identical requests is counted, so per-process caches are warm, as they are
in a worker that has served a while.
"""

import random
import threading
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from time import monotonic, process_time

from django.db import connection
from django.test import Client as TestClient
from django.test.utils import CaptureQueriesContext

from prevent_cases.models import User
from tests.bench.clients import PASSWORD, Session, signed_in
from tests.bench.endpoints import Endpoint
from tests.bench.server import HOST, Server

# Every endpoint is opened this many times per client before timing starts, so each
# worker has imported, compiled and connected before its first timed request.
WARM_UP_ROUNDS = 2

# A client: its signed-in sessions, by role.
Client = dict[str, Session]


@dataclass
class Samples:
    seconds: list[float] = field(default_factory=list)
    # Answers other than 200, by status, so a refused or broken page is not timed unnoticed.
    failures: dict[int, int] = field(default_factory=lambda: defaultdict(int))


@dataclass(frozen=True)
class ReadRun:
    clients: int
    seconds: float
    samples: dict[str, Samples]
    # CPU seconds the load generator itself used over the run, and what it was.
    client_cpu: float = 0.0
    via: str = "Python threads"

    @property
    def requests(self) -> int:
        return sum(len(s.seconds) + sum(s.failures.values()) for s in self.samples.values())


def sign_in_clients(server: Server, users: dict[str, User], clients: int) -> list[Client]:
    """Sign in `clients` clients concurrently. A lone client has a session for every role
    and opens every endpoint; several clients take one role each, in turn, and open that
    role's endpoints (signing in is deliberately slow, and 16 clients with a session per
    role would spend minutes on it)."""
    roles = list(users)
    wanted = [roles] if clients == 1 else [[roles[n % len(roles)]] for n in range(clients)]
    pairs = [(number, role) for number, own in enumerate(wanted) for role in own]
    with ThreadPoolExecutor(max_workers=min(len(pairs), 16)) as pool:
        sessions = list(pool.map(lambda pair: signed_in(server, users[pair[1]].username), pairs))
    signed: list[Client] = [{} for _ in wanted]
    for (number, role), session in zip(pairs, sessions, strict=True):
        signed[number][role] = session
    return signed


def _client_loop(
    sessions: dict[str, Session],
    baseline: Endpoint,
    endpoints: Sequence[Endpoint],
    deadline: float,
    seed: int,
    samples: dict[str, Samples],
    lock: threading.Lock,
) -> None:
    order = random.Random(seed)
    mine: dict[str, Samples] = defaultdict(Samples)
    finished_a_round = False
    while not finished_a_round or monotonic() < deadline:
        for endpoint in order.sample(list(endpoints), len(endpoints)):
            if finished_a_round and monotonic() >= deadline:
                break
            # The baseline goes through the same session as the endpoint it precedes.
            session = sessions[endpoint.role]
            for step in (baseline, endpoint):
                answer = session.get(step.path)
                if answer.status == 200:
                    mine[step.name].seconds.append(answer.seconds)
                else:
                    mine[step.name].failures[answer.status] += 1
        finished_a_round = True
    with lock:
        for name, own in mine.items():
            samples[name].seconds.extend(own.seconds)
            for status, count in own.failures.items():
                samples[name].failures[status] += count


def warm_up(sessions: list[Client], baseline: Endpoint, endpoints: Sequence[Endpoint]) -> None:
    """Open every endpoint WARM_UP_ROUNDS times from each client, untimed."""
    for _ in range(WARM_UP_ROUNDS):
        for own in sessions:
            for endpoint in endpoints:
                if endpoint.role in own:
                    own[endpoint.role].get(baseline.path)
                    own[endpoint.role].get(endpoint.path)


def run_reads(
    sessions: list[Client],
    baseline: Endpoint,
    endpoints: Sequence[Endpoint],
    *,
    seconds: float,
) -> ReadRun:
    """Warm up, then time requests from every client (its sessions, the endpoints of its
    roles) for `seconds`, each client a thread of this process."""
    warm_up(sessions, baseline, endpoints)
    samples: dict[str, Samples] = defaultdict(Samples)
    lock = threading.Lock()
    started, cpu = monotonic(), process_time()
    threads = [
        threading.Thread(
            target=_client_loop,
            args=(
                own,
                baseline,
                [endpoint for endpoint in endpoints if endpoint.role in own],
                started + seconds,
                number,
                samples,
                lock,
            ),
        )
        for number, own in enumerate(sessions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ReadRun(
        clients=len(sessions),
        seconds=monotonic() - started,
        samples=dict(samples),
        client_cpu=process_time() - cpu,
    )


def in_process_clients(users: dict[str, User]) -> dict[str, TestClient]:
    """A django.test.Client per role, signed in through the sign-in page."""
    clients = {}
    for role, user in users.items():
        client = TestClient(HTTP_HOST=HOST)
        client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
        clients[role] = client
    return clients


def count_queries(users: dict[str, User], endpoints: Sequence[Endpoint]) -> dict[str, int]:
    """Queries per request of each endpoint, in this process (see the module docstring)."""
    clients = in_process_clients(users)
    counts = {}
    for endpoint in endpoints:
        client = clients[endpoint.role]
        client.get(endpoint.path)
        with CaptureQueriesContext(connection) as queries:
            client.get(endpoint.path)
        counts[endpoint.name] = len(queries)
    return counts
