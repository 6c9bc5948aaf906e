"""The application as it is deployed: gunicorn's sync workers with DEBUG off, started on a
free loopback port for the length of a benchmark.

Settings are the production ones, from the environment only: DEBUG off, demo mode off, the
real session, CSRF, sign-in and membership middleware, whitenoise and secure cookies.
Requests say they came through a TLS-terminating proxy (X-Forwarded-Proto: https, which
the settings trust), as every request in production does, so HTTPS redirection and
secure cookies stay on.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

from django.conf import settings

# Sync workers for two cores: one more than the cores, as the Dockerfile runs, so a worker
# waiting on PostgreSQL leaves the CPUs busy. Every request here is Python-bound (the ORM,
# templates, serializers), so more processes only take turns on the same two cores, and
# threads share one interpreter lock: measured on this machine, 5 sync workers and gthread
# (2 workers of 4 threads) both gave the same throughput as 3 sync workers with two to
# three times their p99 (shared/ecosystem.md, section 4). Many clients beyond the workers
# wait in the listen queue, which is what a p95 at 16 clients measures.
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 60
# What the proxy in front of gunicorn says of every request.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


class ServerFailed(RuntimeError):
    """gunicorn did not start or answer; the message ends with its log."""


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def origin(self) -> str:
        """The address browsers see, behind the proxy."""
        return f"https://{HOST}:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def production_environment() -> dict[str, str]:
    """The environment of a deployed web process on the benchmark's database."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DEMO_MODE", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(
        DATABASE_URL=os.environ["DATABASE_URL"],
        DJANGO_SETTINGS_MODULE="prevent_cases.settings.base",
        ALLOWED_HOSTS=HOST,
        SECRET_KEY=settings.SECRET_KEY,
        AUDIT_SIGNING_KEY=settings.AUDIT_SIGNING_KEY,
        # Checkpoints written by the benchmark's requests stay out of the project folder.
        AUDIT_CHECKPOINT_DIR=tempfile.gettempdir(),
    )
    return environment


def _collect_static(environment: dict[str, str]) -> None:
    """Pages name their assets through whitenoise's manifest, which collectstatic writes."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
        env=environment,
        check=True,
        cwd=settings.BASE_DIR,
    )


def _answers(port: int) -> bool:
    connection = HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", "/healthz", headers=PROXY_HEADERS)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def start_server() -> Server:
    """Start gunicorn and return once it answers its health check."""
    environment = production_environment()
    _collect_static(environment)
    port = _free_port()
    log = Path(tempfile.mkstemp(prefix="bench-gunicorn-", suffix=".log")[1])
    process = subprocess.Popen(  # noqa: S603  (our own gunicorn, fixed arguments)
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "prevent_cases.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            # Request logs would only slow the workers down.
            "--log-level",
            "warning",
        ],
        env=environment,
        cwd=settings.BASE_DIR,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    server = Server(process=process, port=port, log=log)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not _answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise ServerFailed(f"gunicorn did not answer on port {port}:\n{log.read_text()}")
        time.sleep(0.2)
    return server
