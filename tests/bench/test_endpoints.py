"""The region benchmark's reads still exist: on the seeded demo, the people the benchmark
picks can open every page and API read it times. Nothing here is timed."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from prevent_cases.demo.accounts import DEMO_PASSWORD
from tests.bench.cast import choose_cast
from tests.bench.endpoints import baseline, measured_endpoints

pytestmark = pytest.mark.django_db


def test_every_benchmarked_read_answers_its_role():
    # Given the synthetic demo, and the people and objects the benchmark would choose
    call_command("seed_demo", stdout=StringIO())
    cast = choose_cast()
    clients = {}
    for role, user in cast.users().items():
        clients[role] = Client()
        signed_in = clients[role].post(
            "/sign-in/", {"username": user.username, "password": DEMO_PASSWORD}
        )
        assert signed_in.status_code == 302, role
    # When each opens the reads timed for its role, then every one answers 200
    endpoints = [baseline(), *measured_endpoints(cast)]
    answers = {
        endpoint.name: clients[endpoint.role].get(endpoint.path).status_code
        for endpoint in endpoints
    }
    assert answers == {endpoint.name: 200 for endpoint in endpoints}
    assert cast.intervention_id is not None, "the demo's practitioner has an open intervention"
