"""Records as earlier versions of the app wrote them, for tests that an old chain still
verifies. Each writes rows and events directly, in the shapes of its time."""

from django.utils import timezone

from audit.event_types import EventType
from audit.models import DecisionReview, SharingDecision, VerificationRun
from audit.record.chain import append_event
from audit.record.records import decision_hash
from prevent_cases.models import Agency, User
from referrals.models import Referral
from tests.factories import JUSTIFICATION


def version_1_decision(referral: Referral, by: User, to: Agency) -> SharingDecision:
    """A decision to share as recorded before decisions named their source and scope: no
    source, whole case, canonical version 1, and an event without source or scope."""
    membership = by.membership
    decision = SharingDecision.objects.create(
        case_type="referral",
        case_id=referral.pk,
        action="share",
        disclosing_agency_id=membership.agency_id,
        receiving_agency=to,
        categories=["concern", "identity"],
        purpose="Assess support needs at the Channel panel",
        legal_basis="ctsa_2015_s36_38",
        consent_status="not_sought",
        consent_reason="Seeking consent now would prejudice the panel's assessment.",
        justification=JUSTIFICATION,
        decided_by=by,
        decided_by_role=membership.role,
        decided_at=timezone.now(),
        canonical_version=1,
    )
    append_event(
        event_type=EventType.SHARING_DECISION_RECORDED,
        actor=by.pk,
        agency=membership.agency_id,
        target_type="sharing_decision",
        target_id=decision.id,
        payload={
            "decision_hash": decision_hash(decision),
            "action": decision.action,
            "case_type": decision.case_type,
            "case_id": decision.case_id,
            "receiving_agency": decision.receiving_agency_id,
            "categories": decision.categories,
            "legal_basis": decision.legal_basis,
            "consent_status": decision.consent_status,
            "supersedes": None,
        },
    )
    return decision


def review_before_hashing(decision: SharingDecision, by: User, finding: str) -> DecisionReview:
    """An auditor's review as recorded before reviews were hashed: no version, and an event
    about the decision that names only the decision and the finding."""
    review = DecisionReview.objects.create(
        decision=decision,
        reviewer=by,
        finding=finding,
        note="Reason recorded and proportionate to the need.",
        created_at=timezone.now(),
    )
    append_event(
        event_type=EventType.DECISION_REVIEWED,
        actor=by.pk,
        agency=by.membership.agency_id,
        target_type="sharing_decision",
        target_id=decision.id,
        payload={"decision": decision.id, "finding": finding},
    )
    return review


def run_finished_before_hashing(by: User) -> VerificationRun:
    """A verification run that finished before results were hashed: no version, no event."""
    now = timezone.now()
    return VerificationRun.objects.create(
        requested_by=by,
        requested_at=now,
        finished_at=now,
        status=VerificationRun.Status.PASSED,
        events_checked=1,
    )
