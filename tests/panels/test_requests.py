"""Information requests: the panel asks a partner, and the partner answers by a sharing
decision of its own or a recorded decision to withhold."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.event_types import EventType
from audit.models import AuditEvent, SharingDecision
from audit.vocabulary import Category, DecisionAction, LegalBasis
from panels.models import Contribution
from panels.models.vocabulary import RequestStatus
from panels.selectors.cases import panel_case_get_for_user, request_get_for_addressee
from panels.services.requests import (
    information_request_answer_withhold,
    information_request_send,
)
from prevent_cases.exceptions import AccessDenied, ConflictError, NotFound
from prevent_cases.policy import WHOLE_CASE
from referrals.selectors import holdings
from tests.factories import decision_input
from tests.panels.factories import open_case
from tests.panels.request_factories import (
    PURPOSE,
    answer_by_sharing,
    answer_by_withholding,
    send_request,
)

pytestmark = pytest.mark.django_db

HEALTH = "Northby NHS Trust"
PANEL = "Northby Council Channel Team"


@pytest.fixture
def case(user):
    return open_case(user("northby.officer"), user("northby.chair"))


def _events(event_type: str, referral_id) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(type=event_type, target_id=referral_id))


def test_sending_a_request_tells_the_partner_who_it_is_about_and_nothing_else(case, user, agency):
    coordinator, health = user("northby.coordinator"), agency(HEALTH)
    assert holdings(agency=health, referral=case.referral) == frozenset()

    request = send_request(case, coordinator, health, categories=("health", "family"))

    assert request.status == RequestStatus.OPEN
    assert request.categories == ["health", "family"]
    owner = case.referral.owning_agency_id
    assert holdings(agency=health, referral=case.referral) == {
        (Category.IDENTITY, owner, WHOLE_CASE)
    }
    decision = SharingDecision.objects.get(receiving_agency=health)
    assert decision.disclosing_agency_id == case.source_agency_id
    assert decision.source_agency_id == owner
    assert decision.categories == [Category.IDENTITY]
    assert decision.purpose == PURPOSE
    assert decision.legal_basis == LegalBasis.CTSA_S38
    assert decision.consent_status == "not_sought"
    assert decision.consent_reason
    (event,) = _events(EventType.INFORMATION_REQUESTED, case.referral_id)
    assert event.payload["request"] == str(request.pk)
    assert event.payload["categories"] == ["health", "family"]


def test_a_partner_that_holds_identity_already_gets_no_second_decision(case, user, agency):
    coordinator, health = user("northby.coordinator"), agency(HEALTH)
    send_request(case, coordinator, health)
    send_request(case, coordinator, health, categories=("family",))
    assert SharingDecision.objects.filter(receiving_agency=health).count() == 1


def test_asking_the_police_needs_no_identity_decision(case, user, agency):
    send_request(case, user("northby.chair"), agency("Northby Police Prevent Team"))
    assert not SharingDecision.objects.filter(
        receiving_agency__name="Northby Police Prevent Team"
    ).exists()


@pytest.mark.parametrize(
    ("username", "refusal"),
    [
        ("southmere.chair", AccessDenied),
        ("northby.health", AccessDenied),
        ("northby.probation", AccessDenied),
        ("northby.officer", AccessDenied),
        ("northby.auditor", AccessDenied),
    ],
)
def test_only_the_case_panels_chair_or_coordinator_sends(case, user, agency, username, refusal):
    send_request(case, user("northby.chair"), agency(HEALTH))  # the allowed side
    with pytest.raises(refusal):
        send_request(case, user(username), agency("Northby College"))


def test_every_problem_with_a_request_is_reported_at_once(case, user, agency):
    chair = user("northby.chair")
    with pytest.raises(ValidationError) as error:
        information_request_send(
            actor=chair,
            membership=chair.membership,
            panel_case=case,
            to_agency=agency(PANEL),
            categories=["panel", "nonsense"],
            purpose="Too short",
            due_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"to_agency", "categories", "purpose", "due_on"}
    assert (
        not SharingDecision.objects.filter(disclosing_agency__name=PANEL)
        .exclude(receiving_agency__name=PANEL)
        .exists()
    )


def test_a_partner_answers_by_sharing_and_the_panel_sees_it(case, user, agency):
    chair, health_member = user("northby.chair"), user("northby.health")
    request = send_request(case, chair, agency(HEALTH), categories=("health", "family"))

    decision = answer_by_sharing(
        request, health_member, [("health", "Synthetic: attends a clinic."), ("family", "")]
    )

    request.refresh_from_db()
    assert request.status == RequestStatus.SHARED
    assert request.answer_id == decision.pk
    assert request.answered_by == health_member
    assert decision.action == DecisionAction.SHARE
    assert decision.disclosing_agency_id == decision.source_agency_id == agency(HEALTH).pk
    assert decision.receiving_agency_id == case.source_agency_id
    # Only what was answered is contributed and shared.
    assert decision.categories == ["health"]
    (contribution,) = Contribution.objects.filter(request=request)
    assert contribution.source_agency_id == agency(HEALTH).pk
    assert contribution.category == "health"
    (answered,) = _events(EventType.INFORMATION_REQUEST_ANSWERED, case.referral_id)
    assert answered.payload == {
        "request": str(request.pk),
        "status": "shared",
        "decision": str(decision.pk),
    }
    assert len(_events(EventType.CONTRIBUTION_RECORDED, case.referral_id)) == 1
    seen = panel_case_get_for_user(membership=chair.membership, panel_case_id=case.pk)
    assert seen.sees("health", agency(HEALTH).pk)


def test_a_partner_answers_by_withholding(case, user, agency):
    chair, health_member = user("northby.chair"), user("northby.health")
    request = send_request(case, chair, agency(HEALTH))

    decision = answer_by_withholding(request, health_member)

    request.refresh_from_db()
    assert request.status == RequestStatus.WITHHELD
    assert request.answer_id == decision.pk
    assert decision.action == DecisionAction.WITHHOLD
    assert decision.source_agency_id == agency(HEALTH).pk
    assert decision.categories == ["health"]
    assert not Contribution.objects.filter(request=request).exists()
    (answered,) = _events(EventType.INFORMATION_REQUEST_ANSWERED, case.referral_id)
    assert answered.payload["status"] == "withheld"
    chair_view = panel_case_get_for_user(membership=chair.membership, panel_case_id=case.pk)
    assert not chair_view.sees("health", agency(HEALTH).pk)


def test_a_request_is_answered_once(case, user, agency):
    health_member = user("northby.health")
    request = send_request(case, user("northby.chair"), agency(HEALTH))
    answer_by_sharing(request, health_member)
    with pytest.raises(ConflictError):
        answer_by_withholding(request, health_member)
    assert SharingDecision.objects.filter(disclosing_agency__name=HEALTH).count() == 1


@pytest.mark.parametrize("username", ["northby.education", "northby.chair", "northby.auditor"])
def test_only_the_addressed_agency_answers(case, user, agency, username):
    request = send_request(case, user("northby.chair"), agency(HEALTH))
    with pytest.raises(AccessDenied):
        answer_by_sharing(request, user(username))
    answer_by_sharing(request, user("northby.health"))  # the allowed side


def test_a_practitioner_at_the_addressed_agency_may_not_answer(case, user, agency):
    request = send_request(case, user("northby.chair"), agency("Northby Probation Service"))
    with pytest.raises(AccessDenied):
        answer_by_sharing(request, user("northby.probation"))
    assert request.status == RequestStatus.OPEN


def test_every_problem_with_an_answer_is_reported_at_once(case, user, agency):
    request = send_request(case, user("northby.chair"), agency(HEALTH))
    with pytest.raises(ValidationError) as error:
        answer_by_sharing(
            request,
            user("northby.health"),
            [("health", "   "), ("education", "Not asked for.")],
            justification="Too short.",
            legal_basis="nonsense",
        )
    assert {"contributions", "justification", "legal_basis"} <= set(error.value.message_dict)
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert not Contribution.objects.exists()


def test_the_partner_sees_the_requests_addressed_to_it_and_no_others(case, user, agency):
    chair = user("northby.chair")
    to_health = send_request(case, chair, agency(HEALTH))
    to_college = send_request(case, chair, agency("Northby College"))
    health = user("northby.health").membership
    addressed = request_get_for_addressee(membership=health, request_id=to_health.pk)
    assert addressed.subject == case.referral.subject
    with pytest.raises(NotFound):
        request_get_for_addressee(membership=health, request_id=to_college.pk)


def test_withholding_needs_reasons(case, user, agency):
    health_member = user("northby.health")
    request = send_request(case, user("northby.chair"), agency(HEALTH))
    with pytest.raises(ValidationError) as error:
        information_request_answer_withhold(
            actor=health_member,
            membership=health_member.membership,
            request=request,
            data=decision_input(action="withhold", justification=""),
        )
    assert "justification" in error.value.message_dict
