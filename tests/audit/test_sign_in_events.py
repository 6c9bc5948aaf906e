"""Sign-ins, failures and sign-outs are on the chain; a typed username never is."""

import pytest
from django.test import Client

from audit.event_types import EventType
from audit.models import AuditEvent
from prevent_cases.demo.accounts import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def _types() -> list[str]:
    return list(AuditEvent.objects.values_list("type", flat=True))


def test_sign_in_and_sign_out_are_recorded_with_the_actor_and_agency(user):
    officer = user("northby.officer")
    client = Client()
    client.post("/sign-in/", {"username": "northby.officer", "password": DEMO_PASSWORD})
    client.post("/sign-out/")
    events = list(AuditEvent.objects.all())
    assert [event.type for event in events] == [EventType.SIGN_IN, EventType.SIGN_OUT]
    assert {event.actor for event in events} == {officer.pk}
    assert {event.agency for event in events} == {officer.membership.agency_id}


def test_failed_sign_in_keeps_only_a_keyed_hash_of_the_typed_name(demo_people):
    Client().post("/sign-in/", {"username": "northby.officer", "password": "wrong-password"})
    Client().post("/sign-in/", {"username": "Northby.Officer ", "password": "wrong-again"})
    first, second = AuditEvent.objects.all()
    assert first.type == EventType.SIGN_IN_FAILED
    assert "northby" not in str(first.payload).lower()
    # The same account typed differently correlates, without storing what was typed.
    assert first.payload["username_hmac"] == second.payload["username_hmac"]


def test_attempts_on_a_locked_account_do_not_reach_the_chain(demo_people, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        client.post("/sign-in/", {"username": "northby.officer", "password": "wrong-password"})
    assert _types().count(EventType.SIGN_IN_FAILED) == settings.AXES_FAILURE_LIMIT
