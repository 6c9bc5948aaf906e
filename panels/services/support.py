"""Consent and the support plan: recording consent given, refused or withdrawn; the plan
the panel agrees; and interventions assigned to delivering agencies, each shared with its
provider in its own scope.

A refusal or withdrawal stops support in the same unit of work that records it: the case
leaves Channel (the police manage the risk) and every provider's access to its
intervention ends with the interventions.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from audit.event_types import EventType
from audit.record.chain import append_event, atomic_unit
from audit.vocabulary import Category
from panels.models import Consent, Intervention, InterventionGoal, PanelCase, SupportPlan
from panels.models.vocabulary import ConsentDecision, InterventionType, Stage
from panels.rules.consent import consent_errors
from panels.rules.decisions import panel_share
from panels.rules.stages import SUPPORT_STAGES, StageEvent
from panels.selectors.support import PRACTITIONER_ROLES
from panels.services.cases import (
    IDENTITY_PURPOSE,
    MIN_RATIONALE_CHARS,
    MoveDetails,
    authorise_running,
    panel_case_move,
    support_access_end,
)
from prevent_cases.exceptions import ConflictError, TransitionNotAllowed
from prevent_cases.models import Agency, Membership, User
from prevent_cases.policy import WHOLE_CASE
from referrals.rules.intake import is_child_on
from referrals.selectors import holdings
from referrals.services.case import (
    information_source_record,
    referral_share,
)
from referrals.services.grants import CASE_TYPE

# What the panel's decision to give a provider its intervention says. The provider needs
# the plan for its own part of the support, nothing of another's, under the panel's
# co-operation duty.
INTERVENTION_PURPOSE = "Deliver the support the Channel panel assigned to this agency"
INTERVENTION_JUSTIFICATION = (
    "The provider cannot deliver the intervention the panel assigned without its goals, "
    "start date and sessions; it is given that intervention alone and nothing of any other."
)
# The onward share of who the person is, made so a provider knows whom it supports.
IDENTITY_JUSTIFICATION = (
    "The provider must know who the person is and how to reach them to deliver the "
    "support the panel assigned; it is given identity and contact details alone."
)
CONSENT_NOT_YET_REASON = (
    "Support starts only once consent is recorded as given; the provider prepares the "
    "intervention under the panel's co-operation duty in the meantime."
)
SUPPORT_ENDED_REASON = "Consent to Channel support was refused or withdrawn: support has stopped."
MIN_PLAN_CHARS = 20
MAX_CONTACT_DAYS = 90


def _version_bump(panel_case: PanelCase, version: int) -> None:
    """Refuse a write made against an older version of the case, and mark the case
    changed, so of two writes from the same version only the first stands."""
    updated = PanelCase.objects.filter(pk=panel_case.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise ConflictError(
            "Someone else has changed this case since you opened it. Reload it and try again."
        )
    panel_case.version = version + 1


def consent_given(panel_case: PanelCase) -> bool:
    latest = Consent.objects.filter(panel_case=panel_case).order_by("-created_at", "-id").first()
    return bool(latest and latest.decision == ConsentDecision.GIVEN)


def _stop_errors(reassess_on: datetime.date | None, rationale: str, today) -> dict:
    """What a refusal or withdrawal must also say: when the panel looks at the case again,
    and why support stops (the case's move records it)."""
    errors: dict[str, list[str]] = {}
    if reassess_on is None or reassess_on <= today:
        errors["reassess_on"] = ["Set a future date when the panel will re-assess the case."]
    if len(" ".join(rationale.split())) < MIN_RATIONALE_CHARS:
        errors["rationale"] = [
            f"Give the panel's reasons for stopping (at least {MIN_RATIONALE_CHARS} characters)."
        ]
    return errors


@atomic_unit
def consent_record(
    *,
    actor: User,
    membership: Membership,
    panel_case: PanelCase,
    decision: str,
    given_by: str,
    obtained_on: datetime.date | None,
    method: str,
    capacity_considered: bool,
    capacity_note: str,
    note: str,
    version: int,
    reassess_on: datetime.date | None = None,
    rationale: str = "",
) -> Consent:
    """Record consent given, refused or withdrawn. A refusal or withdrawal stops support
    now: the case leaves Channel to be re-assessed on `reassess_on`, and the providers'
    access ends, in this same unit."""
    authorise_running(membership, panel_case, "record consent")
    if panel_case.stage not in SUPPORT_STAGES:
        raise TransitionNotAllowed(
            "Consent is recorded once the panel has adopted the case and while it is open."
        )
    subject = panel_case.referral.subject
    today = timezone.localdate()
    errors = consent_errors(
        decision=decision,
        given_by=given_by,
        obtained_on=obtained_on,
        method=method,
        capacity_considered=capacity_considered,
        capacity_note=capacity_note,
        child=is_child_on(
            obtained_on or today,
            date_of_birth=subject.date_of_birth,
            estimated_age=subject.estimated_age,
            recorded_as_child=subject.is_child,
        ),
        today=today,
    )
    stops = decision in (ConsentDecision.REFUSED, ConsentDecision.WITHDRAWN)
    if stops:
        errors.update(_stop_errors(reassess_on, rationale or note, today))
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        panel_case=panel_case,
        referral_id=panel_case.referral_id,
        source_agency_id=panel_case.source_agency_id,
        decision=decision,
        given_by=given_by,
        obtained_on=obtained_on,
        method=method,
        capacity_considered=capacity_considered,
        capacity_note=capacity_note.strip(),
        note=note.strip(),
        recorded_by=actor,
    )
    if stops:
        panel_case_move(
            actor=actor,
            membership=membership,
            panel_case=panel_case,
            event=StageEvent.STOP_WITHOUT_CONSENT,
            rationale=rationale or note,
            version=version,
            details=MoveDetails(reassess_on=reassess_on),
        )
        support_access_end(
            actor=actor, membership=membership, panel_case=panel_case, reason=SUPPORT_ENDED_REASON
        )
    else:
        _version_bump(panel_case, version)
    append_event(
        event_type=EventType.CONSENT_RECORDED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=panel_case.referral_id,
        payload={
            "panel_case": panel_case.pk,
            "consent": consent.pk,
            "decision": decision,
            "given_by": given_by,
        },
    )
    return consent


