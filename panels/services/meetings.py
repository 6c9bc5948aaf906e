"""Running a panel meeting: scheduling it, recording who attended, building its agenda,
recording the panel's decision on each case and the actions it sets, and closing it.

Decisions follow CTSA 2015 s.37: the police force for the area where the person lives must
be represented, and the panel decides unanimously, else by majority, else by the chair's
casting decision. Each decision moves the case through panels.services.cases.panel_case_move
in the same unit, so the move and the panel's record of it stand or fall together.
"""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from audit.event_types import EventType
from audit.record.chain import append_event, atomic_unit
from panels.models import (
    CLOSED_STAGES,
    AgendaItem,
    Meeting,
    MeetingAttendance,
    PanelAction,
    PanelCase,
    PostExitReview,
)
from panels.models.vocabulary import AgendaReason, Attendance, Stage
from panels.rules.permissions import is_panel_member_agency, runs_case
from panels.rules.quorum import method_errors, police_presence_problem, runs_meeting
from panels.rules.stages import PANEL_ROLES, StageEvent, decision_events
from panels.selectors.meetings import area_forces, attendance_of, panel_agencies, present_agencies
from panels.services.cases import MoveDetails, panel_case_move, panel_for_agency
from prevent_cases.exceptions import AccessDenied, ConflictError
from prevent_cases.models import Agency, Membership, User
from prevent_cases.policy import handles_case_content
from referrals.services.grants import CASE_TYPE

MEETING_TYPE = "meeting"
MIN_ACTION_CHARS = 10


def _authorise_meeting(membership: Membership, meeting: Meeting) -> None:
    if not runs_meeting(membership, meeting):
        raise AccessDenied("Only the chair or a coordinator of the panel may run its meetings.")


def _open(meeting: Meeting) -> None:
    if meeting.closed_at is not None:
        raise ConflictError("This meeting is closed.")


@atomic_unit
def meeting_schedule(
    *, actor: User, membership: Membership, starts_at: datetime.datetime, location: str
) -> Meeting:
    """Schedule a meeting of the member's panel, in the future, at a place."""
    if not (handles_case_content(membership) and membership.role in PANEL_ROLES):
        raise AccessDenied("Only a panel's chair or coordinator may schedule its meetings.")
    panel = panel_for_agency(membership.agency)
    errors = {}
    if starts_at <= timezone.now():
        errors["starts_at"] = ["The meeting must start in the future."]
    if not location.strip():
        errors["location"] = ["Say where the meeting takes place (a room, or online)."]
    if errors:
        raise ValidationError(errors)
    meeting = Meeting.objects.create(
        panel=panel,
        source_agency_id=panel.agency_id,
        starts_at=starts_at,
        location=location.strip(),
        created_by=actor,
    )
    append_event(
        event_type=EventType.MEETING_SCHEDULED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=MEETING_TYPE,
        target_id=meeting.pk,
        payload={"panel": panel.pk, "starts_at": starts_at},
    )
    return meeting


@dataclass(frozen=True)
class AttendanceEntry:
    """One agency at a meeting: present (optionally who came for it) or apologies."""

    agency_id: uuid.UUID
    status: str
    attendee_id: uuid.UUID | None = None


