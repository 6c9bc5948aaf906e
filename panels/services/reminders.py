"""Reminding people of the panel's work coming up or overdue: meetings, reviews,
re-assessments, actions and information requests.

A reminder leaves the service by email, so it says only that a Channel panel task needs
attention, what kind of task and when, with a link to the page: never a name, a
reference or anything of the case.

Each reminder goes once: the pairs (reminder, recipient) are inserted into ReminderSent
first, with conflicts ignored, and mail goes only to the recipients whose row this run
inserted. On PostgreSQL a second run inserting the same key waits on the unique index
until the first commits, then inserts nothing, so two concurrent runs send each reminder
once. The mail is sent before the batch commits: if sending fails, the rows roll back
with it and the next run tries again.
"""

import datetime
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from audit.event_types import EventType
from audit.record.chain import append_event, atomic_unit
from panels.models import (
    CLOSED_STAGES,
    InformationRequest,
    Meeting,
    PanelAction,
    PanelCase,
    PostExitReview,
    ProgressEntry,
    ReminderSent,
)
from panels.models.vocabulary import RequestStatus
from panels.rules.stages import PANEL_ROLES
from prevent_cases.models import Membership
from prevent_cases.policy import ORIGINATOR_SHARING_ROLES
from prevent_cases.roles import CONTENT_ROLES
from referrals.services.grants import CASE_TYPE

logger = logging.getLogger(__name__)

REMINDER_SUBJECT = "A Channel panel task needs your attention"
MEETING_TYPE = "meeting"
# Rows per INSERT: well under SQLite's limit on bound parameters (five per row).
INSERT_BATCH = 500
KEY_FIELDS = ("kind", "subject_id", "due_on", "recipient")
# Insert what is not there yet and return only what was inserted. Both PostgreSQL and
# SQLite (3.35+) take this form; the ORM's ignore_conflicts cannot say which rows it added.
# Only the count of "(%s, ...)" row placeholders is filled in: no value reaches the text.
CLAIM_SQL = (
    "INSERT INTO panels_remindersent (kind, subject_id, due_on, recipient_id, sent_at) "
    "VALUES {rows} ON CONFLICT (kind, subject_id, due_on, recipient_id) DO NOTHING "
    "RETURNING kind, subject_id, due_on, recipient_id"
)


class ReminderKind(models.TextChoices):
    """What a reminder is about, with the words the message uses for it."""

    MEETING = "meeting", "A Channel panel meeting is coming up"
    REVIEW = "review_due", "A Channel case is due for review by the panel"
    POST_EXIT_REVIEW = "post_exit_review_due", "A post-exit review is due"
    REASSESSMENT = "reassessment_due", "A case stopped without consent is due for re-assessment"
    ACTION = "action_overdue", "An action the panel gave your agency is overdue"
    REQUEST = "request_overdue", "A request for information is overdue"
    CONCERN = "concern_raised", "A practitioner has raised a concern about a Channel case"


@dataclass(frozen=True)
class Reminder:
    """One thing to remind people of, and who: never what the case is."""

    kind: str
    subject_id: uuid.UUID
    due_on: datetime.date
    # Recorded on the audit event: the panel whose work it is, and what it concerns.
    agency_id: uuid.UUID
    target_type: str
    target_id: uuid.UUID
    # Recipients as user id -> (email address, path of the page to open).
    recipients: dict[uuid.UUID, tuple[str, str]] = field(default_factory=dict)


@dataclass
class ReminderRun:
    """What one run sent: emails per kind."""

    sent: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def _page(url_name: str, **kwargs) -> str:
    """The path of the page a reminder points at."""
    return reverse(url_name, kwargs=kwargs)


def _emails(memberships: Iterable[Membership]) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    """Active users with an email address, by agency, as (user id, address)."""
    by_agency: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = defaultdict(list)
    for agency_id, user_id, email in memberships:
        by_agency[agency_id].append((user_id, email))
    return by_agency


