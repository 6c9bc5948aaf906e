"""The interventions of every support plan and their delivery, as the support and delivery
services write them: assigned with the panel's decision giving the delivering agency the
intervention (in its own scope) and who the person is; accepted (or declined) with the
agency's decision giving the panel its record; progress entries with progress against the
goals and the odd concern, which the panel considers; and, once an intervention finishes or
the case leaves Channel, the panel's revocation of what it gave.

Progress entries are shared out over the interventions by how long each has been
delivered, so the region holds its target however its cases fall.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection

from audit.event_types import EventType
from audit.vocabulary import Category
from panels.models import (
    ConcernReview,
    GoalProgress,
    Intervention,
    InterventionGoal,
    InterventionStatusChange,
    ProgressEntry,
)
from panels.models.support import intervention_scope
from panels.models.vocabulary import (
    ContactType,
    DeliveryEvent,
    GoalRating,
    InterventionStatus,
    InterventionType,
)
from panels.rules.decisions import panel_share
from panels.rules.delivery import next_contact_due
from panels.services.cases import IDENTITY_PURPOSE
from panels.services.delivery import (
    ACCEPTED_REASON,
    ACCESS_ENDED_REASON,
    DECLINE_JUSTIFICATION,
    DECLINE_PURPOSE,
    REPORTING_JUSTIFICATION,
    REPORTING_PURPOSE,
)
from panels.services.support import (
    CONSENT_NOT_YET_REASON,
    IDENTITY_JUSTIFICATION,
    INTERVENTION_JUSTIFICATION,
    INTERVENTION_PURPOSE,
    SUPPORT_ENDED_REASON,
)
from prevent_cases.demo.region.panels import RegionCase
from prevent_cases.demo.region.tables import Table
from prevent_cases.roles import Role

# Which kind of agency delivers each type of intervention (the first that serves the area).
DELIVERERS = {
    InterventionType.MENTORING_IDEOLOGICAL: ("intervention_provider",),
    InterventionType.MENTORING: ("intervention_provider", "youth_offending"),
    InterventionType.EDUCATION: ("education",),
    InterventionType.EMPLOYMENT: ("other", "intervention_provider"),
    InterventionType.CIVIC: ("other", "intervention_provider"),
    InterventionType.FAMILY: ("childrens_services", "adult_social_care"),
    InterventionType.HEALTH: ("health",),
    InterventionType.DRUGS_ALCOHOL: ("health",),
    InterventionType.LIFE_SKILLS: ("probation", "youth_offending"),
    InterventionType.HOUSING: ("housing",),
    InterventionType.DIVERSIONARY: ("youth_offending", "intervention_provider"),
    InterventionType.OTHER: ("intervention_provider",),
}
TYPE_WEIGHTS = (
    (InterventionType.MENTORING_IDEOLOGICAL, 30),
    (InterventionType.MENTORING, 14),
    (InterventionType.EDUCATION, 10),
    (InterventionType.EMPLOYMENT, 5),
    (InterventionType.CIVIC, 3),
    (InterventionType.FAMILY, 8),
    (InterventionType.HEALTH, 10),
    (InterventionType.DRUGS_ALCOHOL, 3),
    (InterventionType.LIFE_SKILLS, 8),
    (InterventionType.HOUSING, 3),
    (InterventionType.DIVERSIONARY, 5),
    (InterventionType.OTHER, 1),
)
GOALS = (
    "Explore grievances safely",
    "Build critical thinking online",
    "Manage anger in conflict",
    "Return to education or training",
    "Rebuild family relationships",
    "Find positive activities and friendships",
)
NOTES = (
    "Session held as planned; engaged throughout.",
    "Talked through online content seen this week.",
    "Worked on the plan for handling conflict.",
    "Reviewed progress against the goals together.",
    "Short contact; agreed the next session.",
)
MISSED = "Did not attend; left a message and rebooked."
CONCERN_NOTES = (
    "Mentioned being invited to a closed online group by someone met at the gym; the panel "
    "may want to ask the police what is known."
)
CONCERN_REVIEW_NOTE = "The panel considered the concern and asked the police to check."
ENDINGS = {
    # (final status of an accepted intervention while its case is open, weight)
    InterventionStatus.ACTIVE: 67,
    InterventionStatus.PAUSED: 8,
    InterventionStatus.COMPLETED: 18,
    InterventionStatus.WITHDRAWN: 7,
}
STATUS_REASONS = {
    DeliveryEvent.PAUSE: "Paused while the person is away from the area.",
    DeliveryEvent.COMPLETE: "All planned sessions delivered; the goals are met.",
    DeliveryEvent.WITHDRAW: "The person stopped engaging with the sessions.",
    DeliveryEvent.DECLINE: "No practitioner free to take this on within the plan's dates.",
}
CASE_ENDED_REASON = "The case has exited Channel; support under its plan has ended."


@dataclass
class _Work:
    """One intervention while its delivery is generated."""

    id: uuid.UUID
    case: RegionCase
    agency: object
    practitioner: uuid.UUID | None
    recorder: uuid.UUID
    start_on: datetime.date
    every_days: int
    goals: list[int]
    kind_of_work: str = ""
    planned_sessions: int = 1
    status: str = InterventionStatus.PLANNED
    version: int = 1
    accepted_at: datetime.datetime | None = None
    # When it was declined, completed or withdrawn by the agency.
    finish_at: datetime.datetime | None = None
    # Sessions run from the start to this day (exclusive); entries are shared out by it.
    until: datetime.date | None = None
    finish: tuple | None = None  # (moment, event, status) of a status move that ends it
    entries: int = 0
    support_share: object = None
    last_contact_on: datetime.date | None = None
    access_ended: bool = False

    @property
    def scope(self) -> str:
        return intervention_scope(self.id)

    @property
    def open(self) -> bool:
        return self.status in (
            InterventionStatus.PLANNED,
            InterventionStatus.ACTIVE,
            InterventionStatus.PAUSED,
        )


class _Tables:
    def __init__(self) -> None:
        self.interventions = Table(
            Intervention,
            ("id", "created_at", "updated_at", "panel_case_id", "referral_id",
             "source_agency_id", "plan_id", "type", "delivering_agency_id", "practitioner_id",
             "start_on", "planned_sessions", "contact_every_days", "status", "last_contact_on",
             "next_contact_due_on", "version"),
        )  # fmt: skip
        self.goals = Table(InterventionGoal, ("id", "intervention_id", "description", "position"))
        self.changes = Table(
            InterventionStatusChange,
            ("id", "created_at", "updated_at", "intervention_id", "referral_id",
             "source_agency_id", "event", "from_status", "to_status", "reason", "decision_id",
             "made_version", "changed_by_id"),
        )  # fmt: skip
        self.entries = Table(
            ProgressEntry,
            ("id", "created_at", "updated_at", "intervention_id", "referral_id",
             "source_agency_id", "occurred_on", "contact_type", "attended", "duration_minutes",
             "notes", "concern", "made_version", "recorded_by_id", "concern_open"),
        )  # fmt: skip
        self.goal_progress = Table(GoalProgress, ("entry_id", "goal_id", "rating"))
        self.concern_reviews = Table(
            ConcernReview,
            ("id", "created_at", "updated_at", "intervention_id", "referral_id",
             "source_agency_id", "entry_id", "note", "reviewed_by_id"),
        )  # fmt: skip

    def all(self) -> tuple[Table, ...]:
        return (self.interventions, self.goals, self.changes, self.entries, self.goal_progress,
                self.concern_reviews)  # fmt: skip


def _deliverer(case: RegionCase, kind_of_work: str, rng):
    area = case.referral.area
    for kind in DELIVERERS[kind_of_work]:
        agency = area.partner(kind, rng)
        if agency is not None:
            return agency
    return area.partner("intervention_provider", rng)


def build_delivery(build, cases: list[RegionCase], *, progress_entries: int) -> None:
    rng = build.rng
    tables = _Tables()
    goal_ids = iter(range(1, 10**9))
    works: list[_Work] = []
    for case in cases:
        case_works = [
            _assign(build, tables, case, intervention_id, goal_ids)
            for intervention_id in case.intervention_ids
        ]
        for work in case_works:
            _answer(build, tables, work)
        works += case_works
    _share_out_entries(works, progress_entries, rng)
    for work in works:
        _deliver(build, tables, work)
    by_case: dict[uuid.UUID, list[_Work]] = {}
    for work in works:
        by_case.setdefault(work.case.id, []).append(work)
    for case in cases:
        _end_access(build, case, by_case.get(case.id, []))
    for work in works:
        _write_intervention(build, tables, work)
    for table in tables.all():
        table.flush()
    # Goals were given their ids here; the next one the application adds follows them.
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [InterventionGoal]):
            cursor.execute(statement)
    build.counts.update(
        interventions=tables.interventions.count,
        intervention_goals=tables.goals.count,
        intervention_status_changes=tables.changes.count,
        progress_entries=tables.entries.count,
        goal_progress=tables.goal_progress.count,
        concern_reviews=tables.concern_reviews.count,
    )


def _assign(build, tables: _Tables, case: RegionCase, intervention_id, goal_ids) -> _Work:
    """intervention_assign: the row, its goals, the panel's share of the intervention and,
    once per agency on the case, of who the person is."""
    rng = build.rng
    referral, panel = case.referral, case.panel
    kind_of_work = rng.choices(*zip(*TYPE_WEIGHTS, strict=True))[0]
    agency = _deliverer(case, kind_of_work, rng)
    practitioners = agency.users.get(Role.PRACTITIONER)
    practitioner = rng.choice(practitioners) if practitioners else None
    recorder = practitioner or rng.choice(agency.users[Role.PANEL_MEMBER])
    moment = case.planned_at
    work = _Work(
        intervention_id,
        case,
        agency,
        practitioner,
        recorder,
        moment.date() + datetime.timedelta(days=rng.randint(5, 14)),
        rng.choice((7, 14, 14, 28)),
        [next(goal_ids) for _ in range(rng.randint(1, 3))],
    )
    work.kind_of_work, work.planned_sessions = kind_of_work, rng.randint(4, 16)
    for position, goal_id in enumerate(work.goals, start=1):
        tables.goals.add(goal_id, intervention_id, rng.choice(GOALS), position)
    sharing = build.sharing
    work.support_share = sharing.record(
        moment=moment,
        referral_id=referral.id,
        discloser=panel.id,
        receiver=agency.id,
        data=panel_share(
            (Category.SUPPORT,),
            purpose=INTERVENTION_PURPOSE,
            justification=INTERVENTION_JUSTIFICATION,
            consent_reason=CONSENT_NOT_YET_REASON,
        ),
        decided_by=case.chair,
        role=Role.PANEL_CHAIR,
        source=panel.id,
        scope=work.scope,
    )
    identities = build.identity_shares.setdefault(case.id, {})
    if agency.id not in identities:
        identities[agency.id] = sharing.record(
            moment=moment,
            referral_id=referral.id,
            discloser=panel.id,
            receiver=agency.id,
            data=panel_share(
                (Category.IDENTITY,),
                purpose=IDENTITY_PURPOSE,
                justification=IDENTITY_JUSTIFICATION,
                consent_reason=CONSENT_NOT_YET_REASON,
            ),
            decided_by=case.chair,
            role=Role.PANEL_CHAIR,
            source=referral.force.id,
        )
    build.timeline.on_referral(
        moment,
        EventType.INTERVENTION_ASSIGNED,
        case.chair,
        panel.id,
        referral.id,
        {"panel_case": case.id, "intervention": intervention_id, "delivering_agency": agency.id,
         "type": kind_of_work},
    )  # fmt: skip
    return work


def _answer(build, tables: _Tables, work: _Work) -> None:
    """The agency accepts (most) or declines, unless the plan is too new or consent was
    refused first; an accepted one's delivery runs to its end or to the case's."""
    rng = build.rng
    case = work.case
    answer_at = build.after(case.planned_at, 1, 10)
    if case.ended_at is not None and answer_at >= case.ended_at:
        return
    if case.consent_at is None and case.ended_at is None and rng.random() < 0.6:
        return  # still waiting for consent, and for the agency's answer
    declined = rng.random() < 0.04
    event = DeliveryEvent.DECLINE if declined else DeliveryEvent.ACCEPT
    _status_change(build, tables, work, answer_at, event, decision_for=event)
    if declined:
        work.finish_at = answer_at
        return
    work.accepted_at = answer_at
    end = case.ended_at or build.now
    if case.ended_at is None and case.consent_at is not None:
        # While the case is open an intervention may already have ended, or paused.
        status = rng.choices(list(ENDINGS), weights=list(ENDINGS.values()))[0]
        if status != InterventionStatus.ACTIVE:
            span = max((build.now - answer_at).days, 2)
            moment = build.after(answer_at, min(30, span / 2), span)
            event = {
                InterventionStatus.PAUSED: DeliveryEvent.PAUSE,
                InterventionStatus.COMPLETED: DeliveryEvent.COMPLETE,
                InterventionStatus.WITHDRAWN: DeliveryEvent.WITHDRAW,
            }[status]
            work.finish = (moment, event, status)
            end = moment
    work.until = max(end.date(), work.start_on)


def _status_change(build, tables, work: _Work, moment, event, *, decision_for=None) -> None:
    """intervention_move: the status row and its event; answering records the agency's
    decision giving the panel its record of the intervention."""
    case, referral = work.case, work.case.referral
    before = work.status
    after = {
        DeliveryEvent.ACCEPT: InterventionStatus.ACTIVE,
        DeliveryEvent.DECLINE: InterventionStatus.WITHDRAWN,
        DeliveryEvent.PAUSE: InterventionStatus.PAUSED,
        DeliveryEvent.COMPLETE: InterventionStatus.COMPLETED,
        DeliveryEvent.WITHDRAW: InterventionStatus.WITHDRAWN,
    }[event]
    work.version += 1
    work.status = after
    decision = None
    if decision_for is not None:
        accepting = event == DeliveryEvent.ACCEPT
        consent = case.consent_at is not None and case.consent_at <= moment
        build.sharing.source(referral.id, work.agency.id, moment, referral.force.id)
        decision = build.sharing.record(
            moment=moment,
            referral_id=referral.id,
            discloser=work.agency.id,
            receiver=case.panel.id,
            data=panel_share(
                (Category.SUPPORT,),
                purpose=REPORTING_PURPOSE if accepting else DECLINE_PURPOSE,
                justification=REPORTING_JUSTIFICATION if accepting else DECLINE_JUSTIFICATION,
                consent_given=consent,
                consent_reason="Reporting to the panel is part of the support the panel "
                "agreed; it is made under the partners' duty to co-operate with the panel.",
            ),
            decided_by=work.recorder,
            role=Role.PRACTITIONER if work.practitioner else Role.PANEL_MEMBER,
            scope=work.scope,
        )
    reason = ACCEPTED_REASON if event == DeliveryEvent.ACCEPT else STATUS_REASONS[event]
    tables.changes.add(
        build.ids.new(), moment, moment, work.id, referral.id, work.agency.id, event, before,
        after, reason, decision.id if decision else None, work.version, work.recorder,
    )  # fmt: skip
    build.timeline.on_referral(
        moment,
        EventType.INTERVENTION_STATUS_CHANGED,
        work.recorder,
        work.agency.id,
        referral.id,
        {"intervention": work.id, "event": event, "from_status": before, "to_status": after,
         "decision": decision.id if decision else None},
    )  # fmt: skip


def _share_out_entries(works: list[_Work], total: int, rng) -> None:
    """Entries per intervention in proportion to the days it has been delivered, at most
    one a day."""
    delivered = [work for work in works if work.until and work.until > work.start_on]
    days = [(work.until - work.start_on).days for work in delivered]
    all_days = sum(days)
    if not all_days:
        return
    for work, span in zip(delivered, days, strict=True):
        share = total * span / all_days
        work.entries = min(span, int(share) + (rng.random() < share - int(share)))


def _deliver(build, tables: _Tables, work: _Work) -> None:
    """progress_record for each session, then the move that ended or paused it."""
    rng = build.rng
    case, referral = work.case, work.case.referral
    span = (work.until - work.start_on).days if work.until else 0
    days = sorted(rng.sample(range(span), work.entries)) if work.entries else []
    for number, offset in enumerate(days):
        occurred_on = work.start_on + datetime.timedelta(days=offset)
        moment = max(build.on(occurred_on), work.accepted_at)
        attended = rng.random() < 0.82
        concern = attended and rng.random() < 0.015
        notes = CONCERN_NOTES if concern else rng.choice(NOTES) if attended else MISSED
        entry = build.ids.new()
        work.version += 1
        # The row is added once it is known whether the concern was considered (open).
        row = (
            entry, moment, moment, work.id, referral.id, work.agency.id, occurred_on,
            rng.choice(ContactType.values), attended,
            rng.randint(30, 90) if attended else None, notes, concern, work.version,
            work.recorder,
        )  # fmt: skip
        rated = 0
        if attended and rng.random() < 0.6:
            progress = (number + 1) / len(days)
            rating = GoalRating.values[min(3, int(progress * 4))]
            for goal in work.goals:
                tables.goal_progress.add(entry, goal, rating)
            rated = len(work.goals)
        if attended:
            work.last_contact_on = occurred_on
        build.timeline.on_referral(
            moment,
            EventType.PROGRESS_RECORDED,
            work.recorder,
            work.agency.id,
            referral.id,
            {"intervention": work.id, "entry": entry, "corrects": None, "attended": attended,
             "concern": concern, "goals": rated},
        )  # fmt: skip
        reviewed = build.after(moment, 1, 14)
        considered = concern and reviewed < build.now - datetime.timedelta(days=1)
        # No entry here is corrected, so a concern is open until the panel considers it.
        tables.entries.add(*row, concern and not considered)
        if considered:
            tables.concern_reviews.add(
                build.ids.new(), reviewed, reviewed, work.id, referral.id, case.panel.id, entry,
                CONCERN_REVIEW_NOTE, case.chair,
            )  # fmt: skip
            build.timeline.on_referral(
                reviewed,
                EventType.CONCERN_REVIEWED,
                case.chair,
                case.panel.id,
                referral.id,
                {"intervention": work.id, "entry": entry},
            )
    if work.finish is not None:
        moment, event, _ = work.finish
        _status_change(build, tables, work, moment, event)
        if work.status != InterventionStatus.PAUSED:
            work.finish_at = moment


def _end_access(build, case: RegionCase, works: list[_Work]) -> None:
    """What the panel revokes: for an intervention that finished while the case is open,
    its share and (once the agency has nothing open on the case) who the person is, as
    intervention_access_end does; when the case leaves Channel, everything it gave the
    delivering agencies, as support_access_end does, closing what was still open."""
    sharing, identities = build.sharing, build.identity_shares.pop(case.id, {})
    chair, panel, referral = case.chair, case.panel, case.referral
    finished = sorted(
        (work for work in works if work.finish_at is not None), key=lambda work: work.finish_at
    )
    for work in finished:
        if case.ended_at is not None and work.finish_at >= case.ended_at:
            continue
        moment = build.after(work.finish_at, 0, 5)
        if case.ended_at is not None and moment >= case.ended_at:
            continue
        revoked = [work.support_share]
        # Who the person is goes with the agency's last intervention on the case.
        still_delivering = any(
            other.agency is work.agency
            and (other.open or (other.finish_at is not None and other.finish_at > work.finish_at))
            for other in works
        )
        if not still_delivering and work.agency.id in identities:
            revoked.append(identities.pop(work.agency.id))
        for decision in revoked:
            sharing.revoke(
                decision, moment=moment, decided_by=chair, role=Role.PANEL_CHAIR,
                reason=ACCESS_ENDED_REASON,
            )  # fmt: skip
        work.access_ended = True
        build.timeline.on_referral(
            moment,
            EventType.INTERVENTION_ACCESS_ENDED,
            chair,
            panel.id,
            referral.id,
            {"intervention": work.id, "agency": work.agency.id, "decisions": len(revoked)},
        )
    if case.ended_at is None:
        return
    # Consent refused before support started, or the case exited after it.
    reason = SUPPORT_ENDED_REASON if case.consent_at is None else CASE_ENDED_REASON
    live = [work.support_share for work in works if not work.access_ended]
    live += identities.values()
    for decision in live:
        sharing.revoke(
            decision, moment=case.ended_at, decided_by=chair, role=Role.PANEL_CHAIR,
            reason=reason,
        )  # fmt: skip
    for work in works:
        if work.open:
            work.status = case.ended_as
            work.version += 1


def _write_intervention(build, tables: _Tables, work: _Work) -> None:
    case, referral = work.case, work.case.referral
    due = None
    if work.accepted_at is not None:
        due = next_contact_due(
            last_contact_on=work.last_contact_on, start_on=work.start_on, every_days=work.every_days
        )
    tables.interventions.add(
        work.id, case.planned_at, case.ended_at or case.planned_at, case.id, referral.id,
        case.panel.id, case.plan_id, work.kind_of_work, work.agency.id, work.practitioner,
        work.start_on, work.planned_sessions, work.every_days, work.status,
        work.last_contact_on, due, work.version,
    )  # fmt: skip
