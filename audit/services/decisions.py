"""Writes to the record: sharing decisions, auditors' reviews and the events of the chain.

Callers that hold a case (referrals, panels) authorise the actor against that case before
recording a decision here, and pass in the categories the disclosing agency holds; this
module knows no case model.
"""

import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from audit.event_types import EventType
from audit.models import AuditEvent, DecisionReview, SharingDecision, VerificationRun
from audit.record.chain import append_event, atomic_unit
from audit.record.checkpoints import stored_checkpoints
from audit.record.records import (
    REVIEW_VERSION,
    RUN_RESULT_VERSION,
    decision_hash,
    review_hash,
    run_result_hash,
)
from audit.record.verification import verify_chain
from audit.services.decision_rules import MIN_REASON_CHARS, DecisionInput, raise_if_invalid
from audit.tasks import verification_run_task
from audit.vocabulary import DecisionAction, ReviewFinding
from prevent_cases.exceptions import AccessDenied, ConflictError
from prevent_cases.models import Agency, Membership, User
from prevent_cases.policy import may_review_decisions


def _decision_event(decision: SharingDecision, *, membership: Membership) -> AuditEvent:
    return append_event(
        event_type=EventType.SHARING_DECISION_RECORDED,
        actor=decision.decided_by_id,
        agency=membership.agency_id,
        target_type="sharing_decision",
        target_id=decision.id,
        payload={
            "decision_hash": decision_hash(decision),
            "action": decision.action,
            "case_type": decision.case_type,
            "case_id": decision.case_id,
            "receiving_agency": decision.receiving_agency_id,
            "source_agency": decision.source_agency_id,
            "scope": decision.scope,
            "categories": decision.categories,
            "legal_basis": decision.legal_basis,
            "consent_status": decision.consent_status,
            "supersedes": decision.supersedes_id,
        },
    )


def _check_supersedable(previous: SharingDecision, replacement: SharingDecision) -> None:
    same_subject = (
        previous.case_type == replacement.case_type
        and previous.case_id == replacement.case_id
        and previous.receiving_agency_id == replacement.receiving_agency_id
        and previous.information_source_id == replacement.information_source_id
        and previous.scope == replacement.scope
    )
    if not same_subject:
        raise ValidationError(
            {
                "supersedes": [
                    "A decision can only replace one about the same case, receiving agency "
                    "and information."
                ]
            }
        )
    # Only the agency that made a decision may replace or revoke it.
    if previous.disclosing_agency_id != replacement.disclosing_agency_id:
        raise AccessDenied("Only the agency that made a sharing decision may replace or revoke it.")
    if SharingDecision.objects.filter(supersedes=previous).exists():
        raise ConflictError("That decision has already been replaced or revoked.")


def _save_decision(decision: SharingDecision) -> SharingDecision:
    try:
        with transaction.atomic(savepoint=False):
            decision.save(force_insert=True)
    except IntegrityError as error:
        # UNIQUE(supersedes): someone else replaced or revoked it first.
        raise ConflictError("That decision has already been replaced or revoked.") from error
    return decision