def _reachable(agency_ids: Iterable[uuid.UUID], roles: Iterable[str]):
    return (
        Membership.objects.filter(
            agency_id__in=set(agency_ids),
            role__in=set(roles),
            is_active=True,
            agency__is_active=True,
            user__is_active=True,
        )
        .exclude(user__email="")
        .order_by("agency_id", "user_id")
        .values_list("agency_id", "user_id", "user__email")
    )


def _panel_runners(agency_ids: Iterable[uuid.UUID]):
    """The chair and coordinators of each panel agency, by agency."""
    return _emails(_reachable(agency_ids, PANEL_ROLES))


def _upcoming_meetings(today: datetime.date) -> list[Reminder]:
    lead = datetime.timedelta(days=settings.PANEL_REMINDER_MEETING_DAYS)
    meetings = list(
        Meeting.objects.filter(
            closed_at__isnull=True,
            starts_at__gte=timezone.now(),
            starts_at__date__lte=today + lead,
        )
        .select_related("panel")
        .prefetch_related("panel__members", "attendance", "items__panel_case__added_members")
        .order_by("starts_at", "id")
    )
    invited: dict[uuid.UUID, set[uuid.UUID]] = {}
    for meeting in meetings:
        agencies = {agency.pk for agency in meeting.panel.members.all()}
        agencies |= {row.agency_id for row in meeting.attendance.all()}
        for item in meeting.items.all():
            agencies |= {agency.pk for agency in item.panel_case.added_members.all()}
        invited[meeting.pk] = agencies - {meeting.panel.agency_id}
    runners = _panel_runners(meeting.panel.agency_id for meeting in meetings)
    members = _emails(_reachable(set().union(*invited.values()), CONTENT_ROLES))
    reminders = []
    for meeting in meetings:
        path = _page("panels:meeting", meeting_id=meeting.pk)
        people = list(runners[meeting.panel.agency_id])
        for agency_id in invited[meeting.pk]:
            people += members[agency_id]
        reminders.append(
            Reminder(
                kind=ReminderKind.MEETING,
                subject_id=meeting.pk,
                due_on=timezone.localtime(meeting.starts_at).date(),
                agency_id=meeting.panel.agency_id,
                target_type=MEETING_TYPE,
                target_id=meeting.pk,
                recipients={user_id: (email, path) for user_id, email in people},
            )
        )
    return reminders


def _own(path: str = "") -> Q:
    """Cases the panel they stand before is still responsible for."""
    return Q(**{f"{path}referral__responsible_agency_id": models.F(f"{path}panel__agency_id")})


def _to_panel(kind: str, rows: list[tuple[PanelCase, uuid.UUID, datetime.date]]) -> list:
    """Reminders to each case's panel chair and coordinators."""
    runners = _panel_runners(case.panel.agency_id for case, _, _ in rows)
    reminders = []
    for case, subject_id, due_on in rows:
        path = _page("panels:case", panel_case_id=case.pk)
        reminders.append(
            Reminder(
                kind=kind,
                subject_id=subject_id,
                due_on=due_on,
                agency_id=case.panel.agency_id,
                target_type=CASE_TYPE,
                target_id=case.referral_id,
                recipients={user: (email, path) for user, email in runners[case.panel.agency_id]},
            )
        )
    return reminders


def _reviews_due(today: datetime.date) -> list[Reminder]:
    horizon = today + datetime.timedelta(days=settings.PANEL_REMINDER_REVIEW_DAYS)
    cases = (
        PanelCase.objects.filter(_own(), next_review_on__lte=horizon)
        .exclude(stage__in=CLOSED_STAGES)
        .select_related("panel")
        .order_by("next_review_on", "id")
    )
    return _to_panel(ReminderKind.REVIEW, [(case, case.pk, case.next_review_on) for case in cases])


def _post_exit_reviews_due(today: datetime.date) -> list[Reminder]:
    horizon = today + datetime.timedelta(days=settings.PANEL_REMINDER_REVIEW_DAYS)
    reviews = (
        PostExitReview.objects.filter(_own("panel_case__"), done_at__isnull=True)
        .filter(due_on__lte=horizon)
        .select_related("panel_case", "panel_case__panel")
        .order_by("due_on", "id")
    )
    return _to_panel(
        ReminderKind.POST_EXIT_REVIEW,
        [(review.panel_case, review.pk, review.due_on) for review in reviews],
    )


