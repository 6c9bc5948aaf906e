"""Screening services: the police gateway assessment moves a referral through its workflow.

Each step is authorised, checked against the workflow table, applied with a conditional
update on the current status (so a lost race is a ConflictError on every database), kept
as a transition row, and written to the audit chain last.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.event_types import EventType
from audit.record.chain import append_event, atomic_unit
from audit.services.decision_rules import DecisionInput, decision_errors
from audit.vocabulary import Category, DecisionAction, LegalBasis
from prevent_cases.exceptions import AccessDenied, ConflictError
from prevent_cases.models import Membership, User
from prevent_cases.policy import handles_case_content
from referrals.models import Referral, ReferralResponsibility, ReferralTransition
from referrals.rules.permissions import owns
from referrals.rules.vocabulary import Deconfliction, SignpostService
from referrals.rules.workflow import (
    OUTCOMES,
    ScreeningEvent,
    ScreeningOutcome,
    allowed_events,
    next_status,
)
from referrals.services.case import referral_share, responsibility_record
from referrals.services.grants import CASE_TYPE

MIN_RATIONALE_CHARS = 20
# What the panel needs to decide whether Channel is the right route (shared/domain.md §1).
PANEL_CATEGORIES = (Category.IDENTITY, Category.CONCERN, Category.SCREENING)


@dataclass(frozen=True)
class ScreeningInput:
    deconfliction: str
    notes: str
    outcome: str
    rationale: str
    signposted_to: str = ""
    # For progress to Channel: the decision that shares the case with the area's panel.
    consent_status: str = ""
    consent_reason: str = ""
    sharing_justification: str = ""


def _authorise(membership: Membership | None, referral: Referral, event: str) -> None:
    if not (handles_case_content(membership) and owns(membership, referral)):
        raise AccessDenied("Only the owning force screens a referral.")
    if event not in allowed_events(referral.status, membership.role):
        next_status(referral.status, event)  # names the workflow's refusal, if that is it
        raise AccessDenied(
            f"Your role may not '{ScreeningEvent(event).label.lower()}' (needs: Prevent officer)."
        )


def _transition(
    *, actor: User, referral: Referral, event: str, reason: str, fields: dict
) -> ReferralTransition:
    from_status = referral.status
    to_status = next_status(from_status, event)
    now = timezone.now()
    updated = Referral.objects.filter(pk=referral.pk, status=from_status).update(
        status=to_status, status_changed_at=now, updated_at=now, **fields
    )
    if updated != 1:
        raise ConflictError("Someone else has changed this referral. Reload it and try again.")
    for name, value in {"status": to_status, "status_changed_at": now, **fields}.items():
        setattr(referral, name, value)
    return ReferralTransition.objects.create(
        referral=referral,
        from_status=from_status,
        to_status=to_status,
        event=event,
        actor=actor,
        created_at=now,
        reason=reason,
    )


def _transition_event(
    actor: User, membership: Membership, referral: Referral, step: ReferralTransition
) -> None:
    append_event(
        event_type=EventType.REFERRAL_TRANSITIONED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=referral.pk,
        payload={"from": step.from_status, "to": step.to_status, "event": step.event},
    )


@atomic_unit
def referral_start_screening(
    *, actor: User, membership: Membership, referral: Referral
) -> Referral:
    """Open the gateway assessment of a received referral."""
    _authorise(membership, referral, ScreeningEvent.START)
    step = _transition(
        actor=actor, referral=referral, event=ScreeningEvent.START, reason="", fields={}
    )
    _transition_event(actor, membership, referral, step)
    return referral


def _outcome_errors(data: ScreeningInput) -> dict[str, list[str]]:
    rule = OUTCOMES.get(data.outcome)
    if rule is None:
        return {"outcome": ["Choose the outcome of screening."]}
    if rule.needs_signpost and data.signposted_to not in SignpostService.values:
        return {"signposted_to": ["Choose the service the person was signposted to."]}
    return {}


def _deconfliction_errors(data: ScreeningInput) -> dict[str, list[str]]:
    if data.deconfliction not in (Deconfliction.NO, Deconfliction.YES, Deconfliction.PENDING):
        return {"deconfliction": ["Record the result of the deconfliction check."]}
    progressing = data.outcome == ScreeningOutcome.CHANNEL
    if progressing and data.deconfliction == Deconfliction.PENDING:
        return {"deconfliction": ["Finish the deconfliction check before progressing."]}
    return {}


def _panel_decision(data: ScreeningInput) -> DecisionInput:
    return DecisionInput(
        action=DecisionAction.SHARE,
        categories=PANEL_CATEGORIES,
        purpose="Channel panel: decide whether the person is susceptible to being drawn "
        "into terrorism and whether Channel is the right route",
        legal_basis=LegalBasis.CTSA_S38,
        legal_basis_other="",
        schedule1_condition="",
        consent_status=data.consent_status,
        consent_reason=data.consent_reason,
        justification=data.sharing_justification,
        expires_at=None,
    )


def screening_errors(data: ScreeningInput, *, referral: Referral) -> dict[str, list[str]]:
    """Every reason the outcome cannot be recorded, keyed by field, all at once: the
    outcome, the deconfliction status, the rationale and, when progressing, the sharing
    decision with the panel are checked together, none waiting on another."""
    errors = {**_outcome_errors(data), **_deconfliction_errors(data)}
    if len(" ".join(data.rationale.split())) < MIN_RATIONALE_CHARS:
        errors["rationale"] = [
            f"Explain the reasons for this outcome in at least {MIN_RATIONALE_CHARS} characters."
        ]
    if data.outcome == ScreeningOutcome.CHANNEL:
        if referral.area.panel_agency_id is None:
            errors.setdefault("outcome", []).append(
                "This area has no Channel panel set up; ask an administrator."
            )
        # The force holds every category of its own record; what it may share is checked
        # again when the decision is recorded.
        errors.update(
            decision_errors(
                _panel_decision(data),
                held_categories=frozenset(PANEL_CATEGORIES),
                now=timezone.now(),
            )
        )
    return errors


def _share_with_panel(
    actor: User, membership: Membership, referral: Referral, data: ScreeningInput
) -> None:
    panel = referral.area.panel_agency
    responsibility_record(
        actor=actor,
        membership=membership,
        referral=referral,
        agency=panel,
        reason=ReferralResponsibility.Reason.PROGRESSED,
    )
    referral_share(
        actor=actor,
        membership=membership,
        referral=referral,
        receiving_agency=panel,
        data=_panel_decision(data),
    )


@atomic_unit
def referral_screen(
    *, actor: User, membership: Membership, referral: Referral, data: ScreeningInput
) -> Referral:
    """Record the screening outcome: close the referral, or progress it to the area's
    Channel panel with a sharing decision to the local authority."""
    rule = OUTCOMES.get(data.outcome)
    event = rule.event if rule else ScreeningEvent.CLOSE
    _authorise(membership, referral, event)
    errors = screening_errors(data, referral=referral)
    if errors:
        raise ValidationError(errors)
    step = _transition(
        actor=actor,
        referral=referral,
        event=event,
        reason=data.rationale.strip(),
        fields={
            "deconfliction": data.deconfliction,
            "screening_notes": data.notes.strip(),
            "outcome": data.outcome,
            "signposted_to": data.signposted_to if rule.needs_signpost else "",
            "outcome_rationale": data.rationale.strip(),
            "screened_by": actor,
            "screened_at": timezone.now(),
            # Progressed: it waits in the panel's Channel inbox until a case is opened.
            "awaiting_panel": event == ScreeningEvent.PROGRESS,
        },
    )
    if data.outcome == ScreeningOutcome.CHANNEL:
        _share_with_panel(actor, membership, referral, data)
    _transition_event(actor, membership, referral, step)
    append_event(
        event_type=EventType.REFERRAL_SCREENED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=referral.pk,
        payload={
            "outcome": data.outcome,
            "deconfliction": data.deconfliction,
            "signposted_to": referral.signposted_to,
        },
    )
    return referral
