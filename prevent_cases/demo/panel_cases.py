"""Synthetic Channel panel work for the demo: each seeded area's panel accepts its
progressed referrals, gathers information, holds a meeting and moves its cases to every
stage and exit route, all through the real services, so the demo obeys every rule and
leaves a valid audit chain.

The meeting held today is scheduled a moment ahead and then run, because a meeting can
only be scheduled in the future; the next meeting is a fortnight away with its agenda
built and its papers waiting for the chair's confirmation.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from audit.services.decision_rules import DecisionInput
from audit.vocabulary import Category, ConsentStatus, DecisionAction, LegalBasis
from panels.models import PanelCase
from panels.models.vocabulary import (
    Attendance,
    ConsentDecision,
    ConsentGiver,
    ConsentMethod,
    DecisionMethod,
    ExitOutcome,
    InterventionType,
    NotAdoptedRoute,
)
from panels.rules.stages import StageEvent
from panels.selectors.cases import channel_inbox
from panels.selectors.meetings import papers_proposal
from panels.selectors.support import framework_factors
from panels.services.assessment import assessment_agree, assessment_entry_record, assessment_start
from panels.services.cases import MoveDetails, panel_case_move, panel_case_open, panel_for_agency
from panels.services.meetings import (
    AttendanceEntry,
    agenda_build,
    agenda_decision_record,
    meeting_attendance_record,
    meeting_close,
    meeting_schedule,
    panel_action_set,
)
from panels.services.papers import papers_confirm
from panels.services.requests import (
    information_request_answer_share,
    information_request_answer_withhold,
    information_request_send,
)
from panels.services.support import InterventionInput, consent_record, support_plan_record
from panels.services.transfer import panel_case_transfer
from prevent_cases.demo.accounts import DEMO_AREAS
from prevent_cases.demo.delivery import deliver
from prevent_cases.models import Agency, Area, User

# The demo's interventions started this long ago, so they have sessions to show.
STARTED_DAYS_AGO = 42
# Cases left in each area's Channel inbox, waiting for the coordinator to accept them.
LEFT_IN_INBOX = 2
RATIONALE = "Synthetic demo: the panel's reasons for this decision are recorded here."
JUSTIFICATION = (
    "The panel needs this agency's information to assess the person's needs; nothing less "
    "would let it decide what support is right."
)
NOT_SOUGHT = "Seeking consent now would prejudice the panel's assessment of the person."


def _decision(categories=(), action=DecisionAction.SHARE, **overrides) -> DecisionInput:
    values = {
        "action": action,
        "categories": tuple(categories),
        "purpose": "Channel panel: assess the person's needs and decide what support is right",
        "legal_basis": LegalBasis.CTSA_S38,
        "legal_basis_other": "",
        "schedule1_condition": "",
        "consent_status": ConsentStatus.NOT_SOUGHT,
        "consent_reason": NOT_SOUGHT,
        "justification": JUSTIFICATION,
        "expires_at": None,
    }
    values.update(overrides)
    return DecisionInput(**values)


class _Area:
    """The demo people of one area, by handle."""

    def __init__(self, name: str):
        self.name = name
        self.users = {
            user.username.split(".", 1)[1]: user
            for user in User.objects.select_related("membership__agency__area").filter(
                username__startswith=f"{name.lower()}."
            )
        }

    def user(self, handle: str) -> User:
        return self.users[handle]

    def agency(self, handle: str) -> Agency:
        return self.users[handle].membership.agency


def _move(chair: User, case: PanelCase, event: str, **details) -> PanelCase:
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


def _ask(area: _Area, case: PanelCase, handles: dict[str, list[str]]) -> dict:
    coordinator = area.user("coordinator")
    due = timezone.localdate() + datetime.timedelta(days=5)
    asked = {}
    for handle, categories in handles.items():
        asked[handle] = information_request_send(
            actor=coordinator,
            membership=coordinator.membership,
            panel_case=case,
            to_agency=area.agency(handle),
            categories=categories,
            purpose="What your service knows of the person's needs, for the panel's assessment.",
            due_on=due,
        )
    return asked


def _gather(area: _Area, case: PanelCase) -> None:
    """Ask the NHS trust and the college what they hold; the trust shares, the college
    withholds."""
    asked = _ask(area, case, {"health": [Category.HEALTH], "education": [Category.EDUCATION]})
    health = area.user("health")
    information_request_answer_share(
        actor=health,
        membership=health.membership,
        request=asked["health"],
        contributions=[
            (Category.HEALTH, "Known to the community mental health team; anxiety, low mood.")
        ],
        data=_decision([Category.HEALTH], schedule1_condition="safeguarding_children"),
    )
    education = area.user("education")
    information_request_answer_withhold(
        actor=education,
        membership=education.membership,
        request=asked["education"],
        data=_decision(
            [Category.EDUCATION],
            action=DecisionAction.WITHHOLD,
            justification="The college holds nothing relevant beyond attendance records, "
            "which the panel does not need to assess this person.",
        ),
    )


def _assess(area: _Area, case: PanelCase, *, agree: bool) -> None:
    chair, health = area.user("chair"), area.user("health")
    assessment = assessment_start(actor=chair, membership=chair.membership, panel_case=case)
    factors = [factor.code for factor in framework_factors(assessment.framework_id)]
    assessment_entry_record(
        actor=health,
        membership=health.membership,
        assessment=assessment,
        factor="mental_health" if "mental_health" in factors else factors[0],
        rating="present",
        evidence="Anxiety and low mood, known to the community mental health team.",
    )
    if not agree:
        return
    for number, factor in enumerate(factors):
        assessment_entry_record(
            actor=chair,
            membership=chair.membership,
            assessment=assessment,
            factor=factor,
            rating="present" if number % 5 == 0 else "not_present",
            evidence="Synthetic demo evidence agreed at the panel.",
        )
    assessment_agree(
        actor=chair,
        membership=chair.membership,
        assessment=assessment,
        summary="Engagement factors present; no intent or capability indicated. Support "
        "through mentoring is proportionate.",
        management_plan="Mentoring and a probation check-in, reviewed monthly.",
    )
    case.refresh_from_db()


def _consent(area: _Area, case: PanelCase, decision: str, **extra) -> None:
    chair = area.user("chair")
    case.refresh_from_db()
    consent_record(
        actor=chair,
        membership=chair.membership,
        panel_case=case,
        decision=decision,
        given_by=ConsentGiver.PARENT_GUARDIAN
        if case.referral.subject.is_child
        else ConsentGiver.PERSON,
        obtained_on=timezone.localdate(),
        method=ConsentMethod.IN_PERSON,
        capacity_considered=True,
        capacity_note="",
        note="",
        version=case.version,
        **extra,
    )
    case.refresh_from_db()


def _plan(area: _Area, case: PanelCase) -> None:
    chair = area.user("chair")
    start = timezone.localdate() - datetime.timedelta(days=STARTED_DAYS_AGO)
    support_plan_record(
        actor=chair,
        membership=chair.membership,
        panel_case=case,
        consent_approach="The coordinator meets the person (and a parent for a child) to "
        "explain the support and ask for consent.",
        consent_sought_by="Channel coordinator",
        consent_sought_on=timezone.localdate(),
        support_summary="Mentoring from an approved provider and a probation check-in.",
        version=case.version,
        interventions=[
            InterventionInput(
                type=InterventionType.MENTORING_IDEOLOGICAL,
                delivering_agency=area.agency("provider"),
                goals=("Explore grievances safely", "Build critical thinking online"),
                planned_sessions=8,
                start_on=start,
                practitioner=area.user("provider"),
            ),
            InterventionInput(
                type=InterventionType.LIFE_SKILLS,
                delivering_agency=area.agency("probation"),
                goals=("Manage anger in conflict",),
                planned_sessions=4,
                start_on=start,
                practitioner=area.user("probation"),
            ),
        ],
    )
    case.refresh_from_db()


def _meeting_today(area: _Area, cases: list[PanelCase]) -> None:
    """Today's meeting: everyone present but the college, the identification cases on the
    agenda, papers confirmed, two cases not adopted and the rest adopted."""
    chair = area.user("chair")
    membership = chair.membership
    meeting = meeting_schedule(
        actor=chair,
        membership=membership,
        starts_at=timezone.now() + datetime.timedelta(seconds=1),
        location="Council offices, committee room 2",
    )
    panel = panel_for_agency(membership.agency)
    entries = [
        AttendanceEntry(
            agency_id=agency.pk,
            status=Attendance.APOLOGIES
            if agency == area.agency("education")
            else Attendance.PRESENT,
        )
        for agency in [panel.agency, *panel.members.all()]
    ]
    meeting_attendance_record(actor=chair, membership=membership, meeting=meeting, entries=entries)
    items = agenda_build(actor=chair, membership=membership, meeting=meeting)
    papers_confirm(
        actor=chair,
        membership=membership,
        meeting=meeting,
        selections=[row.key for row in papers_proposal(meeting=meeting)],
    )
    routes = [
        {"not_adopted_route": NotAdoptedRoute.HEALTH, "onward_service": "Community mental health"},
        {"not_adopted_route": NotAdoptedRoute.POLICE},
    ]
    for number, item in enumerate(items):
        item.panel_case.refresh_from_db()
        not_adopted = number < len(routes)
        agenda_decision_record(
            actor=chair,
            membership=membership,
            item=item,
            event=StageEvent.NOT_ADOPT if not_adopted else StageEvent.ADOPT,
            method=DecisionMethod.MAJORITY if number == 1 else DecisionMethod.UNANIMOUS,
            votes_for=5 if number == 1 else None,
            votes_against=2 if number == 1 else None,
            rationale=RATIONALE,
            minutes="Synthetic demo minutes of the panel's discussion of this case.",
            details=MoveDetails(**routes[number]) if not_adopted else None,
            version=item.panel_case.version,
        )
        if number == len(routes):
            panel_action_set(
                actor=chair,
                membership=membership,
                item=item,
                owner_agency=area.agency("health"),
                description="Ask the GP practice whether the person is registered and seen.",
                due_on=timezone.localdate() + datetime.timedelta(days=10),
            )
    meeting_close(actor=chair, membership=membership, meeting=meeting, minutes=RATIONALE)
    for case in cases:
        case.refresh_from_db()


def _next_meeting(area: _Area) -> None:
    chair = area.user("chair")
    meeting = meeting_schedule(
        actor=chair,
        membership=chair.membership,
        starts_at=timezone.now() + datetime.timedelta(days=14),
        location="Council offices, committee room 2",
    )
    agenda_build(actor=chair, membership=chair.membership, meeting=meeting)


def _transfer(area: _Area, case: PanelCase, to_area: Area) -> None:
    chair = area.user("chair")
    panel_case_transfer(
        actor=chair,
        membership=chair.membership,
        panel_case=case,
        to_area=to_area,
        note="The person has moved to the other area and lives there now.",
        data=_decision(purpose="Transfer: the receiving panel takes over the person's case"),
        version=case.version,
    )


def _seed_area(area: _Area, other_area: Area) -> int:
    coordinator = area.user("coordinator")
    panel_agency = coordinator.membership.agency
    if PanelCase.objects.filter(panel__agency=panel_agency).exists():
        return 0
    waiting = list(channel_inbox(membership=coordinator.membership))
    # One more than those left waiting is accepted after the meeting: it is gathering
    # information for the next one.
    gathering = waiting[LEFT_IN_INBOX] if len(waiting) > LEFT_IN_INBOX else None
    cases = [
        panel_case_open(actor=coordinator, membership=coordinator.membership, referral=referral)
        for referral in waiting[LEFT_IN_INBOX + 1 :]
    ]
    if gathering is None or len(cases) < 8:
        return len(cases)
    _gather(area, cases[2])
    _meeting_today(area, cases)
    chair = area.user("chair")
    # cases[0] and [1] were not adopted; [2] stays in needs assessment with a partner's
    # entry; the others move on.
    _assess(area, cases[2], agree=False)
    for case in cases[3:]:
        _assess(area, case, agree=True)
        _move(chair, case, StageEvent.AGREE_ASSESSMENT)
    # cases[3] waits at the support plan stage with no consent recorded yet.
    for case in cases[4:]:
        _plan(area, case)
    _consent(
        area,
        cases[5],
        ConsentDecision.REFUSED,
        reassess_on=timezone.localdate() + datetime.timedelta(days=90),
        rationale="The person declined support; the police keep managing the risk.",
    )
    for case in (cases[4], *cases[6:]):
        _consent(area, case, ConsentDecision.GIVEN)
        _move(chair, case, StageEvent.START_SUPPORT)
    _move(chair, cases[6], StageEvent.EXIT, exit_outcome=ExitOutcome.NO_FURTHER_CONCERN)
    _transfer(area, cases[7], other_area)
    for case in cases[8:]:
        _move(chair, case, StageEvent.CONTINUE)
    deliver(area.users, delivering=[cases[4], *cases[9:]], silent=cases[8:9])
    new = panel_case_open(actor=coordinator, membership=coordinator.membership, referral=gathering)
    _ask(area, new, {"childrens": [Category.FAMILY]})
    _next_meeting(area)
    return len(cases) + 1


@transaction.atomic
def seed_panel_cases() -> int:
    """Run each demo area's panel over its progressed referrals, once; return the cases
    opened."""
    areas = {area.name: area for area in Area.objects.filter(name__in=[a.name for a in DEMO_AREAS])}
    opened = 0
    for number, demo_area in enumerate(DEMO_AREAS):
        other = DEMO_AREAS[(number + 1) % len(DEMO_AREAS)]
        opened += _seed_area(_Area(demo_area.name), areas[other.name])
    return opened
