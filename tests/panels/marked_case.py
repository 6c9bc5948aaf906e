"""A panel case with every free-text item of the panel's case data marked, built through the
real services, for the no-leak and hostile-input tests.

Each text field of the panel registry (panels.rules.case_data.PANEL_REGISTRY) gets its own
marker, so a field added to the registry is marked, and checked, without changing the
tests; `unfilled_fields` names any the builder does not fill yet. Where one field holds
rows of different sources or scopes (the panel's and the NHS trust's assessment evidence,
the goals of two interventions), each row gets a variant of the field's marker.
"""

import dataclasses
import datetime
import re

from django.db import models
from django.utils import timezone

from audit.models import SharingDecision
from audit.record.chain import atomic_unit
from audit.vocabulary import Category
from panels.models import (
    AgendaItem,
    Assessment,
    AssessmentEntry,
    ConcernReview,
    Consent,
    Contribution,
    InformationRequest,
    Intervention,
    InterventionGoal,
    InterventionStatusChange,
    Meeting,
    PanelAction,
    PanelCase,
    PostExitReview,
    ProgressEntry,
    StageMove,
    SupportPlan,
)
from panels.models.vocabulary import (
    ConsentDecision,
    ConsentGiver,
    ConsentMethod,
    ContactType,
    DecisionMethod,
    DeliveryEvent,
    ExitOutcome,
    GoalRating,
    InterventionType,
    NotAdoptedRoute,
    PostExitOutcome,
)
from panels.rules.case_data import PANEL_REGISTRY
from panels.rules.delivery import ProgressInput
from panels.rules.stages import StageEvent
from panels.selectors.meetings import papers_proposal
from panels.selectors.support import framework_factors
from panels.services.assessment import assessment_agree, assessment_entry_record, assessment_start
from panels.services.cases import MoveDetails, panel_case_move
from panels.services.delivery import concern_review_record, intervention_move, progress_record
from panels.services.meetings import (
    agenda_build,
    agenda_decision_record,
    meeting_close,
    panel_action_set,
)
from panels.services.papers import papers_confirm
from panels.services.post_exit import post_exit_review_record
from panels.services.support import InterventionInput, consent_record, support_plan_record
from prevent_cases.models import Agency, User
from referrals.models import Referral, Subject
from tests.panels.factories import open_case
from tests.panels.meeting_factories import attend, scheduled_meeting
from tests.panels.request_factories import answer_by_sharing, send_request

MARKER = re.compile(r"Z[PR]\d{3}[A-Z]?XJ")
# The police's own record of the marked referral: who the person is and the concern, as
# the force logged them (its source), marked too, so that what the panel holds of the
# police's information is checked together with its own.
POLICE_MARKED = {
    (Subject, "given_names"): "ZR001XJ",
    (Subject, "family_name"): "ZR002XJ",
    (Referral, "concern_summary"): "Synthetic concern as the police logged it: ZR003XJ.",
}

# Text fields that hold a code, not something typed, and why.
UNMARKABLE_FIELDS = {
    (AgendaItem, "decision_event"): "a code of the stage transition table",
    (AssessmentEntry, "rating"): "a code of the framework's rating scale",
}
# One input the services record in two places: the panel's reasons for a decision at a
# meeting are the agenda item's rationale and the case's stage move.
SAME_INPUT = {(AgendaItem, "decision_rationale"): (StageMove, "rationale")}

# Variants of one field's marker, for rows of different sources or scopes.
PANEL_ROW, PARTNER_ROW, NOT_ADOPTED = "", "H", "N"
PROBATION_WORK, MENTORING_WORK, CORRECTION = "A", "B", "C"


def _registry_fields():
    for case_model in PANEL_REGISTRY:
        for category, names in case_model.categories.items():
            for name in names:
                yield case_model.model, name, category
        for name in case_model.categorised_by_row:
            yield case_model.model, name, None


def _is_text(model: type[models.Model], name: str) -> bool:
    field = model._meta.get_field(name)
    return (
        isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and (model, name) not in UNMARKABLE_FIELDS
    )


def text_fields() -> list[tuple[type[models.Model], str]]:
    """Every free-text field of the panel's case data, in registry order."""
    return [(model, name) for model, name, _ in _registry_fields() if _is_text(model, name)]


def _numbers() -> dict[tuple[type[models.Model], str], int]:
    numbers = {}
    for model, name in text_fields():
        if (model, name) not in SAME_INPUT:
            numbers[(model, name)] = len(numbers)
    for field, same in SAME_INPUT.items():
        numbers[field] = numbers[same]
    return numbers


NUMBERS = _numbers()


def marker(model: type[models.Model], name: str, variant: str = "") -> str:
    return f"ZP{NUMBERS[(model, name)]:03d}{variant}XJ"


def text(model: type[models.Model], name: str, variant: str = "") -> str:
    """What the builder types into a field: long enough for every minimum, and short
    enough for the narrowest (200 characters)."""
    verbose = model._meta.get_field(name).verbose_name
    return f"Synthetic {verbose}, typed for the no-leak test: {marker(model, name, variant)}."


