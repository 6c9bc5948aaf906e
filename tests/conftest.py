"""Shared fixtures: the synthetic demo people, clients signed in as each role, and a
checkpoint folder of its own for every test."""

import os

import pytest
from django.test import Client
from hypothesis import settings

from prevent_cases.demo.accounts import DEMO_PASSWORD
from prevent_cases.demo.seed import seed_people
from prevent_cases.models import User

# CI runs one fixed set of examples, so a red run is reproducible and a green one does not
# depend on luck; locally each run explores new examples and keeps any failure in
# .hypothesis/ to replay first next time.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(autouse=True)
def checkpoints_of_the_test(settings, tmp_path) -> None:
    """Every test signs and reads checkpoints in a folder of its own: the project's
    var/checkpoints holds those `make run` signed for the demo database with another key,
    which the test's chain would be checked against."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"


@pytest.fixture
def demo_people(db) -> None:
    """Both demo areas with one user per role and agency."""
    seed_people()


@pytest.fixture
def sign_in(demo_people):
    """Return a client signed in through the real sign-in page as the named demo user."""

    def _sign_in(username: str) -> Client:
        client = Client()
        response = client.post("/sign-in/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, f"sign-in failed for {username}"
        return client

    return _sign_in


@pytest.fixture
def officer(demo_people) -> User:
    return User.objects.get(username="northby.officer")


@pytest.fixture
def user(demo_people):
    """Look a demo user up by username."""
    return lambda username: User.objects.select_related("membership__agency").get(username=username)


@pytest.fixture
def agency(demo_people):
    from prevent_cases.models import Agency

    return lambda name: Agency.objects.get(name=name)
