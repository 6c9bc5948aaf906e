"""Steps that walk a panel case through its stages, through the real services. The panel's
in-meeting decisions are made by calling panel_case_move directly, as a meeting would."""

import datetime

from django.utils import timezone

from audit.record.chain import atomic_unit
from panels.models import PanelCase
from panels.models.vocabulary import ConsentDecision, ConsentGiver, ConsentMethod, InterventionType
from panels.rules.stages import StageEvent
from panels.selectors.support import framework_factors
from panels.services.assessment import assessment_agree, assessment_entry_record, assessment_start
from panels.services.cases import MoveDetails, panel_case_move
from panels.services.support import InterventionInput, consent_record, support_plan_record
from panels.services.transfer import panel_case_transfer
from prevent_cases.models import Agency, Area, User
from tests.factories import decision_input

RATIONALE = "The panel discussed the case and agreed this with the police present."
SUMMARY = "Engagement factors present; no intent or capability identified at this time."


def fresh(case) -> PanelCase:
    """The case (or the case with this id) as the database has it now."""
    return PanelCase.objects.select_related("panel", "referral", "referral__subject").get(
        pk=getattr(case, "pk", case)
    )


def move(chair: User, case: PanelCase, event: str, **details) -> PanelCase:
    case = fresh(case)
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
    return fresh(case)


def rate_all(user: User, assessment, rating: str = "present", evidence: str = "Seen in class."):
    for factor in framework_factors(assessment.framework_id):
        assessment_entry_record(
            actor=user,
            membership=user.membership,
            assessment=assessment,
            factor=factor.code,
            rating=rating,
            evidence=evidence,
        )


def agree_assessment(chair: User, case: PanelCase, rating: str = "present"):
    case = fresh(case)
    assessment = assessment_start(actor=chair, membership=chair.membership, panel_case=case)
    rate_all(chair, assessment, rating)
    return assessment_agree(
        actor=chair,
        membership=chair.membership,
        assessment=assessment,
        summary=SUMMARY,
        management_plan="Mentoring and family work; review in four weeks.",
    )


def adopt_and_assess(chair: User, case: PanelCase) -> PanelCase:
    case = move(chair, case, StageEvent.ADOPT)
    agree_assessment(chair, case)
    return move(chair, case, StageEvent.AGREE_ASSESSMENT)


def intervention(agency: Agency, practitioner: User | None = None, **overrides):
    values = {
        "type": InterventionType.MENTORING,
        "delivering_agency": agency,
        "goals": ("Attend sessions", "Build a positive peer network"),
        "planned_sessions": 6,
        "start_on": timezone.localdate() + datetime.timedelta(days=7),
        "practitioner": practitioner,
    }
    values.update(overrides)
    return InterventionInput(**values)


def record_plan(chair: User, case: PanelCase, *interventions, version=None):
    case = fresh(case)
    return support_plan_record(
        actor=chair,
        membership=chair.membership,
        panel_case=case,
        consent_approach="The coordinator meets the parent at home to explain Channel.",
        consent_sought_by="The Channel coordinator",
        consent_sought_on=timezone.localdate(),
        support_summary="Mentoring towards a positive peer network, with family support.",
        interventions=list(interventions),
        version=case.version if version is None else version,
    )


def consent(chair: User, case: PanelCase, decision=ConsentDecision.GIVEN, version=None, **kw):
    case = fresh(case)
    values = {
        "decision": decision,
        "given_by": ConsentGiver.PARENT_GUARDIAN,
        "obtained_on": timezone.localdate(),
        "method": ConsentMethod.IN_PERSON,
        "capacity_considered": True,
        "capacity_note": "",
        "note": "Discussed at home with the parent, who asked good questions.",
        "reassess_on": None,
        "rationale": "",
    }
    if decision != ConsentDecision.GIVEN:
        values["reassess_on"] = timezone.localdate() + datetime.timedelta(days=90)
        values["rationale"] = "Consent refused; the police manage the risk meanwhile."
    values.update(kw)
    return consent_record(
        actor=chair,
        membership=chair.membership,
        panel_case=case,
        version=case.version if version is None else version,
        **values,
    )


def to_review(chair: User, case: PanelCase, provider: Agency) -> PanelCase:
    """Adopt, assess, plan with one intervention for `provider`, consent, start support."""
    case = adopt_and_assess(chair, case)
    record_plan(chair, case, intervention(provider))
    consent(chair, case)
    return move(chair, case, StageEvent.START_SUPPORT)


def transfer(by: User, case: PanelCase, area="Southmere", note="The family moved there last week."):
    case = fresh(case)
    return panel_case_transfer(
        actor=by,
        membership=by.membership,
        panel_case=case,
        to_area=Area.objects.get(name=area),
        note=note,
        data=decision_input(categories=()),
        version=case.version,
    )
