"""A real task through a real Redis broker to a real worker, and its result back.

Runs when REDIS_URL is set (CI sets it); the worker gets its own migrated SQLite file
and its own queue so it cannot pick up anything else's work.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.celery_live,
    pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (a real Redis broker)"),
]


@pytest.fixture
def worker(tmp_path):
    queue = f"round-trip-{uuid.uuid4()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "prevent_cases.settings.base",
        "SECRET_KEY": "celery-round-trip",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "REDIS_URL": REDIS_URL,
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)  # noqa: S603
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "prevent_cases",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queue,
            "--loglevel=WARNING",
        ],
        env=env,
        cwd=ROOT,
    )
    yield queue
    process.terminate()
    process.wait(timeout=30)


def test_task_runs_on_a_real_worker_and_returns_its_result(worker):
    client = Celery(broker=REDIS_URL, backend=REDIS_URL)
    result = client.send_task("prevent_cases.health_check", queue=worker)
    assert result.get(timeout=60) == {"ok": True, "database": "sqlite", "agencies": 0}
