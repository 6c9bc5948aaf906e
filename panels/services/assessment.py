"""The needs assessment of a panel case: starting one on the framework in force, each
agency recording its own ratings and evidence, and the panel agreeing its ratings and
summary. A new assessment never overwrites the last: each is its own row, numbered, and
names the one before.

Whose information is whose: an agency's entries are its own (source = that agency); the
panel's entries (source = the panel's local authority) are the agreed ratings.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.event_types import EventType
from audit.record.chain import append_event, atomic_unit
from panels.models import (
    Assessment,
    AssessmentDimension,
    AssessmentEntry,
    AssessmentFactor,
    AssessmentFramework,
)
from panels.models.cases import PanelCase
from panels.models.vocabulary import Stage
from panels.rules.frameworks import FrameworkSpec, framework_write
from panels.rules.permissions import is_panel_member_agency
from panels.services.cases import authorise_running
from prevent_cases.exceptions import AccessDenied, ConflictError, TransitionNotAllowed
from prevent_cases.models import Membership, User
from prevent_cases.policy import handles_case_content, is_administrator
from referrals.services.case import information_source_record
from referrals.services.grants import CASE_TYPE

MIN_SUMMARY_CHARS = 40
ASSESSMENT_TARGET = "assessment_framework"


@atomic_unit
def assessment_framework_load(
    *, actor: User, membership: Membership | None, spec: FrameworkSpec
) -> AssessmentFramework:
    """Write a framework read whole from its file (panels.rules.frameworks); an
    administrator runs this through `load_assessment_framework`."""
    if not is_administrator(membership):
        raise AccessDenied("Only an administrator may load an assessment framework.")
    if AssessmentFramework.objects.filter(name=spec.name).exists():
        raise ValidationError({"name": [f"A framework named '{spec.name}' is loaded already."]})
    framework = framework_write(
        spec,
        framework_model=AssessmentFramework,
        dimension_model=AssessmentDimension,
        factor_model=AssessmentFactor,
    )
    append_event(
        event_type=EventType.ASSESSMENT_FRAMEWORK_LOADED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=ASSESSMENT_TARGET,
        target_id=framework.pk,
        payload={
            "framework": framework.pk,
            "factors": sum(len(factors) for _, _, factors in spec.dimensions),
        },
    )
    return framework


def _in_assessment(panel_case: PanelCase) -> None:
    if panel_case.stage != Stage.ASSESSMENT:
        raise TransitionNotAllowed("The case is not at the needs assessment stage.")


@atomic_unit
def assessment_start(*, actor: User, membership: Membership, panel_case: PanelCase) -> Assessment:
    """Start the case's next assessment on the newest framework in force, linked to the
    last one. One assessment is in progress at a time."""
    authorise_running(membership, panel_case, "start an assessment")
    _in_assessment(panel_case)
    framework = (
        AssessmentFramework.objects.filter(valid_from__lte=timezone.localdate())
        .order_by("-valid_from")
        .first()
    )
    if framework is None:
        raise ValidationError("No assessment framework is in force. Ask an administrator.")
    latest = Assessment.objects.filter(referral_id=panel_case.referral_id).order_by("-number")
    previous = latest.first()
    if previous is not None and previous.agreed_at is None:
        raise ConflictError("An assessment of this case is already in progress.")
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                panel_case=panel_case,
                referral_id=panel_case.referral_id,
                source_agency_id=panel_case.source_agency_id,
                framework=framework,
                number=previous.number + 1 if previous else 1,
                previous=previous,
                started_by=actor,
            )
    except IntegrityError:
        raise ConflictError("An assessment of this case was started at the same time.") from None
    append_event(
        event_type=EventType.ASSESSMENT_STARTED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=panel_case.referral_id,
        payload={
            "panel_case": panel_case.pk,
            "assessment": assessment.pk,
            "framework": framework.pk,
            "number": assessment.number,
        },
    )
    return assessment


def _factor_of(assessment: Assessment, factor_code: str) -> AssessmentFactor:
    factor = AssessmentFactor.objects.filter(
        dimension__framework_id=assessment.framework_id, code=factor_code
    ).first()
    if factor is None:
        raise ValidationError({"factor": ["Choose a factor of this assessment's framework."]})
    return factor


@atomic_unit
def assessment_entry_record(
    *,
    actor: User,
    membership: Membership,
    assessment: Assessment,
    factor: str,
    rating: str,
    evidence: str,
) -> AssessmentEntry:
    """Record the member's own agency's rating and evidence for one factor; recording it
    again replaces that agency's entry while the assessment is in progress. `factor` is
    the factor's code in the assessment's framework."""
    panel_case = assessment.panel_case
    if not (
        handles_case_content(membership)
        and is_panel_member_agency(panel_case, membership.agency_id)
    ):
        raise AccessDenied(
            "Only a member of an agency sitting on the panel for this case may contribute "
            "to its assessment."
        )
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.agreed_at is not None:
        raise TransitionNotAllowed("This assessment is agreed: start a new one to change it.")
    _in_assessment(panel_case)
    chosen = _factor_of(locked, factor)
    errors = {}
    if rating not in locked.framework.rating_codes():
        errors["rating"] = ["Choose a rating from the framework's scale."]
    if errors:
        raise ValidationError(errors)
    entry, _ = AssessmentEntry.objects.update_or_create(
        assessment=locked,
        factor=chosen,
        source_agency_id=membership.agency_id,
        defaults={
            "referral_id": locked.referral_id,
            "rating": rating,
            "evidence": evidence.strip(),
            "entered_by": actor,
        },
    )
    information_source_record(referral=panel_case.referral, agency=membership.agency)
    append_event(
        event_type=EventType.ASSESSMENT_ENTRY_RECORDED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=locked.referral_id,
        payload={"assessment": locked.pk, "factor": chosen.code, "rating": rating},
    )
    return entry


@atomic_unit
def assessment_agree(
    *,
    actor: User,
    membership: Membership,
    assessment: Assessment,
    summary: str,
    management_plan: str,
) -> Assessment:
    """The panel agrees the assessment: its own rating for every factor, a summary
    conclusion and the management plan. An agreed assessment is never changed."""
    panel_case = assessment.panel_case
    authorise_running(membership, panel_case, "agree an assessment")
    _in_assessment(panel_case)
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.agreed_at is not None:
        raise ConflictError("This assessment was agreed already.")
    errors: dict[str, list[str]] = {}
    if len(" ".join(summary.split())) < MIN_SUMMARY_CHARS:
        errors["summary"] = [
            f"Write the panel's summary conclusion (at least {MIN_SUMMARY_CHARS} characters)."
        ]
    rated = set(
        locked.entries.filter(source_agency_id=locked.source_agency_id).values_list(
            "factor_id", flat=True
        )
    )
    unrated = AssessmentFactor.objects.filter(dimension__framework_id=locked.framework_id).exclude(
        pk__in=rated
    )
    missing = list(unrated.values_list("label", flat=True))
    if missing:
        errors["entries"] = [
            f"The panel has not rated {len(missing)} factor(s) yet: " + "; ".join(missing) + "."
        ]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    locked.summary = summary.strip()
    locked.management_plan = management_plan.strip()
    locked.agreed_at = now
    locked.agreed_by = actor
    locked.save(
        update_fields=["summary", "management_plan", "agreed_at", "agreed_by", "updated_at"]
    )
    append_event(
        event_type=EventType.ASSESSMENT_AGREED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=locked.referral_id,
        payload={"assessment": locked.pk, "number": locked.number},
    )
    return locked
