"""The Channel inbox: the coordinator's working page. Referrals waiting to be accepted,
cases still gathering information, and cases due at the panel's next meeting."""

import datetime
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.vocabulary import Category
from panels.models import Meeting, Panel, PanelCase
from panels.selectors.cases import (
    DUE_WITHOUT_MEETING_DAYS,
    cases_due_by,
    cases_gathering_information,
    channel_inbox,
    next_meeting,
    panel_for_member,
    referrals_of,
)
from panels.selectors.dashboard import Section, section
from panels.services.cases import panel_case_open
from panels.web.refusal import refused
from prevent_cases.exceptions import AccessDenied, ConflictError, TransitionNotAllowed
from prevent_cases.models import Membership, User
from prevent_cases.web.http_errors import domain_errors_as_http
from referrals.selectors import VisibleReferral, referral_get_for_user
from referrals.services.reads import referrals_read
from referrals.web.presenters import person_name

# The inbox shows who each case is about, where identity is held, and nothing else.
INBOX_CATEGORIES = frozenset({Category.IDENTITY})
NO_INBOX = (
    "The Channel inbox is for the chair and coordinators of a Channel panel. Your role "
    "or agency runs no panel, so there is nothing for you here."
)


@dataclass(frozen=True)
class WaitingRow:
    shown: VisibleReferral
    name: str
    days_waiting: int


@dataclass(frozen=True)
class CaseRow:
    panel_case: PanelCase
    name: str


@dataclass(frozen=True)
class Inbox:
    panel: Panel
    # Each list's first rows: a backlog shows as these are dealt with (panels.selectors.
    # dashboard.section), so the page costs the same however long the queue grows.
    waiting: Section
    gathering: Section
    due: Section
    meeting: Meeting | None
    due_by: datetime.date


def _inbox_for(*, actor: User, membership: Membership) -> Inbox:
    panel = panel_for_member(membership=membership)
    if panel is None:
        raise AccessDenied(NO_INBOX)
    today = timezone.localdate()
    waiting = section(channel_inbox(membership=membership))
    gathering = section(cases_gathering_information(membership=membership))
    meeting = next_meeting(panel=panel)
    due_by = (
        timezone.localdate(meeting.starts_at)
        if meeting
        else today + datetime.timedelta(days=DUE_WITHOUT_MEETING_DAYS)
    )
    due = section(cases_due_by(membership=membership, due_by=due_by))
    case_referrals = referrals_of(membership=membership, rows=gathering.rows + due.rows)
    listed = {referral.pk: referral for referral in waiting.rows} | case_referrals
    # The whole page is one read: every case it names, with what it shows of each.
    shown = {
        case.referral.pk: case
        for case in referrals_read(
            actor=actor,
            membership=membership,
            referrals=listed.values(),
            via="channel_inbox",
            displayed=INBOX_CATEGORIES,
        )
    }

    def name(referral_id: uuid.UUID) -> str:
        return person_name(shown[referral_id]) if referral_id in shown else ""

    return Inbox(
        panel=panel,
        waiting=waiting.shown_as(
            lambda referral: WaitingRow(
                shown=shown[referral.pk],
                name=name(referral.pk),
                days_waiting=(today - timezone.localdate(referral.status_changed_at)).days,
            )
        ),
        gathering=gathering.shown_as(lambda case: CaseRow(case, name(case.referral_id))),
        due=due.shown_as(lambda case: CaseRow(case, name(case.referral_id))),
        meeting=meeting,
        due_by=due_by,
    )


def inbox(request: HttpRequest) -> HttpResponse:
    """The panel's Channel inbox, for its chair and coordinators."""
    try:
        page = _inbox_for(actor=request.user, membership=request.membership)
    except AccessDenied as error:
        return refused(request, title="Channel inbox", reason=error.message)
    return render(request, "panels/inbox.html", {"inbox": page, "today": timezone.localdate()})


@domain_errors_as_http
@require_POST
def inbox_accept(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    """Accept a referral from the inbox: it becomes a case before the panel."""
    membership = request.membership
    try:
        referral = referral_get_for_user(membership=membership, referral_id=referral_id).referral
        panel_case = panel_case_open(actor=request.user, membership=membership, referral=referral)
    except (TransitionNotAllowed, ConflictError) as error:
        messages.error(request, error.message)
        return redirect("panels:inbox")
    messages.success(
        request,
        f"Referral {referral.reference} accepted. It is now a case before the panel, at "
        "identification.",
    )
    return redirect("panels:case", panel_case_id=panel_case.pk)
