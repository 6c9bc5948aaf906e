"""Consent to Channel support: who gives it, what a record must say, and a refusal or
withdrawal stopping support and ending the providers' access in the same unit of work."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.event_types import EventType
from audit.models import AuditEvent
from audit.vocabulary import Category
from panels.models import Consent, Intervention
from panels.models.vocabulary import ConsentDecision, ConsentGiver, ExitOutcome, Stage
from panels.rules.stages import StageEvent
from prevent_cases.exceptions import AccessDenied, ConflictError
from referrals.selectors import holdings
from tests.panels.factories import open_case
from tests.panels.support_steps import (
    adopt_and_assess,
    consent,
    fresh,
    intervention,
    move,
    record_plan,
    to_review,
)

pytestmark = pytest.mark.django_db

PROVIDER = "Northby Mentoring Partnership"
ADULT_DOB = datetime.date(1990, 3, 4)


@pytest.fixture
def chair(user):
    return user("northby.chair")


@pytest.fixture
def planned(officer, chair, agency):
    """A child's case at the support plan stage with one intervention for the provider."""
    case = adopt_and_assess(chair, open_case(officer, chair))
    record_plan(chair, case, intervention(agency(PROVIDER)))
    return fresh(case)


def _provider_holds(case, agency) -> set:
    return {
        (category, scope)
        for category, _, scope in holdings(agency=agency(PROVIDER), referral=case.referral)
    }


def test_a_parent_gives_consent_for_a_child(planned, chair):
    recorded = consent(chair, planned, given_by=ConsentGiver.PARENT_GUARDIAN)
    assert recorded.decision == ConsentDecision.GIVEN
    assert fresh(planned).version == planned.version + 1
    event = AuditEvent.objects.get(type=EventType.CONSENT_RECORDED)
    assert event.payload == {
        "panel_case": str(planned.pk),
        "consent": str(recorded.pk),
        "decision": "given",
        "given_by": "parent_guardian",
    }


def test_a_child_does_not_give_or_refuse_consent_themselves(planned, chair):
    for decision in (ConsentDecision.GIVEN, ConsentDecision.REFUSED):
        with pytest.raises(ValidationError) as refused:
            consent(chair, planned, decision=decision, given_by=ConsentGiver.PERSON)
        assert "under 18" in refused.value.message_dict["given_by"][0]
    assert not Consent.objects.exists()
    assert fresh(planned).stage == Stage.SUPPORT_PLAN


def test_an_adult_gives_consent_themselves(officer, chair):
    case = move(chair, open_case(officer, chair, date_of_birth=ADULT_DOB), StageEvent.ADOPT)
    with pytest.raises(ValidationError) as refused:
        consent(chair, case, given_by=ConsentGiver.PARENT_GUARDIAN)
    assert "18 or over" in refused.value.message_dict["given_by"][0]
    assert consent(chair, case, given_by=ConsentGiver.PERSON)


def test_a_consent_record_says_when_and_considers_capacity(planned, chair):
    with pytest.raises(ValidationError) as refused:
        consent(
            chair,
            planned,
            obtained_on=timezone.localdate() + datetime.timedelta(days=1),
            capacity_considered=False,
            capacity_note="",
        )
    assert set(refused.value.message_dict) == {"obtained_on", "capacity_considered"}
    assert consent(
        chair,
        planned,
        capacity_considered=False,
        capacity_note="Not considered: the parent gave consent for a 17 year old.",
    )


def test_refusal_stops_support_and_ends_the_providers_access_at_once(planned, chair, agency):
    (assigned,) = Intervention.objects.filter(panel_case=planned)
    assert (Category.SUPPORT, assigned.scope) in _provider_holds(planned, agency)
    assert (Category.IDENTITY, "") in _provider_holds(planned, agency)

    consent(chair, planned, decision=ConsentDecision.REFUSED)

    case = fresh(planned)
    assert case.stage == Stage.EXITED
    assert case.exit_outcome == ExitOutcome.CONSENT_WITHDRAWN
    assert case.reassess_on == timezone.localdate() + datetime.timedelta(days=90)
    assigned.refresh_from_db()
    assert assigned.status == "withdrawn"
    assert _provider_holds(planned, agency) == set()


def test_a_refusal_says_when_to_reassess_and_why(planned, chair):
    with pytest.raises(ValidationError) as refused:
        consent(chair, planned, decision=ConsentDecision.REFUSED, reassess_on=None, rationale="No.")
    assert {"reassess_on", "rationale"} <= set(refused.value.message_dict)
    assert fresh(planned).stage == Stage.SUPPORT_PLAN


def test_withdrawal_during_support_ends_access_too(officer, chair, agency):
    case = to_review(chair, open_case(officer, chair), agency(PROVIDER))
    assert _provider_holds(case, agency)

    consent(chair, case, decision=ConsentDecision.WITHDRAWN)

    assert fresh(case).stage == Stage.EXITED
    assert _provider_holds(case, agency) == set()
    assert set(Intervention.objects.filter(panel_case=case).values_list("status", flat=True)) == {
        "withdrawn"
    }


def test_a_write_from_a_stale_version_is_refused(planned, chair):
    consent(chair, planned)
    with pytest.raises(ConflictError):
        consent(chair, planned, version=planned.version)
    assert Consent.objects.count() == 1


@pytest.mark.parametrize(
    "username", ["southmere.chair", "northby.probation", "northby.health", "northby.officer"]
)
def test_only_the_case_panel_chair_or_coordinator_records_consent(planned, user, username):
    other = user(username)
    with pytest.raises(AccessDenied):
        consent(other, planned)
    assert consent(user("northby.coordinator"), planned)
