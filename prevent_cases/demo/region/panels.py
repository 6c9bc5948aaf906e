"""The region's Channel panel cases, spread over every stage, each with the steps the panel
services would have recorded to bring it there: accepted from the inbox, partners asked
what they hold (and answering by sharing or withholding), adopted or not, the needs
assessment agreed, the support plan with its interventions, consent, reviews, exit and the
post-exit reviews.

The oldest progressed referrals have gone furthest: cases that have exited or were not
adopted, then those in review, and the newest are still at identification; the very newest
progressed referrals wait in their panel's inbox. Every decision of the panel is taken at
one of its meetings (prevent_cases.demo.region.meetings).
"""

import collections
import datetime
import uuid
from dataclasses import dataclass, field

from audit.event_types import EventType
from audit.services.decision_rules import DecisionInput
from audit.vocabulary import Category, ConsentStatus, DecisionAction, LegalBasis
from panels.models import (
    Consent,
    Contribution,
    InformationRequest,
    PanelCase,
    PostExitReview,
    StageMove,
    SupportPlan,
)
from panels.models.vocabulary import (
    ConsentDecision,
    ExitOutcome,
    NotAdoptedRoute,
    PostExitOutcome,
    RequestStatus,
    Stage,
)
from panels.rules.stages import StageEvent, move_for
from panels.services.cases import POST_EXIT_REVIEW_MONTHS
from prevent_cases.dates import add_months
from prevent_cases.demo.region.meetings import RATIONALE, Meetings
from prevent_cases.demo.region.referrals import PROGRESSED_OPENED, RegionReferral
from prevent_cases.demo.region.tables import Table
from prevent_cases.roles import Role
from referrals.models import Referral
from referrals.rules.intake import is_child_on

# Where the panels' cases stand.
STAGE_SHARES = (
    (Stage.EXITED, 28),
    (Stage.NOT_ADOPTED, 12),
    (Stage.REVIEW, 32),
    (Stage.SUPPORT_PLAN, 10),
    (Stage.ASSESSMENT, 10),
    (Stage.IDENTIFICATION, 8),
)
# The stages a case reaches only with a support plan, and so with interventions.
PLANNED_STAGES = (Stage.SUPPORT_PLAN, Stage.REVIEW, Stage.EXITED)
# Referrals taken out of the inbox per update (a bound list of ids each).
ACCEPTED_BATCH = 5_000
# Of exits: most with no further terrorism-related concern (shared/domain.md section 8); one
# in ten stopped because consent was refused.
EXIT_OUTCOMES = (
    (ExitOutcome.NO_FURTHER_CONCERN, 75),
    (ExitOutcome.OTHER_SERVICES, 12),
    (ExitOutcome.OTHER, 3),
    ("stopped", 10),
)
NOT_ADOPTED_ROUTES = (
    (NotAdoptedRoute.HEALTH, "Community mental health team"),
    (NotAdoptedRoute.SOCIAL_CARE, "Early help"),
    (NotAdoptedRoute.POLICE, ""),
)
REQUEST_PURPOSE = "What your service knows of the person's needs, for the panel's assessment."
ANSWER_JUSTIFICATION = (
    "The panel needs this agency's information to assess the person's needs; nothing less "
    "would let it decide what support is right."
)
WITHHOLD_JUSTIFICATION = (
    "The service holds nothing relevant beyond routine records, which the panel does not "
    "need to assess this person."
)
NOT_SOUGHT = "Seeking consent now would prejudice the panel's assessment of the person."
CONTRIBUTIONS = {
    Category.HEALTH: "Known to the community mental health team; anxiety and low mood.",
    Category.EDUCATION: "Attendance has fallen this term; staff report isolation from peers.",
    Category.CRIMINAL_JUSTICE: "One caution for a public order offence two years ago.",
}
REVIEW_NOTE = "No further concern at the post-exit review; the case stays closed."


@dataclass
class RegionCase:
    """What delivery needs of a panel case."""

    id: uuid.UUID
    referral: RegionReferral
    stage: str
    chair: uuid.UUID
    coordinator: uuid.UUID
    version: int = 1
    plan_id: uuid.UUID | None = None
    planned_at: datetime.datetime | None = None
    consent_at: datetime.datetime | None = None
    # When support ended (exit or consent refused) and how delivery stopped then.
    ended_at: datetime.datetime | None = None
    ended_as: str = ""
    intervention_ids: list[uuid.UUID] = field(default_factory=list)

    @property
    def panel(self):
        return self.referral.area.panel_agency


