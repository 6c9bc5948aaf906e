"""Referrals unscreened past the service level are flagged, and the coordinators told."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from referrals.tasks import overdue_screening_notify_task
from tests.factories import make_referral

pytestmark = pytest.mark.django_db


def test_daily_task_emails_references_but_no_personal_data(user, settings):
    officer = user("northby.officer")
    with time_machine.travel(datetime.date(2026, 11, 23)):
        late = make_referral(officer, received_on=datetime.date(2026, 11, 2))
        make_referral(officer, received_on=datetime.date(2026, 11, 20))
        sent = overdue_screening_notify_task.delay().get()
    assert sent == 1
    message = mail.outbox[0]
    assert message.to == [officer.email]  # the force has no coordinator: its officers
    assert late.reference in message.body
    assert "1 referral is overdue" in message.body
    assert "Testperson" not in message.body
    assert "2009" not in message.body


def test_nothing_overdue_sends_nothing(user):
    make_referral(user("northby.officer"), received_on=timezone.localdate())
    assert overdue_screening_notify_task.delay().get() == 0
    assert mail.outbox == []
