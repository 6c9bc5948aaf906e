"""Settings come from the environment, with a safe embedded default and a strict production."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, 'debug': s.DEBUG, "
    "'demo': 'prevent_cases.demo' in s.INSTALLED_APPS}))"
)


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    # A bare environment, so nothing this test run has set leaks into the settings read.
    clean = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "prevent_cases.settings.base"}
    return subprocess.run(  # noqa: S603  (our own interpreter and code)
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
    )


def test_embedded_default_is_sqlite_and_eager_celery():
    result = _run(PRINT_SETTINGS, SECRET_KEY="k", DEBUG="true")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["eager"] is True
    assert values["debug"] is True
    assert values["demo"] is False  # demo seeding is opt-in


def test_database_and_redis_urls_switch_to_the_full_stack():
    result = _run(
        PRINT_SETTINGS,
        SECRET_KEY="k",
        DEBUG="true",
        DATABASE_URL="postgres://app@127.0.0.1:5432/prevent",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/0"


def test_debug_is_off_unless_asked_for():
    result = _run(
        PRINT_SETTINGS,
        SECRET_KEY="k",
        ALLOWED_HOSTS="cases.example.org",
        AUDIT_SIGNING_KEY="BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=",
    )
    assert json.loads(result.stdout)["debug"] is False


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ALLOWED_HOSTS": "cases.example.org"}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "k"}, "ALLOWED_HOSTS must be set"),
        (
            {"SECRET_KEY": "k", "ALLOWED_HOSTS": "cases.example.org"},
            "AUDIT_SIGNING_KEY must be set",
        ),
    ],
)
def test_production_refuses_to_start_half_configured(env, message):
    result = _run(PRINT_SETTINGS, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = _run(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        SECRET_KEY="a-long-random-production-key-" + "x7Qz" * 10,
        ALLOWED_HOSTS="cases.example.org",
        AUDIT_SIGNING_KEY="BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