class _Tables:
    def __init__(self) -> None:
        self.cases = Table(
            PanelCase,
            ("id", "created_at", "updated_at", "referral_id", "panel_id", "source_agency_id",
             "stage", "stage_changed_at", "accepted_by_id", "next_review_on", "reassess_on",
             "not_adopted_route", "onward_service", "exit_outcome", "exited_on", "version"),
        )  # fmt: skip
        self.moves = Table(
            StageMove,
            ("id", "panel_case_id", "referral_id", "source_agency_id", "from_stage", "to_stage",
             "event", "rationale", "actor_id", "created_at"),
        )  # fmt: skip
        self.requests = Table(
            InformationRequest,
            ("id", "created_at", "updated_at", "panel_case_id", "referral_id",
             "source_agency_id", "to_agency_id", "categories", "purpose", "due_on",
             "requested_by_id", "status", "answered_by_id", "answered_at", "answer_id"),
        )  # fmt: skip
        self.contributions = Table(
            Contribution,
            ("id", "created_at", "updated_at", "panel_case_id", "referral_id",
             "source_agency_id", "request_id", "category", "content", "contributed_by_id"),
        )  # fmt: skip
        self.consents = Table(
            Consent,
            ("id", "created_at", "updated_at", "panel_case_id", "referral_id",
             "source_agency_id", "decision", "given_by", "obtained_on", "method",
             "capacity_considered", "capacity_note", "note", "recorded_by_id"),
        )  # fmt: skip
        self.plans = Table(
            SupportPlan,
            ("id", "created_at", "updated_at", "panel_case_id", "referral_id",
             "source_agency_id", "consent_approach", "consent_sought_by", "consent_sought_on",
             "support_summary", "recorded_by_id"),
        )  # fmt: skip
        self.reviews = Table(
            PostExitReview,
            ("id", "created_at", "updated_at", "panel_case_id", "referral_id",
             "source_agency_id", "months_after_exit", "due_on", "outcome", "rationale",
             "done_at", "done_by_id"),
        )  # fmt: skip

    def all(self) -> tuple[Table, ...]:
        return (self.cases, self.moves, self.requests, self.contributions, self.consents,
                self.plans, self.reviews)  # fmt: skip


def _stages(count: int) -> list[str]:
    total = sum(weight for _, weight in STAGE_SHARES)
    stages: list[str] = []
    for stage, weight in STAGE_SHARES:
        stages += [stage] * round(count * weight / total)
    # Rounding may leave the list a case short or over: the newest stage absorbs it.
    return (stages + [Stage.IDENTIFICATION] * count)[:count]


def _intervention_counts(cases: int, interventions: int, rng) -> list[int]:
    """Interventions per planned case: at least one each, the rest spread at random."""
    counts = [1] * cases
    for _ in range(max(0, interventions - cases) if cases else 0):
        counts[rng.randrange(cases)] += 1
    return counts


def build_panel_cases(
    build, region, referrals: list[RegionReferral], *, count: int, interventions: int
) -> list[RegionCase]:
    rng = build.rng
    progressed = sorted(
        (referral for referral in referrals if referral.progressed),
        key=lambda referral: referral.screened_at,
    )
    opened = progressed[: min(count, round(len(progressed) * PROGRESSED_OPENED) or 1)]
    stages = _stages(len(opened))
    # Exited and not adopted mix among the oldest; the rest follow in order.
    closed = [stage for stage in stages if stage in (Stage.EXITED, Stage.NOT_ADOPTED)]
    rng.shuffle(closed)
    stages = closed + [stage for stage in stages if stage not in (Stage.EXITED, Stage.NOT_ADOPTED)]
    tables = _Tables()
    tables.meetings = Meetings(
        build, region, collections.Counter(referral.area.panel_id for referral in opened)
    )
    tables.intervention_counts = iter(
        _intervention_counts(sum(stage in PLANNED_STAGES for stage in stages), interventions, rng)
    )
    cases = []
    for referral, stage in zip(opened, stages, strict=True):
        panel = referral.area.panel_agency
        case = RegionCase(
            build.ids.new(),
            referral,
            stage,
            region.user(panel, Role.PANEL_CHAIR, rng),
            region.user(panel, Role.CHANNEL_COORDINATOR, rng),
        )
        _run_case(build, tables, case)
        cases.append(case)
    for table in tables.all():
        table.flush()
    _accepted(cases)
    build.counts.update(tables.meetings.write())
    build.counts.update(
        panel_cases=tables.cases.count,
        stage_moves=tables.moves.count,
        information_requests=tables.requests.count,
        contributions=tables.contributions.count,
        consents=tables.consents.count,
        support_plans=tables.plans.count,
        post_exit_reviews=tables.reviews.count,
    )
    return cases