def _attendance_errors(
    entries: list[AttendanceEntry], members: set, users: dict
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for entry in entries:
        if entry.agency_id not in members:
            errors[f"status_{entry.agency_id}"] = ["That agency does not sit on this panel."]
        elif entry.status not in Attendance.values:
            errors[f"status_{entry.agency_id}"] = ["Choose present or apologies."]
        elif entry.attendee_id is not None and (
            entry.status != Attendance.PRESENT or users.get(entry.attendee_id) != entry.agency_id
        ):
            errors[f"attendee_{entry.agency_id}"] = [
                "Choose someone from that agency, and only for an agency recorded present."
            ]
    return errors


@atomic_unit
def meeting_attendance_record(
    *,
    actor: User,
    membership: Membership,
    meeting: Meeting,
    entries: Iterable[AttendanceEntry],
) -> list[MeetingAttendance]:
    """Record the meeting's attendance as a whole: each agency present or with apologies.
    Agencies not named are not recorded."""
    _authorise_meeting(membership, meeting)
    _open(meeting)
    entries = list(entries)
    members = {agency.pk for agency in panel_agencies(meeting)}
    users = dict(
        User.objects.filter(
            pk__in=[e.attendee_id for e in entries if e.attendee_id is not None],
            membership__is_active=True,
        ).values_list("pk", "membership__agency_id")
    )
    errors = _attendance_errors(entries, members, users)
    if errors:
        raise ValidationError(errors)
    MeetingAttendance.objects.filter(meeting=meeting).delete()
    rows = MeetingAttendance.objects.bulk_create(
        MeetingAttendance(
            meeting=meeting,
            agency_id=entry.agency_id,
            status=entry.status,
            attendee_id=entry.attendee_id,
        )
        for entry in entries
    )
    append_event(
        event_type=EventType.MEETING_ATTENDANCE_RECORDED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=MEETING_TYPE,
        target_id=meeting.pk,
        payload={
            "present": sorted(str(e.agency_id) for e in entries if e.status == Attendance.PRESENT),
            "apologies": sorted(
                str(e.agency_id) for e in entries if e.status == Attendance.APOLOGIES
            ),
        },
    )
    return rows


@atomic_unit
def panel_member_add(
    *, actor: User, membership: Membership, panel_case: PanelCase, agency: Agency
) -> PanelCase:
    """Add an agency to the panel for this case alone (CTSA s.37(4))."""
    if not runs_case(membership, panel_case):
        raise AccessDenied("Only the chair or a coordinator of the case's panel may add members.")
    if not agency.is_active:
        raise ValidationError({"agency": ["That agency is not active."]})
    if is_panel_member_agency(panel_case, agency.pk):
        raise ValidationError({"agency": ["That agency already sits on the panel for this case."]})
    panel_case.added_members.add(agency)
    append_event(
        event_type=EventType.PANEL_MEMBER_ADDED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=panel_case.referral_id,
        payload={"panel_case": panel_case.pk, "member_agency": agency.pk},
    )
    return panel_case


def _due_cases(meeting: Meeting) -> list[tuple[PanelCase, str]]:
    """The panel's cases the meeting should discuss, each with why, in agenda order."""
    on = timezone.localtime(meeting.starts_at).date()
    cases = PanelCase.objects.filter(
        panel=meeting.panel, referral__responsible_agency_id=meeting.panel.agency_id
    ).exclude(agenda_items__meeting=meeting)
    open_cases = cases.exclude(stage__in=CLOSED_STAGES)
    post_exit_due = PostExitReview.objects.filter(
        panel_case=OuterRef("pk"), due_on__lte=on, done_at__isnull=True
    )
    # A case stopped without consent comes back once for re-assessment, at the first
    # meeting on or after the date the panel chose.
    reassessed = AgendaItem.objects.filter(
        panel_case=OuterRef("pk"),
        reason=AgendaReason.REASSESSMENT,
        meeting__starts_at__date__gte=OuterRef("reassess_on"),
    )
    groups = (
        (AgendaReason.NEW, open_cases.filter(stage=Stage.IDENTIFICATION)),
        # Cases in assessment or planning come back until the panel agrees the assessment
        # and starts support, which it does only at a meeting; cases under review when due.
        (
            AgendaReason.REVIEW,
            open_cases.filter(
                Q(stage__in=(Stage.ASSESSMENT, Stage.SUPPORT_PLAN)) | Q(next_review_on__lte=on)
            ).exclude(stage=Stage.IDENTIFICATION),
        ),
        (AgendaReason.POST_EXIT, cases.filter(stage=Stage.EXITED).filter(Exists(post_exit_due))),
        (
            AgendaReason.REASSESSMENT,
            cases.filter(stage=Stage.EXITED, reassess_on__lte=on).exclude(Exists(reassessed)),
        ),
    )
    chosen: dict[uuid.UUID, tuple[PanelCase, str]] = {}
    for reason, queryset in groups:
        for case in queryset.order_by("stage_changed_at", "id"):
            chosen.setdefault(case.pk, (case, reason))
    return list(chosen.values())


@atomic_unit
def agenda_build(*, actor: User, membership: Membership, meeting: Meeting) -> list[AgendaItem]:
    """Add to the agenda the panel's cases due at this meeting: new cases, cases due for
    review, post-exit reviews and re-assessments due by its date. Safe to run again: a case
    already on the agenda is not added twice. Returns the items added."""
    _authorise_meeting(membership, meeting)
    _open(meeting)
    if meeting.papers_confirmed_at is not None:
        raise ConflictError(
            "The papers for this meeting are confirmed, so its agenda is fixed. Add further "
            "cases to the next meeting."
        )
    last = (
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("-position")
        .values_list("position", flat=True)
    ).first()
    start = 0 if last is None else last + 1
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            panel_case=case,
            referral_id=case.referral_id,
            source_agency_id=meeting.source_agency_id,
            reason=reason,
            position=start + offset,
        )
        for offset, (case, reason) in enumerate(_due_cases(meeting))
    )
    append_event(
        event_type=EventType.AGENDA_BUILT,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=MEETING_TYPE,
        target_id=meeting.pk,
        payload={"cases": [str(item.panel_case_id) for item in items]},
    )
    return items