# No savepoint of its own: the calling service's atomic block rolls everything back on
# failure, and each savepoint would cost two more round trips on the hot path.
@atomic_unit(savepoint=False)
def sharing_decision_record(
    *,
    actor: User,
    membership: Membership,
    case_type: str,
    case_id: uuid.UUID,
    receiving_agency: Agency,
    data: DecisionInput,
    held_categories: frozenset[str],
    source_agency_id: uuid.UUID | None = None,
    scope: str = "",
    supersedes: SharingDecision | None = None,
    before_event: Callable[[SharingDecision], object] | None = None,
) -> SharingDecision:
    """Record a decision to share or withhold information, and its audit event.

    The information is the disclosing agency's own unless `source_agency_id` names another
    (an onward share); `held_categories` are those the discloser holds of that source and
    scope. `before_event` runs after the row is written and before its event is appended to
    the unit of work (the caller recomputes grants there).
    """
    now = timezone.now()
    raise_if_invalid(data, held_categories=held_categories, now=now)
    if receiving_agency.pk == membership.agency_id:
        raise ValidationError({"receiving_agency": ["Choose another agency than your own."]})
    if not receiving_agency.is_active:
        raise ValidationError({"receiving_agency": ["That agency is no longer active."]})
    decision = SharingDecision(
        case_type=case_type,
        case_id=case_id,
        action=data.action,
        disclosing_agency_id=membership.agency_id,
        receiving_agency=receiving_agency,
        categories=sorted(set(data.categories)),
        source_agency_id=source_agency_id or membership.agency_id,
        scope=scope,
        purpose=data.purpose.strip(),
        legal_basis=data.legal_basis,
        legal_basis_other=data.legal_basis_other.strip(),
        schedule1_condition=data.schedule1_condition,
        consent_status=data.consent_status,
        consent_reason=data.consent_reason.strip(),
        justification=data.justification.strip(),
        decided_by=actor,
        decided_by_role=membership.role,
        decided_at=now,
        expires_at=data.expires_at,
        supersedes=supersedes,
    )
    # Answers name the disclosing and source agencies: hand the row the member's agency,
    # when it is loaded already, so naming it reads nothing more.
    if Membership.agency.is_cached(membership):
        decision.disclosing_agency = membership.agency
        if decision.source_agency_id == membership.agency_id:
            decision.source_agency = membership.agency
    if supersedes is not None:
        _check_supersedable(supersedes, decision)
    _save_decision(decision)
    if before_event is not None:
        before_event(decision)
    _decision_event(decision, membership=membership)
    return decision


# No savepoint of its own: the calling service's atomic block rolls everything back on
# failure, and each savepoint would cost two more round trips on the hot path.
@atomic_unit(savepoint=False)
def sharing_decision_revoke(
    *,
    actor: User,
    membership: Membership,
    decision: SharingDecision,
    reason: str,
    before_event: Callable[[SharingDecision], object] | None = None,
) -> SharingDecision:
    """End a decision to share with a new decision that revokes it, and say why."""
    if decision.action != DecisionAction.SHARE:
        raise ValidationError({"decision": ["Only a decision to share can be revoked."]})
    if len(" ".join(reason.split())) < MIN_REASON_CHARS:
        raise ValidationError({"reason": ["Explain why the sharing is being revoked."]})
    revocation = SharingDecision(
        case_type=decision.case_type,
        case_id=decision.case_id,
        action=DecisionAction.REVOKE,
        disclosing_agency_id=membership.agency_id,
        receiving_agency_id=decision.receiving_agency_id,
        categories=decision.categories,
        source_agency_id=decision.information_source_id,
        scope=decision.scope,
        purpose="Revocation of an earlier decision to share.",
        legal_basis=decision.legal_basis,
        legal_basis_other=decision.legal_basis_other,
        schedule1_condition=decision.schedule1_condition,
        consent_status=decision.consent_status,
        consent_reason="",
        justification=" ".join(reason.split()),
        decided_by=actor,
        decided_by_role=membership.role,
        decided_at=timezone.now(),
        expires_at=None,
        supersedes=decision,
    )
    _check_supersedable(decision, revocation)
    _save_decision(revocation)
    if before_event is not None:
        before_event(revocation)
    _decision_event(revocation, membership=membership)
    return revocation


@atomic_unit
def decision_review_record(
    *,
    actor: User,
    membership: Membership | None,
    decision: SharingDecision,
    finding: str,
    note: str,
) -> DecisionReview:
    """An auditor records their review of one sharing decision."""
    if not may_review_decisions(membership):
        raise AccessDenied("Only auditors may review sharing decisions (needs: auditor role).")
    if finding not in ReviewFinding.values:
        raise ValidationError({"finding": ["Choose a finding."]})
    if len(" ".join(note.split())) < MIN_REASON_CHARS:
        raise ValidationError({"note": ["Say what you checked and what you found."]})
    review = DecisionReview.objects.create(
        decision=decision,
        reviewer=actor,
        finding=finding,
        note=note.strip(),
        created_at=timezone.now(),
        canonical_version=REVIEW_VERSION,
    )
    # The event is about the review, and carries its hash, so verification can match each
    # review to its event as it matches decisions.
    append_event(
        event_type=EventType.DECISION_REVIEWED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type="decision_review",
        target_id=review.id,
        payload={"decision": decision.id, "finding": finding, "review_hash": review_hash(review)},
    )
    return review