@dataclass(frozen=True)
class InterventionInput:
    """One intervention to assign: what, by whom, towards which goals, from when."""

    type: str
    delivering_agency: Agency | None
    goals: tuple[str, ...]
    planned_sessions: int | None
    start_on: datetime.date | None
    practitioner: User | None = None
    # How often the person should be seen, in days.
    contact_every_days: int | None = 14


def _intervention_errors(panel_case: PanelCase, data: InterventionInput) -> dict:
    errors: dict[str, list[str]] = {}
    if data.type not in InterventionType.values:
        errors["type"] = ["Choose the type of intervention."]
    agency = data.delivering_agency
    if agency is None or not agency.is_active:
        errors["delivering_agency"] = ["Choose the agency that delivers the intervention."]
    elif agency.pk == panel_case.panel.agency_id:
        errors["delivering_agency"] = ["Choose a partner agency to deliver the intervention."]
    if data.practitioner is not None and agency is not None:
        membership = getattr(data.practitioner, "membership", None)
        if (
            membership is None
            or not membership.is_active
            or membership.agency_id != agency.pk
            or membership.role not in PRACTITIONER_ROLES
        ):
            errors["practitioner"] = [
                "Choose a practitioner or panel member of the delivering agency, or nobody yet."
            ]
    if not [goal for goal in data.goals if goal.strip()]:
        errors["goals"] = ["Give at least one goal."]
    if data.planned_sessions is None or data.planned_sessions < 1:
        errors["planned_sessions"] = ["Plan at least one session."]
    if data.start_on is None:
        errors["start_on"] = ["Enter the date the intervention starts."]
    if data.contact_every_days is None or not 1 <= data.contact_every_days <= MAX_CONTACT_DAYS:
        errors["contact_every_days"] = [
            f"Enter how often the person should be seen, from 1 to {MAX_CONTACT_DAYS} days."
        ]
    return errors


def _plan_errors(
    consent_approach: str, consent_sought_by: str, consent_sought_on, support_summary: str
) -> dict:
    errors: dict[str, list[str]] = {}
    if len(" ".join(consent_approach.split())) < MIN_PLAN_CHARS:
        errors["consent_approach"] = ["Say how consent will be sought."]
    if not consent_sought_by.strip():
        errors["consent_sought_by"] = ["Say who will seek consent."]
    if consent_sought_on is None:
        errors["consent_sought_on"] = ["Enter when consent will be sought."]
    if len(" ".join(support_summary.split())) < MIN_PLAN_CHARS:
        errors["support_summary"] = ["Describe the support the panel agreed."]
    return errors


