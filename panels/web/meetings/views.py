"""Meeting pages: thin adapters over the meeting selectors and services."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from panels.models.vocabulary import AgendaReason
from panels.rules.quorum import runs_meeting
from panels.rules.stages import PANEL_ROLES
from panels.selectors.meetings import (
    action_get_for_user,
    actions_for_agency,
    agency_users,
    attendance_of,
    decision_problems,
    item_for_update,
    meeting_get_for_user,
    meetings_for_user,
    panel_agencies,
    panel_seats,
    papers_proposal,
)
from panels.services.meetings import (
    agenda_build,
    agenda_decision_record,
    meeting_attendance_record,
    meeting_close,
    meeting_schedule,
    panel_action_done,
    panel_action_set,
)
from panels.services.papers import meeting_agenda_read, papers_confirm
from panels.web.meetings.forms import (
    ActionForm,
    AttendanceForm,
    CloseMeetingForm,
    DecisionForm,
    MeetingScheduleForm,
    PapersConfirmForm,
)
from panels.web.meetings.presenters import case_outline, decision_rows, open_actions
from prevent_cases.exceptions import AccessDenied, ConflictError, TransitionNotAllowed
from prevent_cases.policy import handles_case_content
from prevent_cases.web.form_errors import add_service_errors
from prevent_cases.web.http_errors import domain_errors_as_http


def _case_page(panel_case_id: uuid.UUID) -> str:
    # The case page is its own feature's route; until it is wired the agenda shows no link.
    try:
        return reverse("panels:case", kwargs={"panel_case_id": panel_case_id})
    except NoReverseMatch:
        return ""


def meeting_list(request: HttpRequest) -> HttpResponse:
    """The meetings of the member's panel, or of panels its agency sits on."""
    membership = request.membership
    meetings = list(meetings_for_user(membership=membership))
    now = timezone.now()
    return render(
        request,
        "panels/meetings/list.html",
        {
            "upcoming": [m for m in meetings if m.closed_at is None and m.starts_at >= now],
            "past": [m for m in reversed(meetings) if m.closed_at or m.starts_at < now],
            "may_schedule": handles_case_content(membership) and membership.role in PANEL_ROLES,
        },
    )