def _accepted(cases: list[RegionCase]) -> None:
    """The referrals the panels accepted leave their Channel inbox: every progressed
    referral was written waiting (prevent_cases.demo.region.referrals), as the screening
    service leaves it, and accepting one clears it, as panel_case_open does."""
    ids = [case.referral.id for case in cases]
    for start in range(0, len(ids), ACCEPTED_BATCH):
        Referral.objects.filter(pk__in=ids[start : start + ACCEPTED_BATCH]).update(
            awaiting_panel=False
        )


class _Case:
    """One case being walked through its steps."""

    def __init__(self, build, tables: _Tables, case: RegionCase) -> None:
        self.build, self.tables, self.case = build, tables, case
        self.referral = case.referral
        self.panel = case.panel
        self.stage = Stage.IDENTIFICATION
        self.changed_at: datetime.datetime | None = None
        self.fields = {
            "next_review_on": None,
            "reassess_on": None,
            "not_adopted_route": "",
            "onward_service": "",
            "exit_outcome": "",
            "exited_on": None,
        }

    def event(self, moment, event_type, actor, payload) -> None:
        self.build.timeline.on_referral(
            moment, event_type, actor, self.panel.id, self.referral.id, payload
        )

    def move(self, moment, event: str, to_stage: str, outcome: str = "") -> datetime.datetime:
        """Move the case; a decision of the panel is taken at its next sitting, so return
        when the move was made."""
        case = self.case
        actor = case.chair
        if move_for(self.stage, event).in_meeting:
            moment, actor = self.tables.meetings.decide(self, moment, event, self.stage)
        self.tables.moves.add(
            self.build.ids.new(), case.id, self.referral.id, self.panel.id, self.stage,
            to_stage, event, RATIONALE, actor, moment,
        )  # fmt: skip
        self.event(
            moment,
            EventType.PANEL_CASE_STAGE_CHANGED,
            actor,
            {"panel_case": case.id, "from": self.stage, "to": to_stage, "event": event,
             "outcome": outcome},
        )  # fmt: skip
        self.stage, self.changed_at = to_stage, moment
        case.version += 1
        return moment


def _run_case(build, tables: _Tables, case: RegionCase) -> None:
    rng = build.rng
    walk = _Case(build, tables, case)
    referral = case.referral
    opened = build.after(referral.screened_at, 1, 7)
    walk.changed_at = opened
    sources = build.sharing
    sources.source(referral.id, walk.panel.id, opened, referral.force.id)
    walk.event(
        opened,
        EventType.PANEL_CASE_OPENED,
        case.coordinator,
        {"panel": referral.area.panel_id, "panel_case": case.id, "previous_case": None},
    )
    _gather(build, tables, walk, opened)
    moment = build.after(opened, 10, 30)
    fields = walk.fields
    if case.stage == Stage.NOT_ADOPTED:
        route, service = rng.choice(NOT_ADOPTED_ROUTES)
        fields.update(not_adopted_route=route, onward_service=service)
        walk.move(moment, StageEvent.NOT_ADOPT, Stage.NOT_ADOPTED, route)
    elif case.stage != Stage.IDENTIFICATION:
        moment = walk.move(moment, StageEvent.ADOPT, Stage.ASSESSMENT)
        if case.stage != Stage.ASSESSMENT:
            moment = build.after(moment, 14, 40)
            moment = walk.move(moment, StageEvent.AGREE_ASSESSMENT, Stage.SUPPORT_PLAN)
            moment = _plan(build, tables, walk, build.after(moment, 1, 10))
            _consent_and_support(build, tables, walk, moment)
    tables.cases.add(
        case.id, opened, walk.changed_at, referral.id, referral.area.panel_id, walk.panel.id,
        walk.stage, walk.changed_at, case.coordinator, fields["next_review_on"],
        fields["reassess_on"], fields["not_adopted_route"], fields["onward_service"],
        fields["exit_outcome"], fields["exited_on"], case.version,
    )  # fmt: skip