@dataclass(frozen=True)
class Decision:
    """What the panel decided on one agenda case and how."""

    event: str
    method: str
    votes_for: int | None
    votes_against: int | None


def _decision_problems(
    membership: Membership, item: AgendaItem, decision: Decision
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    stage = item.panel_case.stage
    if decision.event not in decision_events(stage):
        allowed = ", ".join(StageEvent(e).label.lower() for e in decision_events(stage))
        errors["event"] = [
            f"The panel cannot decide '{_label(decision.event)}' on a case at "
            f"{Stage(stage).label.lower()}."
            + (f" It may decide: {allowed}." if allowed else " No decision is taken here.")
        ]
    forces = area_forces([item.referral.area_id]).get(item.referral.area_id, set())
    problem = police_presence_problem(
        area_name=item.referral.area.name,
        area_forces=forces,
        present=present_agencies(attendance_of(item.meeting)),
    )
    if problem:
        errors["attendance"] = [problem]
    errors.update(
        method_errors(
            method=decision.method,
            votes_for=decision.votes_for,
            votes_against=decision.votes_against,
            role=membership.role,
        )
    )
    return errors


def _label(event: str) -> str:
    return str(StageEvent(event).label) if event in StageEvent.values else event


class _Withdrawn(Exception):
    """Raised inside the move's savepoint to undo it when the decision itself is invalid."""


def _move_unless_invalid(
    actor: User,
    membership: Membership,
    item: AgendaItem,
    decision: Decision,
    rationale: str,
    details: MoveDetails | None,
    version: int,
    errors: dict[str, list[str]],
) -> dict[str, list[str]]:
    """Move the case; return every problem, the move's own with the decision's. The move
    validates its own reasons and details, so it runs in a savepoint, undone when the
    decision itself is invalid, and its messages join the others."""
    try:
        with transaction.atomic():
            panel_case_move(
                actor=actor,
                membership=membership,
                panel_case=item.panel_case,
                event=decision.event,
                rationale=rationale,
                version=version,
                details=details,
            )
            if errors:
                raise _Withdrawn
    except ValidationError as error:
        return {**error.message_dict, **errors}
    except _Withdrawn:
        return errors
    return errors


@atomic_unit
def agenda_decision_record(
    *,
    actor: User,
    membership: Membership,
    item: AgendaItem,
    event: str,
    method: str,
    votes_for: int | None,
    votes_against: int | None,
    rationale: str,
    minutes: str = "",
    details: MoveDetails | None = None,
    version: int,
) -> AgendaItem:
    """Record the panel's decision on one agenda case and move the case accordingly.

    Only the chair or a coordinator of the case's panel records it, at an open meeting,
    with the area's police force present (CTSA s.37). Every problem with what was typed is
    reported at once; nothing is written unless all is well. A decision made against an
    older version of the case is refused as a conflict."""
    if not (runs_meeting(membership, item.meeting) and runs_case(membership, item.panel_case)):
        raise AccessDenied(
            "Only the chair or a coordinator of the case's panel may record its decisions."
        )
    _open(item.meeting)
    if item.decided_at is not None:
        raise ConflictError("The panel's decision on this case is already recorded.")
    # The case as read now, not as the caller loaded it: a form filled in against an older
    # version is a conflict before anything else is said about it. The move's conditional
    # update still guards the race between this check and its write.
    current = PanelCase.objects.filter(pk=item.panel_case_id).values_list("version", flat=True)
    if item.panel_case.version != version or current.first() != version:
        raise ConflictError(
            "Someone else has changed this case since you opened it. Reload it and try again."
        )
    decision = Decision(event, method, votes_for, votes_against)
    errors = _decision_problems(membership, item, decision)
    if "event" not in errors:
        errors = _move_unless_invalid(
            actor, membership, item, decision, rationale, details, version, errors
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    fields = {
        "decision_event": decision.event,
        "decision_method": decision.method,
        "votes_for": decision.votes_for,
        "votes_against": decision.votes_against,
        "decision_rationale": rationale.strip(),
        "minutes": minutes.strip(),
        "decided_by": actor,
        "decided_at": now,
        "updated_at": now,
    }
    if AgendaItem.objects.filter(pk=item.pk, decided_at__isnull=True).update(**fields) != 1:
        raise ConflictError("The panel's decision on this case is already recorded.")
    for name, value in fields.items():
        setattr(item, name, value)
    append_event(
        event_type=EventType.PANEL_DECISION,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=item.referral_id,
        payload={
            "panel_case": item.panel_case_id,
            "meeting": item.meeting_id,
            "decision": decision.event,
            "method": decision.method,
            "votes_for": decision.votes_for,
            "votes_against": decision.votes_against,
        },
    )
    return item


@atomic_unit
def panel_action_set(
    *,
    actor: User,
    membership: Membership,
    item: AgendaItem,
    owner_agency: Agency,
    description: str,
    due_on: datetime.date | None,
) -> PanelAction:
    """Give an agency sitting on the panel for this case something to do, by a date."""
    if not (runs_meeting(membership, item.meeting) and runs_case(membership, item.panel_case)):
        raise AccessDenied("Only the chair or a coordinator of the case's panel may set actions.")
    if item.meeting.closed_at is not None:
        raise ConflictError("This meeting is closed: set the action at the next one.")
    errors = {}
    if not is_panel_member_agency(item.panel_case, owner_agency.pk):
        errors["owner_agency"] = ["Choose an agency that sits on the panel for this case."]
    if len(" ".join(description.split())) < MIN_ACTION_CHARS:
        errors["description"] = ["Say what the agency is to do."]
    if due_on is None or due_on < timezone.localdate():
        errors["due_on"] = ["Give a due date, today or later."]
    if errors:
        raise ValidationError(errors)
    action = PanelAction.objects.create(
        panel_case=item.panel_case,
        referral_id=item.referral_id,
        source_agency_id=item.panel_case.source_agency_id,
        agenda_item=item,
        owner_agency=owner_agency,
        description=description.strip(),
        due_on=due_on,
        created_by=actor,
    )
    append_event(
        event_type=EventType.PANEL_ACTION_SET,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=item.referral_id,
        payload={
            "panel_case": item.panel_case_id,
            "action": action.pk,
            "owner_agency": owner_agency.pk,
            "due_on": due_on,
        },
    )
    return action


@atomic_unit
def panel_action_done(*, actor: User, membership: Membership, action: PanelAction) -> PanelAction:
    """Mark an action done: only a member of the agency it was given to."""
    if not handles_case_content(membership) or membership.agency_id != action.owner_agency_id:
        raise AccessDenied("Only the agency the action was given to may mark it done.")
    now = timezone.now()
    if (
        PanelAction.objects.filter(pk=action.pk, done_at__isnull=True).update(
            done_at=now, done_by=actor, updated_at=now
        )
        != 1
    ):
        raise ConflictError("This action is already marked done.")
    action.done_at, action.done_by = now, actor
    append_event(
        event_type=EventType.PANEL_ACTION_DONE,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=action.referral_id,
        payload={"action": action.pk},
    )
    return action


@atomic_unit
def meeting_close(
    *, actor: User, membership: Membership, meeting: Meeting, minutes: str = ""
) -> Meeting:
    """Close the meeting with its general minutes; nothing more is decided at it."""
    _authorise_meeting(membership, meeting)
    now = timezone.now()
    if (
        Meeting.objects.filter(pk=meeting.pk, closed_at__isnull=True).update(
            closed_at=now, minutes=minutes.strip(), updated_at=now
        )
        != 1
    ):
        raise ConflictError("This meeting is already closed.")
    meeting.closed_at, meeting.minutes = now, minutes.strip()
    items = AgendaItem.objects.filter(meeting=meeting)
    decided = items.filter(decided_at__isnull=False).count()
    append_event(
        event_type=EventType.MEETING_CLOSED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=MEETING_TYPE,
        target_id=meeting.pk,
        payload={"decided": decided, "undecided": items.count() - decided},
    )
    return meeting
