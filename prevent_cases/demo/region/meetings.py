"""The panels' meetings: every decision a panel takes on a case (adopt or not, agree the
assessment, start support, continue it, exit) is taken at one of its meetings, recorded on
the meeting's agenda with how the panel reached it, the way
panels.services.meetings.agenda_decision_record records it, and some set an action for a
partner agency.

A meeting's agenda is the size a real panel's is: tens of cases. The region's panels carry
far more cases than a real panel (shared/domain.md section 8: about 900 referrals a year
are discussed at a panel in all of England and Wales; this region's 15,000 panel cases run
over three years in eight areas), so a busy panel sits several times a week rather than
monthly, and a sitting that is full passes the next decision to the following one. A
decision moves to the panel's next sitting on or after the day the walk reached it, so
what follows it (a plan, consent, the next review) follows the meeting.

Each meeting is scheduled, its attendance recorded (the area's police force always present,
as CTSA s.37 requires before any decision, other members present or sending apologies), its
agenda built, its decisions recorded and the meeting closed, each with the event its
service appends. Papers are not generated: no meeting's papers are confirmed, so members
are given nothing through them (the panel's own record reaches partners through the
decisions the rest of the generator records).
"""

import datetime
import uuid
from dataclasses import dataclass, field

from audit.event_types import EventType
from panels.models import AgendaItem, Meeting, MeetingAttendance, PanelAction
from panels.models.vocabulary import AgendaReason, Attendance, DecisionMethod, Stage
from panels.rules.stages import StageEvent
from panels.services.meetings import MEETING_TYPE
from prevent_cases.demo.region.tables import Table
from prevent_cases.roles import Role

# Agenda size aimed at, and the most a sitting takes before passing cases to the next.
TARGET_ITEMS = 30
MAX_ITEMS = 40
# Panel decisions per panel case over the region's history (stage moves in a meeting,
# about 8 a case at scale 1), to size each panel's sittings before the walk.
DECISIONS_PER_CASE = 8
# Weekdays (Monday 0) a panel sits on, by sittings a week.
SITTING_DAYS = {
    1: (1,),
    2: (1, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 4),
    5: (0, 1, 2, 3, 4),
}
SITS_AT = datetime.time(10)
MINUTES_PER_ITEM = 4
LOCATIONS = ("Council offices, committee room 2", "Online (Teams)", "Civic centre, room 4")
MEMBER_APOLOGIES = 0.2
# How the panel decided (CTSA s.37): nearly always unanimously.
METHODS = (
    (DecisionMethod.UNANIMOUS, 92),
    (DecisionMethod.MAJORITY, 7),
    (DecisionMethod.CASTING, 1),
)
# The decisions after which the panel commonly asks a partner for something, how many of
# them do, and of actions due by now, how many are done.
ACTION_EVENTS = frozenset({StageEvent.ADOPT, StageEvent.AGREE_ASSESSMENT, StageEvent.CONTINUE})
ACTION_SHARE = 0.25
ACTION_DONE_SHARE = 0.85
ACTIONS = (
    "Bring the service's latest contact notes to the next meeting.",
    "Arrange a joint visit with the coordinator before the next review.",
    "Confirm the school or college place and attendance since the last meeting.",
    "Check whether the person is open to the mental health team and say so at review.",
)
RATIONALE = "The panel's reasons for this decision are recorded here (synthetic region)."
ITEM_MINUTES = "Discussed with the partners present; the decision's reasons are recorded."
MEETING_MINUTES = "General minutes of the meeting (synthetic region)."


@dataclass
class _Meeting:
    id: uuid.UUID
    area: object  # the RegionArea whose panel sits
    starts_at: datetime.datetime
    chair: uuid.UUID
    scheduled: bool = True
    # (agenda item id, RegionCase, stage decided from, decision, decided at), in order.
    items: list[tuple] = field(default_factory=list)


def _holds(meeting: _Meeting, case) -> bool:
    return any(held.id == case.id for _, held, *_ in meeting.items)