@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest) -> HttpResponse:
    """Schedule a meeting of the member's panel."""
    membership = request.membership
    if not (handles_case_content(membership) and membership.role in PANEL_ROLES):
        raise AccessDenied("Only a panel's chair or coordinator may schedule its meetings.")
    form = MeetingScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_schedule(
                actor=request.user,
                membership=membership,
                starts_at=form.starts_at(),
                location=form.cleaned_data["location"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Meeting scheduled.")
            return redirect("panels:meeting", meeting_id=meeting.pk)
    return render(
        request,
        "panels/meetings/schedule.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _meeting_page(
    request: HttpRequest, meeting, *, bound: dict | None = None, status: int = 200
) -> HttpResponse:
    """The chair's working screen, or a member's view of what was shared with it. `bound`
    holds a form that failed, keyed by (kind, item id), to show again as typed."""
    membership = request.membership
    bound = bound or {}
    agenda = meeting_agenda_read(
        actor=request.user, membership=membership, meeting=meeting, via="meeting", outline=True
    )
    runs = agenda.runs_meeting and meeting.closed_at is None
    items = [case.item for case in agenda.cases]
    seats = (
        panel_seats(meeting, area_ids={item.referral.area_id for item in items}) if runs else None
    )
    problems = (
        decision_problems(items, attendance=agenda.attendance, forces=seats.forces) if runs else {}
    )
    rows = []
    for case in agenda.cases:
        item = case.item
        rows.append(
            {
                "case": case,
                "paper": case_outline(case),
                "case_url": _case_page(item.panel_case_id),
                "interventions_url": reverse(
                    "panels:case-interventions", kwargs={"case_id": item.panel_case_id}
                )
                if item.reason == AgendaReason.REVIEW
                else "",
                "decided": decision_rows(case),
                "actions": open_actions(case),
                "problem": problems.get(item.pk, ""),
                "decision_form": bound.get(("decision", item.pk))
                or (DecisionForm(item=item) if runs and item.decided_at is None else None),
                "action_form": bound.get(("action", item.pk))
                or (
                    ActionForm(item=item, agencies=seats.for_case(item.panel_case_id))
                    if runs
                    else None
                ),
            }
        )
    failed = next(iter(bound.values()), None)
    return render(
        request,
        "panels/meetings/detail.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "rows": rows,
            "attendance": agenda.attendance,
            "runs": runs,
            "form": failed,
            "close_form": CloseMeetingForm() if runs else None,
        },
        status=status,
    )


@domain_errors_as_http
def meeting_detail(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    meeting = meeting_get_for_user(membership=request.membership, meeting_id=meeting_id)
    return _meeting_page(request, meeting)


@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def meeting_attendance(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Record who attended for each agency on the panel."""
    membership = request.membership
    meeting = meeting_get_for_user(membership=membership, meeting_id=meeting_id)
    if not runs_meeting(membership, meeting):
        raise AccessDenied("Only the chair or a coordinator of the panel records attendance.")
    agencies = panel_agencies(meeting)
    form = AttendanceForm(
        request.POST or None,
        agencies=agencies,
        users=agency_users(agencies),
        recorded=attendance_of(meeting),
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting_attendance_record(
                actor=request.user, membership=membership, meeting=meeting, entries=form.entries()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Attendance recorded.")
            return redirect("panels:meeting", meeting_id=meeting.pk)
    return render(
        request,
        "panels/meetings/attendance.html",
        {"form": form, "meeting": meeting},
        status=400 if form.errors else 200,
    )


@domain_errors_as_http
@require_POST
def meeting_agenda_build(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """Add the cases due at this meeting to its agenda."""
    membership = request.membership
    meeting = meeting_get_for_user(membership=membership, meeting_id=meeting_id)
    try:
        added = agenda_build(actor=request.user, membership=membership, meeting=meeting)
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Agenda built: {len(added)} case(s) added.")
    return redirect("panels:meeting", meeting_id=meeting.pk)


@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def meeting_papers_confirm(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The proposal of what each member agency is given, confirmed in one step."""
    membership = request.membership
    meeting = meeting_get_for_user(membership=membership, meeting_id=meeting_id)
    if not runs_meeting(membership, meeting):
        raise AccessDenied("Only the chair or a coordinator of the panel confirms papers.")
    rows = papers_proposal(meeting=meeting)
    form = PapersConfirmForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            decisions = papers_confirm(
                actor=request.user,
                membership=membership,
                meeting=meeting,
                selections=form.cleaned_data["selections"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"Papers confirmed: {len(decisions)} sharing decision(s) recorded."
            )
            return redirect("panels:meeting", meeting_id=meeting.pk)
    options = {option.data["value"]: option for option in form["selections"]}
    groups: dict = {}
    for row in rows:
        groups.setdefault((row.item, row.agency), []).append(options[row.key])
    return render(
        request,
        "panels/meetings/papers_confirm.html",
        {"form": form, "meeting": meeting, "groups": groups},
        status=400 if form.errors else 200,
    )


@domain_errors_as_http
@require_POST
def meeting_decision(request: HttpRequest, meeting_id: uuid.UUID, item_id: uuid.UUID):
    """Record the panel's decision on one agenda case; on a problem, the page again with
    everything typed kept."""
    membership = request.membership
    meeting = meeting_get_for_user(membership=membership, meeting_id=meeting_id)
    item = item_for_update(meeting=meeting, item_id=item_id)
    form = DecisionForm(request.POST, item=item)
    if form.is_valid():
        try:
            agenda_decision_record(
                actor=request.user, membership=membership, item=item, **form.decision()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except (ConflictError, TransitionNotAllowed) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Decision recorded for {item.referral.reference}.")
            return redirect(f"{reverse('panels:meeting', args=[meeting.pk])}#item-{item.pk}")
    return _meeting_page(request, meeting, bound={("decision", item.pk): form}, status=400)


@domain_errors_as_http
@require_POST
def meeting_action(request: HttpRequest, meeting_id: uuid.UUID, item_id: uuid.UUID):
    """Give an agency on the panel an action on one agenda case."""
    membership = request.membership
    meeting = meeting_get_for_user(membership=membership, meeting_id=meeting_id)
    item = item_for_update(meeting=meeting, item_id=item_id)
    form = ActionForm(request.POST, item=item, agencies=panel_agencies(meeting))
    if form.is_valid():
        try:
            panel_action_set(
                actor=request.user,
                membership=membership,
                item=item,
                owner_agency=form.owner(),
                description=form.cleaned_data["description"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action set.")
            return redirect(f"{reverse('panels:meeting', args=[meeting.pk])}#item-{item.pk}")
    return _meeting_page(request, meeting, bound={("action", item.pk): form}, status=400)


@domain_errors_as_http
@require_POST
def meeting_close_view(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    membership = request.membership
    meeting = meeting_get_for_user(membership=membership, meeting_id=meeting_id)
    form = CloseMeetingForm(request.POST)
    form.is_valid()
    try:
        meeting_close(
            actor=request.user,
            membership=membership,
            meeting=meeting,
            minutes=form.cleaned_data.get("minutes", ""),
        )
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Meeting closed.")
    return redirect("panels:meeting", meeting_id=meeting.pk)


def my_actions(request: HttpRequest) -> HttpResponse:
    """Open actions given to the member's agency, the most overdue first."""
    return render(
        request,
        "panels/meetings/my_actions.html",
        {
            "actions": list(actions_for_agency(membership=request.membership)),
            "today": timezone.localdate(),
        },
    )


@domain_errors_as_http
@require_POST
def action_done(request: HttpRequest, action_id: uuid.UUID) -> HttpResponse:
    membership = request.membership
    action = action_get_for_user(membership=membership, action_id=action_id)
    try:
        panel_action_done(actor=request.user, membership=membership, action=action)
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Action marked done.")
    return redirect("panels:my-actions")