def _gather(build, tables: _Tables, walk: _Case, opened) -> None:
    """The coordinator asks the area's health trust, and the college (for a child) or
    probation (for an adult), what they hold; most share, some withhold, the newest wait."""
    rng = build.rng
    case, referral = walk.case, walk.referral
    asks = [("health", Category.HEALTH)]
    asks.append(
        ("education", Category.EDUCATION)
        if referral.is_child
        else ("probation", Category.CRIMINAL_JUSTICE)
    )
    for kind, category in asks:
        partner = referral.area.partner(kind, rng)
        if partner is None:
            continue
        sent = build.after(opened, 0, 2)
        request_id = build.ids.new()
        due_on = sent.date() + datetime.timedelta(days=10)
        walk.event(
            sent,
            EventType.INFORMATION_REQUESTED,
            case.coordinator,
            {"panel_case": case.id, "request": request_id, "to_agency": partner.id,
             "categories": [category], "due_on": due_on},
        )  # fmt: skip
        answered = sent + datetime.timedelta(days=rng.uniform(2, 12))
        status, answerer, decision = RequestStatus.OPEN, None, None
        if answered < build.now:
            answerer = rng.choice(partner.users[Role.PANEL_MEMBER])
            shares = rng.random() < 0.75
            status = RequestStatus.SHARED if shares else RequestStatus.WITHHELD
            build.sharing.source(referral.id, partner.id, answered, referral.force.id)
            decision = build.sharing.record(
                moment=answered,
                referral_id=referral.id,
                discloser=partner.id,
                receiver=walk.panel.id,
                data=DecisionInput(
                    action=DecisionAction.SHARE if shares else DecisionAction.WITHHOLD,
                    categories=(category,),
                    purpose=REQUEST_PURPOSE,
                    legal_basis=LegalBasis.CTSA_S38,
                    legal_basis_other="",
                    schedule1_condition="safeguarding_children"
                    if category == Category.HEALTH
                    else "",
                    consent_status=ConsentStatus.NOT_SOUGHT,
                    consent_reason=NOT_SOUGHT,
                    justification=ANSWER_JUSTIFICATION if shares else WITHHOLD_JUSTIFICATION,
                    expires_at=None,
                ),
                decided_by=answerer,
                role=Role.PANEL_MEMBER,
            )
            walk.event(
                answered,
                EventType.INFORMATION_REQUEST_ANSWERED,
                answerer,
                {"request": request_id, "status": status, "decision": decision.id},
            )
            if shares:
                contribution = build.ids.new()
                tables.contributions.add(
                    contribution, answered, answered, case.id, referral.id, partner.id,
                    request_id, category, CONTRIBUTIONS[category], answerer,
                )  # fmt: skip
                walk.event(
                    answered,
                    EventType.CONTRIBUTION_RECORDED,
                    answerer,
                    {"contribution": contribution, "category": category, "request": request_id},
                )
        tables.requests.add(
            request_id, sent, answered if answerer else sent, case.id, referral.id,
            walk.panel.id, partner.id, [category], REQUEST_PURPOSE, due_on, case.coordinator,
            status, answerer, answered if answerer else None, decision.id if decision else None,
        )  # fmt: skip


def _plan(build, tables: _Tables, walk: _Case, moment) -> datetime.datetime:
    """The support plan; its interventions are assigned by delivery, under the ids drawn
    here so the plan's event can name them."""
    case, referral = walk.case, walk.referral
    case.plan_id, case.planned_at = build.ids.new(), moment
    tables.plans.add(
        case.plan_id, moment, moment, case.id, referral.id, walk.panel.id,
        "The coordinator meets the person (and a parent for a child) to explain the support "
        "and ask for consent.",
        "Channel coordinator", moment.date(),
        "Mentoring from an approved provider and support from the partners the panel named.",
        case.chair,
    )  # fmt: skip
    build.sharing.source(referral.id, walk.panel.id, moment, referral.force.id)
    case.version += 1
    case.intervention_ids = [build.ids.new() for _ in range(next(tables.intervention_counts))]
    walk.event(
        moment,
        EventType.SUPPORT_PLAN_RECORDED,
        case.chair,
        {"panel_case": case.id, "plan": case.plan_id, "interventions": case.intervention_ids},
    )
    walk.changed_at = max(walk.changed_at, moment)
    return moment


