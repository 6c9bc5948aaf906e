"""Every consequential write about referrals: intake and the sharing decisions on them."""

import datetime

from django.db import IntegrityError, transaction

from audit.chain import append_event
from audit.decision_rules import DecisionInput
from audit.event_types import EventType
from audit.models import SharingDecision
from audit.services import sharing_decision_record, sharing_decision_revoke
from prevent_cases.exceptions import AccessDenied, NotFound
from prevent_cases.models import Agency, Area, Membership, User
from prevent_cases.policy import handles_case_content
from prevent_cases.roles import Role
from referrals.grants import CASE_TYPE, GrantDifference, grants_rebuild, grants_recompute
from referrals.models import Referral, Subject
from referrals.permissions import may_share
from referrals.selectors import held_categories

REFERENCE_ATTEMPTS = 5


def _insert_with_fresh_reference(referral: Referral) -> Referral:
    # References are random; on the rare clash, draw again rather than fail the intake.
    for attempt in range(REFERENCE_ATTEMPTS):
        try:
            with transaction.atomic():
                referral.save(force_insert=True)
            return referral
        except IntegrityError:
            if attempt == REFERENCE_ATTEMPTS - 1:
                raise
            referral.reference = Referral._meta.get_field("reference").default()
    return referral


@transaction.atomic
def referral_create(
    *,
    actor: User,
    membership: Membership,
    area: Area,
    given_names: str,
    family_name: str,
    date_of_birth: datetime.date | None,
    received_on: datetime.date,
    concern_summary: str,
) -> Referral:
    """Log a referral; the actor's agency owns it."""
    if not (handles_case_content(membership) and membership.role == Role.PREVENT_OFFICER):
        raise AccessDenied("Only Prevent officers may log referrals (needs: prevent officer).")
    subject = Subject(given_names=given_names, family_name=family_name, date_of_birth=date_of_birth)
    subject.full_clean()
    subject.save()
    referral = Referral(
        owning_agency_id=membership.agency_id,
        area=area,
        subject=subject,
        received_on=received_on,
        concern_summary=concern_summary,
        created_by=actor,
    )
    referral.full_clean(exclude=["reference"])
    _insert_with_fresh_reference(referral)
    append_event(
        event_type=EventType.REFERRAL_CREATED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=referral.pk,
        payload={"reference": referral.reference, "area": area.pk, "subject": subject.pk},
    )
    return referral


def _authorise_sharing(membership: Membership | None, referral: Referral) -> None:
    if not may_share(membership, referral):
        raise AccessDenied(
            "You may not record sharing decisions on this referral (needs: the owning "
            "agency's Prevent officer or Channel coordinator, or the responsible panel's "
            "chair or coordinator)."
        )


@transaction.atomic
def referral_share(
    *,
    actor: User,
    membership: Membership,
    referral: Referral,
    receiving_agency: Agency,
    data: DecisionInput,
    supersedes: SharingDecision | None = None,
) -> SharingDecision:
    """Record a decision to share or withhold this referral's information, then recompute
    the receiving agency's grants from every live decision."""
    _authorise_sharing(membership, referral)
    decision = sharing_decision_record(
        actor=actor,
        membership=membership,
        case_type=CASE_TYPE,
        case_id=referral.pk,
        receiving_agency=receiving_agency,
        data=data,
        held_categories=held_categories(agency=membership.agency, referral=referral),
        supersedes=supersedes,
    )
    grants_recompute(referral=referral, agency=receiving_agency)
    return decision


@transaction.atomic
def referral_decision_revoke(
    *,
    actor: User,
    membership: Membership,
    referral: Referral,
    decision: SharingDecision,
    reason: str,
) -> SharingDecision:
    """Revoke a decision to share; the receiving agency keeps only what others still grant."""
    _authorise_sharing(membership, referral)
    if decision.case_type != CASE_TYPE or decision.case_id != referral.pk:
        raise NotFound("No such decision on this referral.")
    revocation = sharing_decision_revoke(
        actor=actor, membership=membership, decision=decision, reason=reason
    )
    grants_recompute(referral=referral, agency=decision.receiving_agency)
    return revocation


@transaction.atomic
def grants_rebuild_recorded(*, actor: User | None = None, apply: bool = True) -> GrantDifference:
    """Recompute every grant from the decision log and record what changed."""
    difference = grants_rebuild()
    if not apply:
        transaction.set_rollback(True)
        return difference
    append_event(
        event_type=EventType.GRANTS_REBUILT,
        actor=actor.pk if actor else None,
        agency=None,
        payload={
            "added": difference.added,
            "removed": difference.removed,
            "unchanged": difference.unchanged,
        },
    )
    return difference
