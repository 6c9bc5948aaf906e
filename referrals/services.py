"""Every consequential write about referrals: intake and the sharing decisions on them."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.chain import append_event
from audit.decision_rules import DecisionInput
from audit.event_types import EventType
from audit.models import SharingDecision
from audit.services import sharing_decision_record, sharing_decision_revoke
from prevent_cases.exceptions import AccessDenied, NotFound
from prevent_cases.models import Agency, Area, Membership, User
from referrals.grants import (
    CASE_TYPE,
    GrantDifference,
    grants_apply_decision,
    grants_rebuild,
    grants_recompute,
)
from referrals.intake import ReferralIntake, is_child
from referrals.intake import raise_if_invalid as raise_intake_errors
from referrals.matching import match_key, normalise
from referrals.models import ConcernType, Referral, Subject
from referrals.permissions import may_log_referrals, may_share
from referrals.selectors import current_concern_types, held_categories, subject_get_for_linking
from referrals.timeliness import screening_due_on

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


SUBJECT_FIELDS = (
    "given_names",
    "family_name",
    "date_of_birth",
    "estimated_age",
    "sex",
    "gender_identity",
    "address",
    "postcode",
    "phone",
    "email",
    "nationality",
    "first_language",
    "interpreter_needed",
    "pnc_number",
    "parent_guardian_name",
    "parent_guardian_contact",
    "school",
)
REFERRAL_FIELDS = (
    "received_on",
    "referrer_name",
    "referrer_role",
    "referrer_organisation",
    "referrer_sector",
    "concern_summary",
    "existing_involvement",
    "person_aware",
    "send_needs",
    "mental_health",
    "neurodiversity",
)


def _new_subject(intake: ReferralIntake) -> Subject:
    subject = Subject(
        **{name: getattr(intake, name) for name in SUBJECT_FIELDS},
        aliases=[alias.strip() for alias in intake.aliases if alias.strip()],
        is_child=is_child(intake),
    )
    subject.match_key = match_key(subject.given_names, subject.family_name, subject.aliases)
    subject.full_clean()
    subject.save(force_insert=True)
    return subject


def _linked_subject(membership: Membership, intake: ReferralIntake) -> Subject:
    subject = subject_get_for_linking(membership=membership, subject_id=intake.linked_subject_id)
    # The name as typed this time becomes an alias, so the next search finds both spellings.
    typed = f"{intake.given_names} {intake.family_name}".strip()
    known = {normalise(f"{subject.given_names} {subject.family_name}")}
    known.update(normalise(alias) for alias in subject.aliases)
    if normalise(typed) not in known:
        subject.aliases = [*subject.aliases, typed]
        subject.match_key = match_key(subject.given_names, subject.family_name, subject.aliases)
        subject.save(update_fields=["aliases", "match_key", "updated_at"])
    return subject


def _intake_relations(intake: ReferralIntake) -> tuple[Area, ConcernType | None]:
    area = Area.objects.filter(pk=intake.area_id).first()
    concern_type = None
    if intake.concern_type_id:
        concern_type = current_concern_types().filter(pk=intake.concern_type_id).first()
    errors = {}
    if area is None:
        errors["area"] = ["Choose the area (local authority) responsible."]
    if intake.concern_type_id and concern_type is None:
        errors["concern_type"] = ["Choose a type of concern from the current list."]
    if errors:
        raise ValidationError(errors)
    return area, concern_type


@transaction.atomic
def referral_create(*, actor: User, membership: Membership, intake: ReferralIntake) -> Referral:
    """Log a referral; the actor's agency owns it. Links to an earlier subject when asked."""
    if not may_log_referrals(membership):
        raise AccessDenied("Only Prevent officers may log referrals (needs: prevent officer).")
    raise_intake_errors(intake, today=timezone.localdate())
    area, concern_type = _intake_relations(intake)
    linked = intake.linked_subject_id is not None
    subject = _linked_subject(membership, intake) if linked else _new_subject(intake)
    referral = Referral(
        owning_agency_id=membership.agency_id,
        area=area,
        subject=subject,
        concern_type=concern_type,
        created_by=actor,
        status_changed_at=timezone.now(),
        screening_due_on=screening_due_on(intake.received_on),
        **{name: getattr(intake, name) for name in REFERRAL_FIELDS},
    )
    referral.full_clean(exclude=["reference"])
    _insert_with_fresh_reference(referral)
    append_event(
        event_type=EventType.REFERRAL_CREATED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=referral.pk,
        payload={
            "reference": referral.reference,
            "area": area.pk,
            "subject": subject.pk,
            "linked_subject": linked,
        },
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
    return sharing_decision_record(
        actor=actor,
        membership=membership,
        case_type=CASE_TYPE,
        case_id=referral.pk,
        receiving_agency=receiving_agency,
        data=data,
        held_categories=held_categories(agency=membership.agency, referral=referral),
        supersedes=supersedes,
        before_event=lambda decision: grants_apply_decision(
            referral=referral, agency=receiving_agency, decision=decision
        ),
    )


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
    return sharing_decision_revoke(
        actor=actor,
        membership=membership,
        decision=decision,
        reason=reason,
        before_event=lambda _: grants_recompute(
            referral=referral, agency=decision.receiving_agency
        ),
    )


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
