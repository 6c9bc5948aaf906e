"""The screening workflow: statuses, events, who may fire them, and the outcomes.

Pure Python, no database: services apply it (referrals.services.case) inside a transaction.
"""

from dataclasses import dataclass

from django.db import models

from prevent_cases.exceptions import TransitionNotAllowed
from prevent_cases.roles import Role
from referrals.models import OPEN_REFERRAL_STATUSES, ReferralStatus
from referrals.rules.vocabulary import ScreeningOutcome


class ScreeningEvent(models.TextChoices):
    START = "start_screening", "Start screening"
    CLOSE = "close", "Close with an outcome"
    PROGRESS = "progress", "Progress to the local authority for Channel"


@dataclass(frozen=True)
class OutcomeRule:
    event: str
    needs_signpost: bool = False


# Each outcome is declared once with what it does: the event that records it and whether
# it must name the service the person was signposted to.
OUTCOMES: dict[str, OutcomeRule] = {
    ScreeningOutcome.NO_FURTHER_ACTION: OutcomeRule(ScreeningEvent.CLOSE),
    ScreeningOutcome.SIGNPOSTED: OutcomeRule(ScreeningEvent.CLOSE, needs_signpost=True),
    ScreeningOutcome.POLICE_LED: OutcomeRule(ScreeningEvent.CLOSE),
    ScreeningOutcome.CHANNEL: OutcomeRule(ScreeningEvent.PROGRESS),
}

TRANSITIONS: dict[tuple[str, str], str] = {
    (ReferralStatus.RECEIVED, ScreeningEvent.START): ReferralStatus.SCREENING,
    (ReferralStatus.SCREENING, ScreeningEvent.CLOSE): ReferralStatus.CLOSED,
    (ReferralStatus.SCREENING, ScreeningEvent.PROGRESS): ReferralStatus.PROGRESSED,
}

# Screening is the police gateway assessment: the owning force's Prevent officers run it.
EVENT_ROLES: dict[str, frozenset[str]] = {
    ScreeningEvent.START: frozenset({Role.PREVENT_OFFICER}),
    ScreeningEvent.CLOSE: frozenset({Role.PREVENT_OFFICER}),
    ScreeningEvent.PROGRESS: frozenset({Role.PREVENT_OFFICER}),
}

OPEN_STATUSES = frozenset(OPEN_REFERRAL_STATUSES)
FINAL_STATUSES = frozenset({ReferralStatus.CLOSED, ReferralStatus.PROGRESSED})


def allowed_events(status: str, role: str) -> list[str]:
    """The events this role may fire on a referral in this status."""
    return [
        event
        for (from_status, event) in TRANSITIONS
        if from_status == status and role in EVENT_ROLES[event]
    ]


def next_status(status: str, event: str) -> str:
    """Where an event takes a referral; TransitionNotAllowed if it cannot from here."""
    try:
        return TRANSITIONS[(status, event)]
    except KeyError:
        label = ReferralStatus(status).label.lower()
        raise TransitionNotAllowed(
            f"A referral that is {label} cannot be moved by '{ScreeningEvent(event).label}'."
        ) from None


if set(OUTCOMES) != set(ScreeningOutcome.values):
    raise ValueError("every screening outcome needs a rule")