def sign_in_recorded(*, user: User, membership: Membership | None) -> AuditEvent:
    """A successful sign-in."""
    return append_event(
        event_type=EventType.SIGN_IN,
        actor=user.pk,
        agency=membership.agency_id if membership else None,
    )


def sign_out_recorded(*, user: User, membership: Membership | None) -> AuditEvent:
    """A sign-out."""
    return append_event(
        event_type=EventType.SIGN_OUT,
        actor=user.pk,
        agency=membership.agency_id if membership else None,
    )


def sign_in_failed_recorded(*, username: str) -> AuditEvent:
    """A failed sign-in. The typed username is kept only as a keyed hash, so attempts on
    one account can be correlated without storing what was typed."""
    digest = salted_hmac("audit.sign_in_failed", username.strip().lower(), algorithm="sha256")
    return append_event(
        event_type=EventType.SIGN_IN_FAILED,
        actor=None,
        agency=None,
        payload={"username_hmac": digest.hexdigest()},
    )


def export_recorded(
    *, actor: User, membership: Membership, export: str, rows: int, filters: dict, file_format: str
) -> AuditEvent:
    """An export was produced: what kind, how many rows, with which filters (codes only)."""
    return append_event(
        event_type=EventType.EXPORT_PRODUCED,
        actor=actor.pk,
        agency=membership.agency_id,
        payload={"export": export, "rows": rows, "filters": filters, "format": file_format},
    )


def verification_run_request(*, actor: User, membership: Membership | None) -> VerificationRun:
    """Queue a verification of the whole chain; the page shows its progress."""
    if not may_review_decisions(membership):
        raise AccessDenied("Only auditors may verify the audit chain (needs: auditor role).")
    run = VerificationRun.objects.create(requested_by=actor, requested_at=timezone.now())
    verification_run_task.delay_on_commit(str(run.pk))
    return run


def _run_finished_event(run: VerificationRun) -> AuditEvent:
    # Hashed as read back from the database, so the hash is of exactly what was stored.
    membership = getattr(run.requested_by, "membership", None)
    return append_event(
        event_type=EventType.VERIFICATION_RUN_FINISHED,
        actor=run.requested_by_id,
        agency=membership.agency_id if membership else None,
        target_type="verification_run",
        target_id=run.id,
        payload={"status": run.status, "result_hash": run_result_hash(run)},
    )


def verification_run_execute(*, run_id: uuid.UUID) -> VerificationRun:
    """Run a queued verification, store what it found and put the hash of that result on
    the chain. A run is finished once: running it again after that changes nothing."""
    claimed = VerificationRun.objects.filter(pk=run_id, finished_at__isnull=True).update(
        status=VerificationRun.Status.RUNNING
    )
    if not claimed:
        return VerificationRun.objects.get(pk=run_id)
    report = verify_chain(stored_checkpoints())
    with atomic_unit():
        # Two deliveries of the task may both verify; only the first to finish records it.
        finished = VerificationRun.objects.filter(pk=run_id, finished_at__isnull=True).update(
            status=VerificationRun.Status.PASSED if report.ok else VerificationRun.Status.FAILED,
            finished_at=timezone.now(),
            events_checked=report.events,
            decisions_checked=report.decisions,
            checkpoints_checked=report.checkpoints,
            head_hash=report.head_hash,
            findings=[str(finding) for finding in report.findings[:50]],
            canonical_version=RUN_RESULT_VERSION,
        )
        run = VerificationRun.objects.select_related("requested_by__membership").get(pk=run_id)
        if finished:
            _run_finished_event(run)
    return run