class Meetings:
    """The panels' sittings, filled as the walk reaches each decision, written at the end."""

    def __init__(self, build, region, cases_per_panel: dict[uuid.UUID, int]) -> None:
        self.build, self.region = build, region
        weeks = (build.now - build.start).days / 7
        self._days = {
            panel: SITTING_DAYS[
                min(5, max(1, round(cases * DECISIONS_PER_CASE / weeks / TARGET_ITEMS)))
            ]
            for panel, cases in cases_per_panel.items()
        }
        self._meetings: dict[tuple, _Meeting] = {}
        self.tables = (
            Table(
                Meeting,
                ("id", "created_at", "updated_at", "panel_id", "source_agency_id", "starts_at",
                 "location", "minutes", "closed_at", "created_by_id"),
            ),
            Table(MeetingAttendance, ("meeting_id", "agency_id", "status", "attendee_id")),
            Table(
                AgendaItem,
                ("id", "created_at", "updated_at", "meeting_id", "panel_case_id", "referral_id",
                 "source_agency_id", "reason", "position", "decision_event", "decision_method",
                 "votes_for", "votes_against", "decision_rationale", "minutes",
                 "decided_by_id", "decided_at"),
            ),
            Table(
                PanelAction,
                ("id", "created_at", "updated_at", "panel_case_id", "referral_id",
                 "source_agency_id", "agenda_item_id", "owner_agency_id", "description",
                 "due_on", "done_at", "done_by_id", "created_by_id"),
            ),
        )  # fmt: skip

    def _sitting(self, area, moment: datetime.datetime, case) -> _Meeting:
        """The panel's first sitting at or after `moment` with room on its agenda and the
        case not yet on it (a case is on an agenda once); a decision the walk reaches after
        the last sitting before now is taken at an extra meeting that day, a further one
        if the case was already decided at the first."""
        days = self._days[area.panel_id]
        day = moment.date()
        while True:
            starts_at = datetime.datetime.combine(day, SITS_AT, tzinfo=datetime.UTC)
            last_decision = starts_at + datetime.timedelta(minutes=MINUTES_PER_ITEM * MAX_ITEMS)
            if last_decision >= self.build.now:
                extra = 0
                while True:
                    key = (area.panel_id, "extra", moment.date(), extra)
                    meeting = self._meeting(area, key, moment)
                    if not _holds(meeting, case):
                        return meeting
                    extra += 1
            if day.weekday() in days and starts_at >= moment:
                meeting = self._meeting(area, (area.panel_id, day), starts_at)
                if len(meeting.items) < MAX_ITEMS and not _holds(meeting, case):
                    return meeting
            day += datetime.timedelta(days=1)

    def _meeting(self, area, key: tuple, starts_at: datetime.datetime) -> _Meeting:
        meeting = self._meetings.get(key)
        if meeting is None:
            chair = self.region.user(area.panel_agency, Role.PANEL_CHAIR, self.build.rng)
            meeting = _Meeting(self.build.ids.new(), area, starts_at, chair, key[1] != "extra")
            self._meetings[key] = meeting
        return meeting

    def decide(self, walk, moment: datetime.datetime, event: str, stage: str) -> tuple:
        """Take the decision `event` on the walk's case at the panel's next sitting; return
        when it was recorded and by whom."""
        case = walk.case
        meeting = self._sitting(case.referral.area, moment, case)
        if meeting.scheduled:
            decided_at = meeting.starts_at + datetime.timedelta(
                minutes=MINUTES_PER_ITEM * (len(meeting.items) + 1)
            )
        else:
            decided_at = moment
        item = self.build.ids.new()
        meeting.items.append((item, case, stage, event, decided_at))
        return decided_at, meeting.chair

    def write(self) -> dict[str, int]:
        """Write every meeting with its attendance, agenda and actions, and their events."""
        meetings, attendance, items, actions = self.tables
        for meeting in sorted(self._meetings.values(), key=lambda m: (m.starts_at, m.id.int)):
            self._write_meeting(meeting)
        for table in self.tables:
            table.flush()
        sizes = sorted(len(m.items) for m in self._meetings.values())
        return {
            "meetings": meetings.count,
            "meeting_attendance": attendance.count,
            "agenda_items": items.count,
            "panel_actions": actions.count,
            "agenda_median": sizes[len(sizes) // 2] if sizes else 0,
            "agenda_largest": sizes[-1] if sizes else 0,
        }

    def _write_meeting(self, meeting: _Meeting) -> None:
        build, rng = self.build, self.build.rng
        area, panel_agency = meeting.area, meeting.area.panel_agency
        meeting_rows, attendance_rows, item_rows, _ = self.tables
        first = min(decided for *_, decided in meeting.items)
        starts_at = min(meeting.starts_at, first - datetime.timedelta(minutes=20))
        last = max(decided for *_, decided in meeting.items)
        scheduled_at = max(build.start, starts_at - datetime.timedelta(days=21))
        closed_at = last + datetime.timedelta(minutes=10)
        closed_at = closed_at if closed_at < build.now else None
        meeting_rows.add(
            meeting.id, scheduled_at, closed_at or last, area.panel_id, panel_agency.id,
            starts_at, rng.choice(LOCATIONS), MEETING_MINUTES if closed_at else "", closed_at,
            meeting.chair,
        )  # fmt: skip

        def event(moment, event_type, payload) -> None:
            build.timeline.add(
                moment,
                event_type,
                meeting.chair,
                panel_agency.id,
                target_type=MEETING_TYPE,
                target_id=meeting.id,
                payload=payload,
            )

        event(scheduled_at, EventType.MEETING_SCHEDULED, {"panel": area.panel_id,
                                                          "starts_at": starts_at})  # fmt: skip
        members = [area.force] + [p for p in area.partners if p.seats != "provider"]
        present, apologies = [], []
        for agency in members:
            if agency is area.force or rng.random() >= MEMBER_APOLOGIES:
                attendee = rng.choice(agency.users[Role.PANEL_MEMBER])
                attendance_rows.add(meeting.id, agency.id, Attendance.PRESENT, attendee)
                present.append(agency)
            else:
                attendance_rows.add(meeting.id, agency.id, Attendance.APOLOGIES, None)
                apologies.append(agency)
        built_at = max(scheduled_at, starts_at - datetime.timedelta(days=2))
        event(
            built_at,
            EventType.AGENDA_BUILT,
            {"cases": [str(case.id) for _, case, *_ in meeting.items]},
        )
        event(
            starts_at,
            EventType.MEETING_ATTENDANCE_RECORDED,
            {"present": sorted(str(a.id) for a in present),
             "apologies": sorted(str(a.id) for a in apologies)},
        )  # fmt: skip
        for position, (item, case, stage, decision, decided_at) in enumerate(meeting.items):
            method = rng.choices(*zip(*METHODS, strict=True))[0]
            votes_for = votes_against = None
            if method == DecisionMethod.MAJORITY:
                votes_against = rng.randint(1, 3)
                votes_for = votes_against + rng.randint(1, 4)
            elif method == DecisionMethod.CASTING:
                votes_for = votes_against = rng.randint(2, 4)
            item_rows.add(
                item, built_at, decided_at, meeting.id, case.id, case.referral.id,
                panel_agency.id,
                AgendaReason.NEW if stage == Stage.IDENTIFICATION else AgendaReason.REVIEW,
                position, decision, method, votes_for, votes_against, RATIONALE,
                ITEM_MINUTES, meeting.chair, decided_at,
            )  # fmt: skip
            build.timeline.on_referral(
                decided_at,
                EventType.PANEL_DECISION,
                meeting.chair,
                panel_agency.id,
                case.referral.id,
                {"panel_case": case.id, "meeting": meeting.id, "decision": decision,
                 "method": method, "votes_for": votes_for, "votes_against": votes_against},
            )  # fmt: skip
            if decision in ACTION_EVENTS and rng.random() < ACTION_SHARE:
                self._action(meeting, item, case, rng.choice(present), decided_at)
        if closed_at:
            event(
                closed_at,
                EventType.MEETING_CLOSED,
                {"decided": len(meeting.items), "undecided": 0},
            )

    def _action(self, meeting: _Meeting, item, case, owner, decided_at) -> None:
        build, rng = self.build, self.build.rng
        *_, actions = self.tables
        action = build.ids.new()
        set_at = decided_at + datetime.timedelta(seconds=30)
        due_on = decided_at.date() + datetime.timedelta(days=rng.randint(14, 28))
        done_at = build.on(due_on - datetime.timedelta(days=rng.randint(0, 10)))
        done = done_at > set_at and done_at < build.now and rng.random() < ACTION_DONE_SHARE
        done_by = rng.choice(owner.users[Role.PANEL_MEMBER]) if done else None
        actions.add(
            action, set_at, done_at if done else set_at, case.id, case.referral.id,
            meeting.area.panel_agency.id, item, owner.id, rng.choice(ACTIONS), due_on,
            done_at if done else None, done_by, meeting.chair,
        )  # fmt: skip
        build.timeline.on_referral(
            set_at,
            EventType.PANEL_ACTION_SET,
            meeting.chair,
            meeting.area.panel_agency.id,
            case.referral.id,
            {"panel_case": case.id, "action": action, "owner_agency": owner.id,
             "due_on": due_on},
        )  # fmt: skip
        if done:
            build.timeline.on_referral(
                done_at, EventType.PANEL_ACTION_DONE, done_by, owner.id, case.referral.id,
                {"action": action},
            )  # fmt: skip