def _share_intervention(
    *, actor: User, membership: Membership, panel_case: PanelCase, intervention: Intervention
) -> None:
    referral = panel_case.referral
    agency = intervention.delivering_agency
    consent = consent_given(panel_case)
    referral_share(
        actor=actor,
        membership=membership,
        referral=referral,
        receiving_agency=agency,
        data=panel_share(
            (Category.SUPPORT,),
            purpose=INTERVENTION_PURPOSE,
            justification=INTERVENTION_JUSTIFICATION,
            consent_given=consent,
            consent_reason=CONSENT_NOT_YET_REASON,
        ),
        source_agency_id=panel_case.source_agency_id,
        scope=intervention.scope,
    )
    police = referral.owning_agency_id
    if (Category.IDENTITY, police, WHOLE_CASE) in holdings(agency=agency, referral=referral):
        return
    referral_share(
        actor=actor,
        membership=membership,
        referral=referral,
        receiving_agency=agency,
        data=panel_share(
            (Category.IDENTITY,),
            purpose=IDENTITY_PURPOSE,
            justification=IDENTITY_JUSTIFICATION,
            consent_given=consent,
            consent_reason=CONSENT_NOT_YET_REASON,
        ),
        source_agency_id=police,
    )


@atomic_unit
def intervention_assign(
    *,
    actor: User,
    membership: Membership,
    panel_case: PanelCase,
    plan: SupportPlan,
    data: InterventionInput,
) -> Intervention:
    """Assign one intervention of the plan to a delivering agency (and optionally one of
    its practitioners), and give that agency the intervention, in its own scope, by the
    panel's sharing decision; and, if it does not hold it, who the person is."""
    authorise_running(membership, panel_case, "assign an intervention")
    if panel_case.stage not in (Stage.SUPPORT_PLAN, Stage.REVIEW):
        raise TransitionNotAllowed("Interventions are assigned once the assessment is agreed.")
    if plan.panel_case_id != panel_case.pk:
        raise ValidationError({"plan": ["That plan is not this case's."]})
    errors = _intervention_errors(panel_case, data)
    if errors:
        raise ValidationError(errors)
    intervention = Intervention.objects.create(
        panel_case=panel_case,
        referral_id=panel_case.referral_id,
        source_agency_id=panel_case.source_agency_id,
        plan=plan,
        type=data.type,
        delivering_agency=data.delivering_agency,
        practitioner=data.practitioner,
        start_on=data.start_on,
        planned_sessions=data.planned_sessions,
        contact_every_days=data.contact_every_days,
    )
    InterventionGoal.objects.bulk_create(
        InterventionGoal(intervention=intervention, description=goal.strip(), position=n)
        for n, goal in enumerate((g for g in data.goals if g.strip()), start=1)
    )
    information_source_record(referral=panel_case.referral, agency=membership.agency)
    _share_intervention(
        actor=actor, membership=membership, panel_case=panel_case, intervention=intervention
    )
    append_event(
        event_type=EventType.INTERVENTION_ASSIGNED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=panel_case.referral_id,
        payload={
            "panel_case": panel_case.pk,
            "intervention": intervention.pk,
            "delivering_agency": data.delivering_agency.pk,
            "type": data.type,
        },
    )
    return intervention


@atomic_unit
def support_plan_record(
    *,
    actor: User,
    membership: Membership,
    panel_case: PanelCase,
    consent_approach: str,
    consent_sought_by: str,
    consent_sought_on: datetime.date | None,
    support_summary: str,
    version: int,
    interventions: list[InterventionInput] | tuple = (),
) -> SupportPlan:
    """Record the plan the panel agreed (a changed plan is a new row; the last is in
    force), with any interventions assigned under it."""
    authorise_running(membership, panel_case, "record the support plan")
    if panel_case.stage != Stage.SUPPORT_PLAN:
        raise TransitionNotAllowed("The support plan is recorded at the support plan stage.")
    errors = _plan_errors(consent_approach, consent_sought_by, consent_sought_on, support_summary)
    for n, item in enumerate(interventions):
        for name, messages in _intervention_errors(panel_case, item).items():
            errors[f"interventions.{n}.{name}"] = messages
    if errors:
        raise ValidationError(errors)
    _version_bump(panel_case, version)
    plan = SupportPlan.objects.create(
        panel_case=panel_case,
        referral_id=panel_case.referral_id,
        source_agency_id=panel_case.source_agency_id,
        consent_approach=consent_approach.strip(),
        consent_sought_by=consent_sought_by.strip(),
        consent_sought_on=consent_sought_on,
        support_summary=support_summary.strip(),
        recorded_by=actor,
    )
    information_source_record(referral=panel_case.referral, agency=membership.agency)
    assigned = [
        intervention_assign(
            actor=actor, membership=membership, panel_case=panel_case, plan=plan, data=item
        )
        for item in interventions
    ]
    append_event(
        event_type=EventType.SUPPORT_PLAN_RECORDED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=panel_case.referral_id,
        payload={
            "panel_case": panel_case.pk,
            "plan": plan.pk,
            "interventions": [intervention.pk for intervention in assigned],
        },
    )
    return plan
