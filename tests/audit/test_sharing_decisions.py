"""Recording a sharing decision: complete and lawful, or refused with nothing written."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent, SharingDecision
from audit.record.records import decision_hash
from audit.vocabulary import Category, ConsentStatus, DecisionAction, LegalBasis
from prevent_cases.exceptions import AccessDenied, ConflictError
from referrals.services.case import referral_decision_revoke
from tests.factories import make_referral, share

pytestmark = pytest.mark.django_db

COUNCIL = "Northby Council Channel Team"


@pytest.fixture
def referral(user):
    return make_referral(user("northby.officer"))


def _refused(referral, by, to, field: str, message: str, **overrides) -> None:
    decisions, events = SharingDecision.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        share(referral, by, to, **overrides)
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert SharingDecision.objects.count() == decisions
    assert AuditEvent.objects.count() == events


def test_a_complete_decision_is_recorded_with_an_event_carrying_its_hash(referral, user, agency):
    officer = user("northby.officer")
    decision = share(referral, officer, agency(COUNCIL))
    event = AuditEvent.objects.get(target_id=decision.id)
    assert event.payload["decision_hash"] == decision_hash(decision)
    assert event.payload["categories"] == ["concern", "identity"]
    assert event.actor == officer.pk
    assert decision.decided_by_role == "prevent_officer"
    assert "Alex" not in str(event.payload)  # identifiers and codes only


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"legal_basis": ""}, "legal_basis", "Choose the legal basis"),
        ({"legal_basis": LegalBasis.OTHER}, "legal_basis_other", "State the legal basis"),
        ({"justification": "Needed."}, "justification", "necessary and proportionate"),
        ({"consent_reason": ""}, "consent_reason", "without consent"),
        ({"purpose": ""}, "purpose", "Say why"),
        ({"categories": ()}, "categories", "at least one category"),
        (
            {"legal_basis": LegalBasis.CONSENT, "consent_status": ConsentStatus.REFUSED},
            "legal_basis",
            "Consent cannot be the legal basis",
        ),
        (
            {"legal_basis": LegalBasis.PUBLIC_TASK, "categories": (Category.HEALTH,)},
            "schedule1_condition",
            "Schedule 1 condition",
        ),
    ],
)
def test_incomplete_decisions_are_refused_and_nothing_is_written(
    referral, user, agency, overrides, field, message
):
    _refused(referral, user("northby.officer"), agency(COUNCIL), field, message, **overrides)


def test_sharing_with_consent_needs_no_reason(referral, user, agency):
    decision = share(
        referral,
        user("northby.officer"),
        agency(COUNCIL),
        consent_status=ConsentStatus.GIVEN,
        legal_basis=LegalBasis.CONSENT,
        consent_reason="",
    )
    assert decision.consent_status == ConsentStatus.GIVEN


def test_withholding_is_a_decision_too_and_grants_nothing(referral, user, agency):
    decision = share(
        referral,
        user("northby.officer"),
        agency(COUNCIL),
        action=DecisionAction.WITHHOLD,
        consent_reason="",
    )
    assert decision.action == DecisionAction.WITHHOLD
    assert not referral.grants.exists()


def test_a_receiver_cannot_share_on_what_it_received(referral, user, agency):
    officer = user("northby.officer")
    share(referral, officer, agency("Northby NHS Trust"))
    with pytest.raises(AccessDenied, match="may not share this information"):
        share(referral, user("northby.health"), agency("Northby College"))


def test_categories_the_decider_does_not_hold_are_refused(referral, user, agency):
    """The chair of the responsible panel shares only what the council was given."""
    officer, chair = user("northby.officer"), user("northby.chair")
    share(referral, officer, agency(COUNCIL), categories=(Category.IDENTITY,))
    referral.status = "progressed"
    referral.responsible_agency = agency(COUNCIL)
    referral.save(update_fields=["status", "responsible_agency"])
    _refused(
        referral,
        chair,
        agency("Northby NHS Trust"),
        "categories",
        "does not hold concern narrative",
        categories=(Category.IDENTITY, Category.CONCERN),
    )
    assert share(
        referral, chair, agency("Northby NHS Trust"), categories=(Category.IDENTITY,)
    ).disclosing_agency == agency(COUNCIL)


def test_expiry_must_be_in_the_future(referral, user, agency):
    _refused(
        referral,
        user("northby.officer"),
        agency(COUNCIL),
        "expires_at",
        "in the future",
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )


def test_a_decision_is_revoked_once_and_the_second_attempt_conflicts(referral, user, agency):
    officer = user("northby.officer")
    decision = share(referral, officer, agency(COUNCIL))
    reason = "The panel has closed the case and no longer needs this information."
    revocation = referral_decision_revoke(
        actor=officer,
        membership=officer.membership,
        referral=referral,
        decision=decision,
        reason=reason,
    )
    assert revocation.supersedes == decision
    assert revocation.action == DecisionAction.REVOKE
    with pytest.raises(ConflictError):
        referral_decision_revoke(
            actor=officer,
            membership=officer.membership,
            referral=referral,
            decision=decision,
            reason=reason,
        )
