"""Stand-in rows for the dashboard and reminder tests, only in tests.

Stage moves go through panels.services.cases. The meeting, action, information-request,
consent, assessment and support rows are written here the way their services write them
(panels.services.meetings, .requests and .support, built alongside), so these tests do
not wait for those services; swap each helper for its service once it is in.
"""

import datetime

from django.utils import timezone

from audit.record.chain import atomic_unit
from panels.models import (
    AgendaItem,
    Assessment,
    AssessmentFramework,
    Consent,
    InformationRequest,
    Intervention,
    Meeting,
    PanelAction,
    PanelCase,
    SupportPlan,
)
from panels.models.vocabulary import (
    AgendaReason,
    ConsentDecision,
    ConsentGiver,
    ConsentMethod,
    ExitOutcome,
    InterventionType,
    RequestStatus,
)
from panels.rules.stages import StageEvent
from panels.services.cases import MoveDetails, panel_case_move
from prevent_cases.models import Agency, User
from tests.panels.factories import open_case

RATIONALE = "The panel discussed the case and agreed this step unanimously."


def move(case: PanelCase, chair: User, event: str, **details) -> PanelCase:
    """Move the case by one event through the real service, as the chair."""
    with atomic_unit():
        panel_case_move(
            actor=chair,
            membership=chair.membership,
            panel_case=case,
            event=event,
            rationale=RATIONALE,
            version=case.version,
            details=MoveDetails(**details),
        )
    return case


def new_case(officer: User, chair: User, **overrides) -> PanelCase:
    """A case the chair's panel accepted today (whatever the frozen clock says)."""
    overrides.setdefault("received_on", timezone.localdate())
    return open_case(officer, chair, **overrides)


def agreed_assessment_row(case: PanelCase, chair: User) -> Assessment:
    return Assessment.objects.create(
        panel_case=case,
        referral_id=case.referral_id,
        source_agency_id=case.source_agency_id,
        framework=AssessmentFramework.objects.first(),
        number=Assessment.objects.filter(referral_id=case.referral_id).count() + 1,
        agreed_at=timezone.now(),
        agreed_by=chair,
        started_by=chair,
    )


def consent_row(case: PanelCase, chair: User, decision: str = ConsentDecision.GIVEN) -> Consent:
    return Consent.objects.create(
        panel_case=case,
        referral_id=case.referral_id,
        source_agency_id=case.source_agency_id,
        decision=decision,
        given_by=ConsentGiver.PERSON,
        obtained_on=timezone.localdate(),
        method=ConsentMethod.IN_PERSON,
        recorded_by=chair,
    )


def intervention_row(case: PanelCase, chair: User, provider: Agency) -> Intervention:
    plan = SupportPlan.objects.create(
        panel_case=case,
        referral_id=case.referral_id,
        source_agency_id=case.source_agency_id,
        consent_approach="The coordinator meets the person with their key worker.",
        consent_sought_by="Channel coordinator",
        consent_sought_on=timezone.localdate(),
        support_summary="Mentoring and a college place.",
        recorded_by=chair,
    )
    return Intervention.objects.create(
        panel_case=case,
        referral_id=case.referral_id,
        source_agency_id=case.source_agency_id,
        plan=plan,
        type=InterventionType.MENTORING,
        delivering_agency=provider,
        start_on=timezone.localdate(),
        planned_sessions=6,
    )


def case_at_assessment(officer: User, chair: User, **overrides) -> PanelCase:
    return move(new_case(officer, chair, **overrides), chair, StageEvent.ADOPT)


def case_at_support_plan(officer: User, chair: User, **overrides) -> PanelCase:
    case = case_at_assessment(officer, chair, **overrides)
    agreed_assessment_row(case, chair)
    return move(case, chair, StageEvent.AGREE_ASSESSMENT)


def case_in_review(officer: User, chair: User, provider: Agency, **overrides) -> PanelCase:
    """A case whose support has started: consent given, one intervention, a review date."""
    case = case_at_support_plan(officer, chair, **overrides)
    consent_row(case, chair)
    intervention_row(case, chair, provider)
    return move(case, chair, StageEvent.START_SUPPORT)


def exited_case(officer: User, chair: User, provider: Agency, **overrides) -> PanelCase:
    """A case that left Channel: its 6- and 12-month post-exit reviews are scheduled."""
    case = case_in_review(officer, chair, provider, **overrides)
    return move(case, chair, StageEvent.EXIT, exit_outcome=ExitOutcome.NO_FURTHER_CONCERN)


def stopped_case(officer: User, chair: User, reassess_on: datetime.date, **overrides):
    """A case stopped because consent was refused, to be re-assessed on `reassess_on`."""
    case = case_at_assessment(officer, chair, **overrides)
    return move(case, chair, StageEvent.STOP_WITHOUT_CONSENT, reassess_on=reassess_on)


def meeting_row(chair: User, starts_at: datetime.datetime, cases=()) -> Meeting:
    case_panel = chair.membership.agency.panel
    meeting = Meeting.objects.create(
        panel=case_panel,
        source_agency_id=case_panel.agency_id,
        starts_at=starts_at,
        created_by=chair,
    )
    for position, case in enumerate(cases):
        AgendaItem.objects.create(
            meeting=meeting,
            panel_case=case,
            referral_id=case.referral_id,
            source_agency_id=case.source_agency_id,
            reason=AgendaReason.REVIEW,
            position=position,
        )
    return meeting


def action_row(
    case: PanelCase, chair: User, owner: Agency, due_on: datetime.date, *, done: bool = False
) -> PanelAction:
    return PanelAction.objects.create(
        panel_case=case,
        referral_id=case.referral_id,
        source_agency_id=case.source_agency_id,
        owner_agency=owner,
        description="Synthetic action: arrange a mentoring session.",
        due_on=due_on,
        done_at=timezone.now() if done else None,
        done_by=chair if done else None,
        created_by=chair,
    )


def request_row(
    case: PanelCase,
    coordinator: User,
    to: Agency,
    due_on: datetime.date,
    *,
    status: str = RequestStatus.OPEN,
) -> InformationRequest:
    return InformationRequest.objects.create(
        panel_case=case,
        referral_id=case.referral_id,
        source_agency_id=case.source_agency_id,
        to_agency=to,
        categories=["education"],
        purpose="Synthetic purpose: attendance record for the assessment.",
        due_on=due_on,
        requested_by=coordinator,
        status=status,
    )