def unfilled_fields() -> list[str]:
    """Registry text fields whose marker no row holds: the builder must learn to fill them."""
    missing = []
    for model, name in text_fields():
        base = marker(model, name)[:-2]
        held = model.objects.filter(**{f"{name}__contains": base}).exists()
        if not held:
            missing.append(f"{model.__name__}.{name}")
    return missing


@dataclasses.dataclass
class MarkedCase:
    panel_case: PanelCase
    not_adopted: PanelCase
    meeting: Meeting
    item: AgendaItem
    request: InformationRequest
    action: PanelAction
    review: PostExitReview
    probation_work: Intervention
    mentoring_work: Intervention
    police_to_panel: SharingDecision


def _fresh(case: PanelCase) -> PanelCase:
    return PanelCase.objects.select_related("panel", "referral", "referral__subject").get(
        pk=case.pk
    )


def _move(chair: User, case: PanelCase, event: str, variant: str = "", **details) -> PanelCase:
    case = _fresh(case)
    with atomic_unit():
        panel_case_move(
            actor=chair,
            membership=chair.membership,
            panel_case=case,
            event=event,
            rationale=text(StageMove, "rationale", variant),
            version=case.version,
            details=MoveDetails(**details),
        )
    return _fresh(case)


def _assess(chair: User, health: User, case: PanelCase) -> None:
    assessment = assessment_start(actor=chair, membership=chair.membership, panel_case=case)
    factors = framework_factors(assessment.framework_id)
    for factor in factors:
        assessment_entry_record(
            actor=chair,
            membership=chair.membership,
            assessment=assessment,
            factor=factor.code,
            rating="present",
            evidence=text(AssessmentEntry, "evidence", PANEL_ROW),
        )
    assessment_entry_record(
        actor=health,
        membership=health.membership,
        assessment=assessment,
        factor=factors[0].code,
        rating="present",
        evidence=text(AssessmentEntry, "evidence", PARTNER_ROW),
    )
    assessment_agree(
        actor=chair,
        membership=chair.membership,
        assessment=assessment,
        summary=text(Assessment, "summary"),
        management_plan=text(Assessment, "management_plan"),
    )


def _work(agency: Agency, practitioner: User, variant: str, kind: str) -> InterventionInput:
    return InterventionInput(
        type=kind,
        delivering_agency=agency,
        goals=(text(InterventionGoal, "description", variant),),
        planned_sessions=6,
        start_on=timezone.localdate() - datetime.timedelta(days=14),
        practitioner=practitioner,
    )


def _plan(chair: User, case: PanelCase, probation: User, provider: User) -> None:
    case = _fresh(case)
    support_plan_record(
        actor=chair,
        membership=chair.membership,
        panel_case=case,
        consent_approach=text(SupportPlan, "consent_approach"),
        consent_sought_by=text(SupportPlan, "consent_sought_by"),
        consent_sought_on=timezone.localdate(),
        support_summary=text(SupportPlan, "support_summary"),
        interventions=[
            _work(
                probation.membership.agency,
                probation,
                PROBATION_WORK,
                InterventionType.EMPLOYMENT,
            ),
            _work(provider.membership.agency, provider, MENTORING_WORK, InterventionType.MENTORING),
        ],
        version=case.version,
    )


def _entry(work: Intervention, notes: str) -> ProgressInput:
    """A session that raises a concern, rating every goal."""
    return ProgressInput(
        occurred_on=timezone.localdate() - datetime.timedelta(days=3),
        contact_type=ContactType.MEETING,
        attended=True,
        duration_minutes=45,
        notes=notes,
        concern=True,
        ratings={goal.pk: GoalRating.SOME for goal in work.goals.all()},
    )


def _deliver(chair: User, case: PanelCase, probation: User, provider: User) -> None:
    """Each delivering agency accepts and records a session; the mentoring provider raises
    a concern and corrects its entry, and the panel records that it considered the concern."""
    entries = {}
    for user, variant in ((probation, PROBATION_WORK), (provider, MENTORING_WORK)):
        work = Intervention.objects.get(
            panel_case=case, delivering_agency=user.membership.agency_id
        )
        intervention_move(
            actor=user,
            membership=user.membership,
            intervention=work,
            event=DeliveryEvent.ACCEPT,
            reason=text(InterventionStatusChange, "reason", variant),
            version=work.version,
        )
        entries[variant] = progress_record(
            actor=user,
            membership=user.membership,
            intervention=work,
            data=_entry(work, text(ProgressEntry, "notes", variant)),
            version=work.version,
        )
    work = entries[MENTORING_WORK].intervention
    progress_record(
        actor=provider,
        membership=provider.membership,
        intervention=work,
        data=_entry(work, text(ProgressEntry, "notes", CORRECTION)),
        version=work.version,
        corrects=entries[MENTORING_WORK],
    )
    concern_review_record(
        actor=chair,
        membership=chair.membership,
        entry=entries[PROBATION_WORK],
        note=text(ConcernReview, "note", PROBATION_WORK),
    )


