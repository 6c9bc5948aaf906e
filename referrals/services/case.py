"""Every consequential write about referrals: intake, the sharing decisions on them and the
panel responsible for them."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.event_types import EventType
from audit.models import SharingDecision
from audit.record.chain import append_event, atomic_unit
from audit.services.decision_rules import DecisionInput
from audit.services.decisions import sharing_decision_record, sharing_decision_revoke
from audit.vocabulary import Category, ConsentStatus, DecisionAction, LegalBasis
from prevent_cases.exceptions import AccessDenied, ConflictError, NotFound
from prevent_cases.models import Agency, Area, Membership, User
from prevent_cases.policy import PANEL_SHARING_ROLES, WHOLE_CASE
from prevent_cases.roles import Role
from referrals.models import ConcernType, Referral, ReferralResponsibility, ReferralSource, Subject
from referrals.rules.case_data import categories_of, fields_of
from referrals.rules.identifiers import normalise_pnc, normalise_postcode
from referrals.rules.intake import ReferralIntake, is_child
from referrals.rules.intake import raise_if_invalid as raise_intake_errors
from referrals.rules.matching import match_key
from referrals.rules.permissions import (
    may_end,
    may_log_referrals,
    may_share_source,
    runs_responsible_panel,
)
from referrals.rules.permissions import owns as owns_referral
from referrals.rules.timeliness import screening_due_on
from referrals.selectors import (
    current_concern_types,
    shareable_categories,
    subject_get_for_linking,
    transfer_awaiting_owner,
)
from referrals.services.grants import (
    CASE_TYPE,
    GrantDifference,
    grants_apply_decision,
    grants_rebuild,
    grants_recompute,
)

REFERENCE_ATTEMPTS = 5
MIN_TRANSFER_NOTE_CHARS = 20
# What the owning force shares with a receiving panel when it gave the sending one nothing
# it can find (the same as progressing a referral to Channel shares).
TRANSFER_CATEGORIES = (Category.IDENTITY, Category.CONCERN, Category.SCREENING)


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


# Everything recorded about the person, as the registry places it, but what intake derives
# itself (aliases are cleaned, being a child follows from the date of birth).
DERIVED_AT_INTAKE = frozenset({"aliases", "is_child"})
SUBJECT_FIELDS = tuple(
    name
    for category in categories_of(Subject)
    for name in fields_of(Subject, category)
    if name not in DERIVED_AT_INTAKE
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


def _new_subject(intake: ReferralIntake, *, person: uuid.UUID | None = None) -> Subject:
    subject = Subject(
        **{name: getattr(intake, name) for name in SUBJECT_FIELDS},
        aliases=[alias.strip() for alias in intake.aliases if alias.strip()],
        is_child=is_child(intake),
    )
    # Identifiers are kept in the one form they are written in, whatever the spacing typed.
    subject.postcode = normalise_postcode(intake.postcode) if intake.postcode.strip() else ""
    subject.pnc_number = normalise_pnc(intake.pnc_number)
    subject.person = person or subject.id
    subject.match_key = match_key(subject.given_names, subject.family_name, subject.aliases)
    subject.full_clean()
    subject.save(force_insert=True)
    return subject


def _linked_subject(membership: Membership, intake: ReferralIntake) -> Subject:
    """The person as this referral records them, marked as the same person as an earlier
    subject the agency may see. Nothing of the earlier record is copied (it is another
    agency's information, and may have been shared only in part), and the earlier record
    is left as it is: the name typed now is found by the next search through this one."""
    earlier = subject_get_for_linking(membership=membership, subject_id=intake.linked_subject_id)
    subject = _new_subject(intake, person=earlier.person)
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


@atomic_unit
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


def _authorise_sharing(
    membership: Membership | None, referral: Referral, source_id, scope: str
) -> None:
    # The owning force's record is always the case's information, so naming it needs no
    # read of the other agencies whose information the case holds.
    owner = referral.owning_agency_id
    sources = [owner] if source_id == owner else None
    if not may_share_source(membership, referral, source_id, sources=sources, scope=scope):
        raise AccessDenied(
            "You may not share this information (needs: the agency whose information it is, "
            "or the responsible panel's chair or coordinator for what the panel was given)."
        )


@atomic_unit
def referral_share(
    *,
    actor: User,
    membership: Membership,
    referral: Referral,
    receiving_agency: Agency,
    data: DecisionInput,
    source_agency_id: uuid.UUID | None = None,
    scope: str = WHOLE_CASE,
    supersedes: SharingDecision | None = None,
) -> SharingDecision:
    """Record a decision to share or withhold one agency's information on this referral
    (by default the actor's agency's own), then update the receiver's grants."""
    source_id = source_agency_id or membership.agency_id
    _authorise_sharing(membership, referral, source_id, scope)
    if supersedes is not None and not may_end(membership, supersedes, referral):
        raise AccessDenied("Only the agency that made a sharing decision may replace it.")
    return sharing_decision_record(
        actor=actor,
        membership=membership,
        case_type=CASE_TYPE,
        case_id=referral.pk,
        receiving_agency=receiving_agency,
        data=data,
        held_categories=shareable_categories(
            agency=membership.agency, referral=referral, source_id=source_id, scope=scope
        ),
        source_agency_id=source_id,
        scope=scope,
        supersedes=supersedes,
        before_event=lambda decision: grants_apply_decision(
            referral=referral, agency=receiving_agency, decision=decision
        ),
    )


@atomic_unit
def referral_decision_revoke(
    *,
    actor: User,
    membership: Membership,
    referral: Referral,
    decision: SharingDecision,
    reason: str,
) -> SharingDecision:
    """Revoke a decision to share; the receiver keeps only what others still grant, and
    whatever was passed on from it ends with it."""
    if decision.case_type != CASE_TYPE or decision.case_id != referral.pk:
        raise NotFound("No such decision on this referral.")
    if not may_end(membership, decision, referral):
        raise AccessDenied(
            "Only the agency that made a sharing decision may revoke it (needs: a member of "
            "that agency who may share this information)."
        )
    return sharing_decision_revoke(
        actor=actor,
        membership=membership,
        decision=decision,
        reason=reason,
        before_event=lambda _: grants_recompute(
            referral=referral, agency=decision.receiving_agency
        ),
    )


def responsibility_record(
    *,
    actor: User,
    membership: Membership,
    referral: Referral,
    agency: Agency,
    reason: str,
    note: str = "",
) -> ReferralResponsibility:
    """Make `agency` responsible for the referral's Channel case, keeping the history.

    A conditional update on the agency responsible before guards against two changes at
    once: the one that lost the race gets a ConflictError, on every database."""
    previous = referral.responsible_agency_id
    updated = Referral.objects.filter(pk=referral.pk, responsible_agency_id=previous).update(
        responsible_agency=agency, updated_at=timezone.now()
    )
    if updated != 1:
        raise ConflictError("Someone else has changed this case's panel. Reload it and try again.")
    referral.responsible_agency = agency
    change = ReferralResponsibility.objects.create(
        referral=referral,
        agency=agency,
        previous_agency_id=previous,
        reason=reason,
        note=note,
        changed_by=actor,
        created_at=timezone.now(),
    )
    append_event(
        event_type=EventType.REFERRAL_RESPONSIBILITY_CHANGED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=referral.pk,
        payload={"from_agency": previous, "to_agency": agency.pk, "reason": reason},
    )
    return change


@atomic_unit
def referral_transfer(
    *, actor: User, membership: Membership, referral: Referral, to_area: Area, note: str
) -> ReferralResponsibility:
    """Hand a Channel case to another area's panel, which becomes responsible for it.

    Only the responsible panel's chair or coordinator transfers a case. What the receiving
    panel may see still comes only from sharing decisions."""
    if not (
        runs_responsible_panel(membership, referral) and membership.role in PANEL_SHARING_ROLES
    ):
        raise AccessDenied("Only the responsible panel's chair or coordinator may transfer a case.")
    target = to_area.panel_agency
    if target is None:
        raise ValidationError({"to_area": ["That area has no Channel panel set up."]})
    if target.pk == referral.responsible_agency_id:
        raise ValidationError({"to_area": ["Choose another area than the one now responsible."]})
    if len(" ".join(note.split())) < MIN_TRANSFER_NOTE_CHARS:
        raise ValidationError({"note": ["Say why the case is being transferred."]})
    return responsibility_record(
        actor=actor,
        membership=membership,
        referral=referral,
        agency=target,
        reason=ReferralResponsibility.Reason.TRANSFERRED,
        note=" ".join(note.split()),
    )


@atomic_unit
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


def information_source_record(*, referral: Referral, agency: Agency) -> None:
    """Note that the case now holds `agency`'s own information (its panel records, a
    partner's contribution), so that agency may share it. Safe to call again."""
    if agency.pk != referral.owning_agency_id:
        ReferralSource.objects.get_or_create(referral=referral, agency=agency)


TRANSFER_PURPOSE = (
    "Channel panel: the case has moved to this area's panel, which now assesses the person "
    "and decides what support is right"
)
TRANSFER_JUSTIFICATION = (
    "The panel now responsible for the case needs who the person is, the concern and the "
    "screening to carry the case on; the panel that held it no longer does."
)
TRANSFER_CONSENT_REASON = (
    "The person's case moved with them; seeking consent again for the same sharing with the "
    "panel that now holds the case would delay its work."
)
TRANSFER_REVOKE_REASON = "The case was transferred to another area's panel, which now holds it."


@atomic_unit
def referral_transfer_confirm(*, actor: User, membership: Membership, referral: Referral):
    """The owning force follows its case to the panel it was transferred to: it shares its
    record with the receiving panel by its own decision (so that panel may pass it on to
    its members) and ends what it gave the sending panel, in one unit."""
    if not (owns_referral(membership, referral) and membership.role == Role.PREVENT_OFFICER):
        raise AccessDenied("Only the owning force's Prevent officers confirm a transfer.")
    change = transfer_awaiting_owner(referral=referral)
    if change is None:
        raise ConflictError("There is no transfer of this case waiting for your force.")
    given = SharingDecision.objects.for_case(case_type=CASE_TYPE, case_id=referral.pk).filter(
        action=DecisionAction.SHARE,
        disclosing_agency_id=membership.agency_id,
        receiving_agency_id=change.previous_agency_id,
        source_agency_id=membership.agency_id,
        superseded_by__isnull=True,
    )
    categories = sorted({category for decision in given for category in decision.categories})
    decision = referral_share(
        actor=actor,
        membership=membership,
        referral=referral,
        receiving_agency=change.agency,
        data=DecisionInput(
            action=DecisionAction.SHARE,
            categories=tuple(categories or TRANSFER_CATEGORIES),
            purpose=TRANSFER_PURPOSE,
            legal_basis=LegalBasis.CTSA_S38,
            legal_basis_other="",
            schedule1_condition="",
            consent_status=ConsentStatus.NOT_SOUGHT,
            consent_reason=TRANSFER_CONSENT_REASON,
            justification=TRANSFER_JUSTIFICATION,
            expires_at=None,
        ),
    )
    for earlier in given.select_related("receiving_agency"):
        referral_decision_revoke(
            actor=actor,
            membership=membership,
            referral=referral,
            decision=earlier,
            reason=TRANSFER_REVOKE_REASON,
        )
    return decision