def _consent_and_support(build, tables: _Tables, walk: _Case, planned) -> None:
    rng = build.rng
    case, referral = walk.case, walk.referral
    if case.stage == Stage.SUPPORT_PLAN:
        return
    ending = rng.choices(*zip(*EXIT_OUTCOMES, strict=True))[0] if case.stage == Stage.EXITED else ""
    moment = build.after(planned, 3, 14)
    decision = ConsentDecision.REFUSED if ending == "stopped" else ConsentDecision.GIVEN
    consent = build.ids.new()
    given_by = (
        "parent_guardian"
        if is_child_on(moment.date(), date_of_birth=referral.date_of_birth, estimated_age=None)
        else "person"
    )
    tables.consents.add(
        consent, moment, moment, case.id, referral.id, walk.panel.id, decision, given_by,
        moment.date(), rng.choice(("in_person", "phone", "writing")), True, "", "", case.chair,
    )  # fmt: skip
    if decision == ConsentDecision.REFUSED:
        walk.fields.update(
            exit_outcome=ExitOutcome.CONSENT_WITHDRAWN,
            exited_on=moment.date(),
            reassess_on=moment.date() + datetime.timedelta(days=90),
        )
        walk.move(moment, StageEvent.STOP_WITHOUT_CONSENT, Stage.EXITED, "consent_withdrawn")
        case.ended_at, case.ended_as = moment, "withdrawn"
        _post_exit_reviews(build, tables, walk, moment.date())
    else:
        case.version += 1
        case.consent_at = moment
    walk.event(
        moment,
        EventType.CONSENT_RECORDED,
        case.chair,
        {"panel_case": case.id, "consent": consent, "decision": decision, "given_by": given_by},
    )
    if decision == ConsentDecision.REFUSED:
        return
    moment = build.after(moment, 0, 3)
    interval = datetime.timedelta(days=28)
    moment = walk.move(moment, StageEvent.START_SUPPORT, Stage.REVIEW)
    walk.fields["next_review_on"] = moment.date() + interval
    reviews = rng.randint(1, 8) if ending else None
    while reviews is None or reviews > 0:
        later = moment + datetime.timedelta(days=rng.uniform(25, 35))
        if later >= build.now:
            break
        if reviews is not None:
            reviews -= 1
        moment = walk.move(later, StageEvent.CONTINUE, Stage.REVIEW)
        walk.fields["next_review_on"] = moment.date() + interval
    if ending:
        moment = walk.move(build.after(moment, 1, 20), StageEvent.EXIT, Stage.EXITED, ending)
        walk.fields.update(exit_outcome=ending, exited_on=moment.date(), next_review_on=None)
        case.ended_at = moment
        case.ended_as = "completed" if ending == ExitOutcome.NO_FURTHER_CONCERN else "withdrawn"
        _post_exit_reviews(build, tables, walk, moment.date())


def _post_exit_reviews(build, tables: _Tables, walk: _Case, exited_on: datetime.date) -> None:
    case, referral = walk.case, walk.referral
    for months in POST_EXIT_REVIEW_MONTHS:
        review = build.ids.new()
        due_on = add_months(exited_on, months)
        done_at = build.on(due_on + datetime.timedelta(days=build.rng.randint(0, 7)))
        done = due_on + datetime.timedelta(days=7) < build.today
        scheduled = walk.changed_at
        tables.reviews.add(
            review, scheduled, done_at if done else scheduled, case.id, referral.id,
            walk.panel.id, months, due_on, PostExitOutcome.NO_FURTHER_CONCERN if done else "",
            REVIEW_NOTE if done else "", done_at if done else None,
            case.chair if done else None,
        )  # fmt: skip
        if done:
            walk.event(
                done_at,
                EventType.POST_EXIT_REVIEW_RECORDED,
                case.chair,
                {"panel_case": case.id, "review": review, "months": months,
                 "outcome": PostExitOutcome.NO_FURTHER_CONCERN},
            )  # fmt: skip