def _consent(chair: User, case: PanelCase) -> None:
    case = _fresh(case)
    consent_record(
        actor=chair,
        membership=chair.membership,
        panel_case=case,
        decision=ConsentDecision.GIVEN,
        given_by=ConsentGiver.PARENT_GUARDIAN,
        obtained_on=timezone.localdate(),
        method=ConsentMethod.IN_PERSON,
        capacity_considered=True,
        capacity_note=text(Consent, "capacity_note"),
        note=text(Consent, "note"),
        version=case.version,
    )


def _meeting(chair: User, case: PanelCase, health: Agency, provider: Agency, present):
    """A meeting after the case's review falls due: attendance, agenda, papers (all the
    proposal but the plan as a whole for the mentoring provider, which is given its own
    intervention alone), the panel's decision to exit with its minutes, an action to the
    NHS trust, and the meeting's own minutes."""
    meeting = scheduled_meeting(chair, days=40)
    (item,) = agenda_build(actor=chair, membership=chair.membership, meeting=meeting)
    attend(chair, meeting, *present)
    papers_confirm(
        actor=chair,
        membership=chair.membership,
        meeting=meeting,
        selections=[
            row.key
            for row in papers_proposal(meeting=meeting)
            if not (row.agency.pk == provider.pk and row.category == Category.SUPPORT)
        ],
    )
    item = AgendaItem.objects.select_related(
        "meeting__panel", "panel_case__panel", "referral__area"
    ).get(pk=item.pk)
    agenda_decision_record(
        actor=chair,
        membership=chair.membership,
        item=item,
        event=StageEvent.EXIT,
        method=DecisionMethod.UNANIMOUS,
        votes_for=None,
        votes_against=None,
        rationale=text(StageMove, "rationale"),
        minutes=text(AgendaItem, "minutes"),
        details=MoveDetails(exit_outcome=ExitOutcome.NO_FURTHER_CONCERN),
        version=_fresh(case).version,
    )
    action = panel_action_set(
        actor=chair,
        membership=chair.membership,
        item=item,
        owner_agency=health,
        description=text(PanelAction, "description"),
        due_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    meeting_close(
        actor=chair, membership=chair.membership, meeting=meeting, minutes=text(Meeting, "minutes")
    )
    return meeting, item, action


def build_marked_case(user, agency) -> MarkedCase:
    """The Northby panel's marked case, from referral to post-exit review, and a second
    case the panel did not adopt (the only place an onward service is named)."""
    officer, chair = user("northby.officer"), user("northby.chair")
    health, probation, provider = (
        user("northby.health"),
        user("northby.probation"),
        user("northby.provider"),
    )
    case = open_case(officer, chair, **{name: value for (_, name), value in POLICE_MARKED.items()})
    request = send_request(
        case,
        chair,
        health.membership.agency,
        categories=(Category.HEALTH,),
        purpose=text(InformationRequest, "purpose"),
    )
    answer_by_sharing(
        request, health, contributions=[(Category.HEALTH, text(Contribution, "content"))]
    )
    case = _move(chair, case, StageEvent.ADOPT)
    _assess(chair, health, case)
    case = _move(chair, case, StageEvent.AGREE_ASSESSMENT)
    _plan(chair, case, probation, provider)
    _consent(chair, case)
    case = _move(chair, case, StageEvent.START_SUPPORT)
    _deliver(chair, case, probation, provider)
    present = [
        agency(f"Northby {name}")
        for name in ("Police Prevent Team", "NHS Trust", "Probation Service", "College")
    ]
    meeting, item, action = _meeting(
        chair, case, health.membership.agency, provider.membership.agency, present
    )
    review = PostExitReview.objects.filter(panel_case=case).order_by("months_after_exit").first()
    post_exit_review_record(
        actor=chair,
        membership=chair.membership,
        review=review,
        outcome=PostExitOutcome.NO_FURTHER_CONCERN,
        rationale=text(PostExitReview, "rationale"),
    )
    not_adopted = _move(
        chair,
        open_case(officer, chair, family_name="Otherperson"),
        StageEvent.NOT_ADOPT,
        NOT_ADOPTED,
        not_adopted_route=NotAdoptedRoute.HEALTH,
        onward_service=text(PanelCase, "onward_service"),
    )
    works = {w.delivering_agency_id: w for w in Intervention.objects.filter(panel_case=case)}
    return MarkedCase(
        panel_case=_fresh(case),
        not_adopted=not_adopted,
        meeting=Meeting.objects.get(pk=meeting.pk),
        item=AgendaItem.objects.get(pk=item.pk),
        request=request,
        action=action,
        review=PostExitReview.objects.get(pk=review.pk),
        probation_work=works[probation.membership.agency_id],
        mentoring_work=works[provider.membership.agency_id],
        police_to_panel=SharingDecision.objects.get(
            case_id=case.referral_id,
            disclosing_agency=officer.membership.agency_id,
            receiving_agency=chair.membership.agency_id,
        ),
    )
