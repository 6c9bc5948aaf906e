"""The screening workflow table, exhaustively: every status, event and role."""

import pytest

from prevent_cases.exceptions import TransitionNotAllowed
from prevent_cases.roles import Role
from referrals.models import ReferralStatus
from referrals.rules.workflow import TRANSITIONS, ScreeningEvent, allowed_events, next_status


@pytest.mark.parametrize("status", ReferralStatus.values)
@pytest.mark.parametrize("event", ScreeningEvent.values)
def test_every_status_and_event(status, event):
    if (status, event) in TRANSITIONS:
        assert next_status(status, event) == TRANSITIONS[(status, event)]
    else:
        with pytest.raises(TransitionNotAllowed, match="cannot be moved"):
            next_status(status, event)


@pytest.mark.parametrize("role", Role.values)
def test_only_prevent_officers_screen(role):
    expected = [ScreeningEvent.START] if role == Role.PREVENT_OFFICER else []
    assert allowed_events(ReferralStatus.RECEIVED, role) == expected


def test_closed_and_progressed_referrals_go_nowhere():
    for status in (ReferralStatus.CLOSED, ReferralStatus.PROGRESSED):
        assert allowed_events(status, Role.PREVENT_OFFICER) == []