def _reassessments_due(today: datetime.date) -> list[Reminder]:
    horizon = today + datetime.timedelta(days=settings.PANEL_REMINDER_REVIEW_DAYS)
    cases = (
        PanelCase.objects.filter(_own(), reassess_on__lte=horizon, next_case__isnull=True)
        .select_related("panel")
        .order_by("reassess_on", "id")
    )
    return _to_panel(
        ReminderKind.REASSESSMENT, [(case, case.pk, case.reassess_on) for case in cases]
    )


def _overdue_actions(today: datetime.date) -> list[Reminder]:
    actions = list(
        PanelAction.objects.filter(_own("panel_case__"), done_at__isnull=True, due_on__lt=today)
        .select_related("panel_case", "panel_case__panel")
        .order_by("due_on", "id")
    )
    owners = _emails(_reachable({action.owner_agency_id for action in actions}, CONTENT_ROLES))
    return [
        Reminder(
            kind=ReminderKind.ACTION,
            subject_id=action.pk,
            due_on=action.due_on,
            agency_id=action.panel_case.panel.agency_id,
            target_type=CASE_TYPE,
            target_id=action.referral_id,
            recipients={
                # The owner agency may see nothing of the case but its action.
                user: (email, _page("panels:my-actions"))
                for user, email in owners[action.owner_agency_id]
            },
        )
        for action in actions
    ]


def _overdue_requests(today: datetime.date) -> list[Reminder]:
    requests = list(
        InformationRequest.objects.filter(
            _own("panel_case__"), status=RequestStatus.OPEN, due_on__lt=today
        )
        .select_related("panel_case", "panel_case__panel")
        .order_by("due_on", "id")
    )
    addressees = _emails(
        _reachable({request.to_agency_id for request in requests}, ORIGINATOR_SHARING_ROLES)
    )
    # The coordinator who asked, while still in the panel's agency in a panel role.
    askers = {
        user_id: (agency_id, email)
        for agency_id, user_id, email in _reachable(
            {request.panel_case.panel.agency_id for request in requests}, PANEL_ROLES
        ).filter(user_id__in={request.requested_by_id for request in requests})
    }
    reminders = []
    for request in requests:
        case_page = _page("panels:case", panel_case_id=request.panel_case_id)
        recipients = {
            user: (email, _page("panels:my-requests"))
            for user, email in addressees[request.to_agency_id]
        }
        asker = askers.get(request.requested_by_id)
        if asker is not None and asker[0] == request.panel_case.panel.agency_id:
            recipients[request.requested_by_id] = (asker[1], case_page)
        reminders.append(
            Reminder(
                kind=ReminderKind.REQUEST,
                subject_id=request.pk,
                due_on=request.due_on,
                agency_id=request.panel_case.panel.agency_id,
                target_type=CASE_TYPE,
                target_id=request.referral_id,
                recipients=recipients,
            )
        )
    return reminders


def _claim(reminders: list[Reminder], now: datetime.datetime) -> set[tuple]:
    """Insert a ReminderSent row for every (reminder, recipient), ignoring those already
    there; return the keys this call inserted. Rows go in key order, so two concurrent
    runs wait on each other's keys in the same order and cannot deadlock."""
    keys = sorted(
        (reminder.kind, reminder.subject_id, reminder.due_on, user_id)
        for reminder in reminders
        for user_id in reminder.recipients
    )
    meta = ReminderSent._meta
    columns = [meta.get_field(name) for name in KEY_FIELDS]
    sent_at = meta.get_field("sent_at").get_db_prep_value(now, connection)
    inserted: set[tuple] = set()
    for start in range(0, len(keys), INSERT_BATCH):
        batch = keys[start : start + INSERT_BATCH]
        values = []
        for key in batch:
            values += [
                column.get_db_prep_value(value, connection)
                for column, value in zip(columns, key, strict=True)
            ]
            values.append(sent_at)
        rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(batch))
        with connection.cursor() as cursor:
            cursor.execute(CLAIM_SQL.format(rows=rows), values)
            for kind, subject_id, due_on, recipient_id in cursor.fetchall():
                inserted.add(
                    (
                        kind,
                        _as_uuid(subject_id),
                        _as_date(due_on),
                        _as_uuid(recipient_id),
                    )
                )
    return inserted


