"""Two reminder runs at once, on PostgreSQL with real connections: each reminder reaches
each recipient once, whichever run gets there first.

The runs start together from a barrier, each in its own thread and connection, and the
race is repeated over fresh overdue actions: one trial can pass by luck of scheduling; the
unique key, inserted before anything is sent, is what makes every trial pass.
"""

import datetime
import threading
import zoneinfo
from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections

from audit.event_types import EventType
from audit.models import AuditEvent
from panels.models import ReminderSent
from panels.services.reminders import ReminderRun, panel_reminders_send
from prevent_cases.models import Agency, User
from tests.panels.stand_in_rows import action_row, new_case

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent runs are serialised by PostgreSQL's unique index",
    ),
]

TRIALS = 5
ACTIONS_PER_TRIAL = 4
LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = datetime.date(2026, 12, 1)


def _run_together(count: int) -> list[object]:
    barrier = threading.Barrier(count, timeout=30)
    outcomes: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = panel_reminders_send(today=TODAY)
        except BaseException as error:  # reported by the test, in its own thread
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a reminder run hung"
    return outcomes


def test_two_concurrent_runs_send_each_reminder_once(demo_people):
    officer = User.objects.select_related("membership__agency").get(username="northby.officer")
    chair = User.objects.select_related("membership__agency").get(username="northby.chair")
    health = Agency.objects.get(name="Northby NHS Trust")
    for trial in range(TRIALS):
        with time_machine.travel(datetime.datetime(2026, 11, 20, 10, tzinfo=LONDON), tick=False):
            case = new_case(officer, chair, family_name=f"Race{trial}")
            actions = [
                action_row(case, chair, health, TODAY - datetime.timedelta(days=1))
                for _ in range(ACTIONS_PER_TRIAL)
            ]
        mail.outbox = []

        outcomes = _run_together(2)

        assert all(isinstance(outcome, ReminderRun) for outcome in outcomes), outcomes
        assert sum(outcome.total for outcome in outcomes) == ACTIONS_PER_TRIAL
        # One email per action, to the owner agency's one content user.
        assert Counter(message.to[0] for message in mail.outbox) == {
            "northby.health@example.org": ACTIONS_PER_TRIAL
        }
        for action in actions:
            assert ReminderSent.objects.filter(subject_id=action.pk).count() == 1
            assert (
                AuditEvent.objects.filter(
                    type=EventType.REMINDER_SENT, payload__subject=str(action.pk)
                ).count()
                == 1
            )
