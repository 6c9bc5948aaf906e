"""Accepting a progressed referral from the Channel inbox opens a panel case."""

import pytest

from audit.event_types import EventType
from audit.models import AuditEvent
from panels.models.vocabulary import Stage
from panels.selectors.cases import channel_inbox
from panels.services.cases import panel_case_open
from prevent_cases.exceptions import AccessDenied, ConflictError
from tests.factories import progressed_referral

pytestmark = pytest.mark.django_db


def test_the_coordinator_accepts_a_progressed_referral_from_the_inbox(officer, user):
    coordinator = user("northby.coordinator")
    referral = progressed_referral(officer)
    assert list(channel_inbox(membership=coordinator.membership)) == [referral]

    case = panel_case_open(actor=coordinator, membership=coordinator.membership, referral=referral)

    assert case.stage == Stage.IDENTIFICATION
    assert list(channel_inbox(membership=coordinator.membership)) == []
    assert AuditEvent.objects.filter(
        type=EventType.PANEL_CASE_OPENED, target_id=referral.pk
    ).exists()


@pytest.mark.parametrize("username", ["southmere.chair", "northby.health", "northby.officer"])
def test_only_the_responsible_panel_accepts(officer, user, username):
    referral = progressed_referral(officer)
    other = user(username)
    assert list(channel_inbox(membership=other.membership)) == []
    with pytest.raises(AccessDenied):
        panel_case_open(actor=other, membership=other.membership, referral=referral)


def test_a_referral_is_accepted_once(officer, user):
    chair = user("northby.chair")
    referral = progressed_referral(officer)
    panel_case_open(actor=chair, membership=chair.membership, referral=referral)
    with pytest.raises(ConflictError):
        panel_case_open(actor=chair, membership=chair.membership, referral=referral)