def _as_uuid(value) -> uuid.UUID:
    # SQLite returns UUIDs as 32 hex characters; PostgreSQL as UUIDs.
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _as_date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _message(kind: str, due_on: datetime.date, path: str, email: str) -> tuple:
    when = f"{due_on.day} {due_on:%B %Y}"
    what = ReminderKind(kind).label
    body = (
        f"{what} ({WHEN_WORD.get(kind, 'due')} {when}).\n\n"
        f"Sign in to the service to see it:\n{settings.SITE_URL.rstrip('/')}{path}\n\n"
        "This message holds no case details. Do not reply to it."
    )
    return (REMINDER_SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [email])


WHEN_WORD = {ReminderKind.MEETING: "on", ReminderKind.CONCERN: "raised"}


@atomic_unit
def _send_batch(kind: str, reminders: list[Reminder]) -> int:
    """Record, send and audit one kind's reminders in one unit of work; return how many
    emails were sent."""
    new = _claim(reminders, timezone.now())
    messages = []
    for reminder in reminders:
        recipients = [
            (email, path)
            for user_id, (email, path) in sorted(reminder.recipients.items())
            if (reminder.kind, reminder.subject_id, reminder.due_on, user_id) in new
        ]
        if not recipients:
            continue
        messages += [_message(kind, reminder.due_on, path, email) for email, path in recipients]
        append_event(
            event_type=EventType.REMINDER_SENT,
            actor=None,
            agency=reminder.agency_id,
            target_type=reminder.target_type,
            target_id=reminder.target_id,
            payload={
                "kind": reminder.kind,
                "subject": reminder.subject_id,
                "due_on": reminder.due_on,
                "recipients": len(recipients),
            },
        )
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return len(messages)


# Each kind, with what finds its reminders, in the order they are sent.
SOURCES = (
    (ReminderKind.MEETING, _upcoming_meetings),
    (ReminderKind.REVIEW, _reviews_due),
    (ReminderKind.POST_EXIT_REVIEW, _post_exit_reviews_due),
    (ReminderKind.REASSESSMENT, _reassessments_due),
    (ReminderKind.ACTION, _overdue_actions),
    (ReminderKind.REQUEST, _overdue_requests),
)


def panel_reminders_send(*, today: datetime.date | None = None) -> ReminderRun:
    """Send every panel reminder due today that has not been sent: one batch per kind,
    each reminder to each recipient once however often this runs."""
    today = today or timezone.localdate()
    run = ReminderRun()
    for kind, find in SOURCES:
        reminders = [reminder for reminder in find(today) if reminder.recipients]
        run.sent[kind] = _send_batch(kind, reminders) if reminders else 0
    logger.info(
        "panel reminders sent: %s",
        ", ".join(f"{kind.value} {count}" for kind, count in run.sent.items()),
    )
    return run


def concern_alert_send(entry_id: uuid.UUID) -> int:
    """Alert the chair and coordinators of the case's panel that a practitioner raised a
    concern: once per concern and person however often it runs; return how many emails
    went. The message holds a link to the case's interventions, never the concern."""
    entry = (
        ProgressEntry.objects.filter(pk=entry_id, concern=True)
        .select_related("intervention__panel_case__panel")
        .first()
    )
    if entry is None:
        return 0
    case = entry.intervention.panel_case
    runners = _panel_runners([case.panel.agency_id])[case.panel.agency_id]
    path = _page("panels:case-interventions", case_id=case.pk)
    reminder = Reminder(
        kind=ReminderKind.CONCERN,
        subject_id=entry.pk,
        due_on=timezone.localtime(entry.created_at).date(),
        agency_id=case.panel.agency_id,
        target_type=CASE_TYPE,
        target_id=case.referral_id,
        recipients={user_id: (email, path) for user_id, email in runners},
    )
    return _send_batch(ReminderKind.CONCERN, [reminder]) if reminder.recipients else 0
