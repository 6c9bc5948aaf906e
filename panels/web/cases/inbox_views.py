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
from panels.models import Panel
from panels.selectors import inbox as inbox_lists
from panels.selectors.cases import (
    DUE_WITHOUT_MEETING_DAYS,
    NextMeeting,
    next_meeting_of,
    panel_with_next_meeting,
)
from panels.selectors.dashboard import Section
from panels.selectors.inbox import InboxItem, inbox_rows
from panels.services.cases import panel_case_open
from panels.web.refusal import refused
from prevent_cases.exceptions import AccessDenied, ConflictError, TransitionNotAllowed
from prevent_cases.models import Membership, User
from prevent_cases.web.http_errors import domain_errors_as_http
from prevent_cases.web.links import IdPath
from referrals.models import Referral
from referrals.selectors import VisibleReferral, referral_get_for_user, referrals_named
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
    href: str
    accept_href: str


@dataclass(frozen=True)
class CaseRow:
    panel_case: InboxItem
    name: str
    href: str


@dataclass(frozen=True)
class Inbox:
    panel: Panel
    # Each list's first rows: a backlog shows as these are dealt with (panels.selectors.
    # inbox), so the page costs the same however long the queue grows.
    waiting: Section
    gathering: Section
    due: Section
    meeting: NextMeeting | None
    due_by: datetime.date


def _first(rows: list) -> Section:
    return Section(rows=rows[: inbox_lists.INBOX_LIMIT], more=len(rows) > inbox_lists.INBOX_LIMIT)


def _named(membership: Membership, rows: list[InboxItem]) -> list[Referral]:
    """The referrals the rows name, with what the page shows of each (reference, date, the
    person's name) and the member's live grants of what it shows."""
    return list(
        referrals_named(
            membership=membership,
            ids={row.referral_id for row in rows},
            fields=(
                "reference",
                "status_changed_at",
                "owning_agency",
                "subject__given_names",
                "subject__family_name",
            ),
            categories=INBOX_CATEGORIES,
        ).values()
    )


def _inbox_for(*, actor: User, membership: Membership) -> Inbox:
    panel = panel_with_next_meeting(membership=membership, now=timezone.now())
    if panel is None:
        raise AccessDenied(NO_INBOX)
    today = timezone.localdate()
    meeting = next_meeting_of(panel)
    due_by = (
        timezone.localdate(meeting.starts_at)
        if meeting
        else today + datetime.timedelta(days=DUE_WITHOUT_MEETING_DAYS)
    )
    lists = {
        name: _first(rows)
        for name, rows in inbox_rows(membership=membership, due_by=due_by).items()
    }
    listed = [row for section in lists.values() for row in section.rows]
    # The whole page is one read: every case it names, with what it shows of each.
    shown = {
        case.referral.pk: case
        for case in referrals_read(
            actor=actor,
            membership=membership,
            referrals=_named(membership, listed),
            via="channel_inbox",
            displayed=INBOX_CATEGORIES,
        )
    }

    def name(referral_id: uuid.UUID) -> str:
        return person_name(shown[referral_id]) if referral_id in shown else ""

    referral_href = IdPath("referrals:detail", "referral_id")
    accept_href = IdPath("panels:inbox-accept", "referral_id")
    case_href = IdPath("panels:case", "panel_case_id")

    def case_row(row: InboxItem) -> CaseRow:
        return CaseRow(row, name(row.referral_id), case_href(row.panel_case_id))

    return Inbox(
        panel=panel,
        waiting=Section(
            rows=[
                WaitingRow(
                    shown=shown[row.referral_id],
                    name=name(row.referral_id),
                    days_waiting=(today - timezone.localdate(row.changed_at)).days,
                    href=referral_href(row.referral_id),
                    accept_href=accept_href(row.referral_id),
                )
                for row in lists["waiting"].rows
                if row.referral_id in shown
            ],
            more=lists["waiting"].more,
        ),
        gathering=lists["gathering"].shown_as(case_row),
        due=lists["due"].shown_as(case_row),
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
