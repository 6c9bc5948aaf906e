"""Many clients' reads through wrk, a load generator in C, so that what is timed is the
server and not the clients.

Clients share the two cores with the gunicorn workers they time. A Python client's CPU
grows with the rate it sends at; wrk's event loop stays negligible at any rate the server
reaches (docs/benchmarks.md compares the two, with the CPU each run prints). Each
wrk thread holds one connection and plays one client of tests.bench.reads: its signed-in
session's cookies and CSRF header, its role's endpoints in a fresh random order each
round, each after the baseline (tests/bench/reads.lua). The samples come back per
endpoint, for the same percentiles as the one-client run.
"""

import json
import os
import resource
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from time import monotonic

from tests.bench.clients import TIMEOUT_SECONDS, Session
from tests.bench.endpoints import Endpoint
from tests.bench.reads import ReadRun, Samples
from tests.bench.server import HOST, Server

SCRIPT = Path(__file__).with_name("reads.lua")


class WrkMissing(RuntimeError):
    """wrk is not installed: `make bench` installs Debian's, or says how to."""


class WrkFailed(RuntimeError):
    """wrk did not finish its run; the message ends with what it said."""


def _lua(value) -> str:
    """A Lua literal for strings, lists and string-keyed tables (JSON strings are valid
    Lua strings for the ASCII these hold)."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "{" + ", ".join(_lua(item) for item in value) + "}"
    return "{" + ", ".join(f"[{_lua(key)}] = {_lua(item)}" for key, item in value.items()) + "}"


def _client(session: Session, baseline: Endpoint, endpoints: Sequence[Endpoint]) -> dict:
    return {
        "headers": session.read_headers(),
        "baseline": {"name": baseline.name, "path": baseline.path},
        "endpoints": [{"name": e.name, "path": e.path} for e in endpoints],
    }


def run_wrk_reads(
    server: Server,
    clients: list[dict[str, Session]],
    baseline: Endpoint,
    endpoints: Sequence[Endpoint],
    *,
    seconds: float,
) -> ReadRun:
    """Time every client's reads through wrk for `seconds`; a ReadRun, with the CPU
    seconds wrk used."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise WrkMissing("the many-client reads need wrk: apt-get install wrk")
    config = [
        _client(
            session,
            baseline,
            [endpoint for endpoint in endpoints if endpoint.role == role],
        )
        for own in clients
        for role, session in own.items()
    ]
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        clients_file = Path(folder, "clients.lua")
        clients_file.write_text("return " + _lua(config) + "\n")
        samples_file = Path(folder, "samples.tsv")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = monotonic()
        finished = subprocess.run(  # noqa: S603  (Debian's wrk, fixed arguments)
            [
                wrk,
                f"--threads={len(config)}",
                f"--connections={len(config)}",
                f"--duration={max(1, round(seconds))}s",
                f"--timeout={TIMEOUT_SECONDS}s",
                f"--script={SCRIPT}",
                f"http://{HOST}:{server.port}/",
                "--",
                str(clients_file),
            ],
            env={**os.environ, "BENCH_WRK_SAMPLES": str(samples_file)},
            capture_output=True,
            text=True,
        )
        if finished.returncode != 0 or not samples_file.exists():
            raise WrkFailed(f"wrk exited {finished.returncode}:\n{finished.stderr}")
        elapsed = monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        samples: dict[str, Samples] = defaultdict(Samples)
        for row in samples_file.read_text().splitlines():
            name, status, micros = row.split("\t")
            if status == "200":
                samples[name].seconds.append(float(micros) / 1e6)
            else:
                samples[name].failures[int(status)] += 1
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return ReadRun(
        clients=len(config), seconds=elapsed, samples=dict(samples), client_cpu=cpu, via="wrk"
    )
