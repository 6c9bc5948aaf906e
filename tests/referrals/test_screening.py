"""Screening: each outcome, refusals, invalid transitions, and progress to Channel."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.event_types import EventType
from audit.models import AuditEvent, SharingDecision
from prevent_cases.exceptions import AccessDenied, TransitionNotAllowed
from referrals.models import ReferralStatus
from referrals.rules.timeliness import working_days_between
from referrals.selectors import referral_get_for_user
from referrals.services.screening import ScreeningInput, referral_screen, referral_start_screening
from tests.factories import make_referral

pytestmark = pytest.mark.django_db

RATIONALE = "No indication of susceptibility to radicalisation after enquiries."


@pytest.fixture
def officer(user):
    return user("northby.officer")


@pytest.fixture
def referral(officer):
    referral = make_referral(officer)
    return referral_start_screening(actor=officer, membership=officer.membership, referral=referral)


def _screen(officer, referral, **overrides):
    values = {
        "deconfliction": "no",
        "notes": "Checked with partners.",
        "outcome": "no_further_action",
        "rationale": RATIONALE,
    }
    values.update(overrides)
    return referral_screen(
        actor=officer,
        membership=officer.membership,
        referral=referral,
        data=ScreeningInput(**values),
    )


@pytest.mark.parametrize(
    ("outcome", "extra"),
    [
        ("no_further_action", {}),
        ("signposted", {"signposted_to": "early_help"}),
        ("police_led", {}),
    ],
)
def test_closing_outcomes(officer, referral, outcome, extra):
    _screen(officer, referral, outcome=outcome, **extra)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED
    assert referral.outcome == outcome
    assert [t.to_status for t in referral.transitions.all()] == ["screening", "closed"]
    screened = AuditEvent.objects.get(type=EventType.REFERRAL_SCREENED)
    assert screened.payload["outcome"] == outcome


def test_progress_to_channel_shares_with_the_areas_panel(officer, referral, user):
    _screen(
        officer,
        referral,
        outcome="channel",
        consent_status="not_sought",
        consent_reason="Seeking consent before the panel would prejudice the assessment.",
        sharing_justification="The panel needs identity, the concern and the screening to "
        "decide whether Channel is the right route for this young person.",
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PROGRESSED
    decision = SharingDecision.objects.get()
    assert decision.receiving_agency.name == "Northby Council Channel Team"
    assert decision.categories == ["concern", "identity", "screening"]
    chair = user("northby.chair")
    shown = referral_get_for_user(membership=chair.membership, referral_id=referral.pk)
    assert shown.categories == {"identity", "concern", "screening"}


def test_progress_without_a_sharing_justification_is_refused_and_nothing_changes(officer, referral):
    with pytest.raises(ValidationError) as error:
        _screen(officer, referral, outcome="channel", consent_status="not_sought")
    assert "justification" in error.value.message_dict
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SCREENING
    assert not SharingDecision.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rationale": ""}, "rationale"),
        ({"deconfliction": "not_checked"}, "deconfliction"),
        ({"outcome": "signposted"}, "signposted_to"),
        ({"outcome": "made_up"}, "outcome"),
    ],
)
def test_incomplete_screening_is_refused(officer, referral, overrides, field):
    with pytest.raises(ValidationError) as error:
        _screen(officer, referral, **overrides)
    assert field in error.value.message_dict
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SCREENING


def test_invalid_transitions_are_refused_with_a_clear_message(officer):
    received = make_referral(officer)
    with pytest.raises(TransitionNotAllowed, match="received cannot be moved"):
        _screen(officer, received)
    screening = referral_start_screening(
        actor=officer, membership=officer.membership, referral=received
    )
    _screen(officer, screening)
    with pytest.raises(TransitionNotAllowed, match="closed cannot be moved"):
        referral_start_screening(actor=officer, membership=officer.membership, referral=screening)


def test_only_the_owning_force_screens(referral, user):
    other = user("southmere.officer")
    with pytest.raises(AccessDenied):
        _screen(other, referral)
    chair = user("northby.chair")
    with pytest.raises(AccessDenied):
        _screen(chair, referral)


def test_working_days_skip_weekends_and_bank_holidays():
    # Friday 19 December 2025 to Friday 2 January 2026: Christmas, Boxing Day, New Year.
    assert working_days_between(datetime.date(2025, 12, 19), datetime.date(2026, 1, 2)) == 7


def test_every_problem_is_reported_at_once_with_no_outcome_chosen(officer, referral):
    """No answer waits on another: a missing outcome does not hide the other problems."""
    with pytest.raises(ValidationError) as error:
        _screen(officer, referral, outcome="", deconfliction="", rationale="")
    assert set(error.value.message_dict) == {"outcome", "deconfliction", "rationale"}


def test_progress_reports_the_sharing_problems_with_the_screening_ones(officer, referral):
    """Progressing with gaps names the consent and justification problems alongside the
    screening's own, before anything is written."""
    with pytest.raises(ValidationError) as error:
        _screen(officer, referral, outcome="channel", deconfliction="pending", rationale="")
    assert set(error.value.message_dict) == {
        "deconfliction",
        "rationale",
        "consent_status",
        "justification",
    }
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SCREENING
    assert not SharingDecision.objects.exists()
