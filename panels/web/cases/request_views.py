"""Information requests: the panel asking a partner, and the partner's queue and answers."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.vocabulary import DecisionAction
from panels.models.vocabulary import RequestStatus
from panels.rules.permissions import runs_case
from panels.selectors.cases import (
    addressed_requests_shown,
    panel_case_get_for_user,
    request_get_for_addressee,
    requests_addressed_to_agency,
)
from panels.services.requests import (
    addressed_request_read,
    addressed_requests_read,
    answer_errors,
    information_request_answer_share,
    information_request_answer_withhold,
    information_request_errors,
    information_request_send,
    may_answer,
)
from panels.web.cases.request_forms import (
    InformationRequestForm,
    RequestAnswerForm,
    add_remaining_errors,
)
from panels.web.refusal import refused
from prevent_cases.exceptions import AccessDenied, ConflictError, TransitionNotAllowed
from prevent_cases.policy import ORIGINATOR_SHARING_ROLES, handles_case_content
from prevent_cases.selectors import agencies_other_than
from prevent_cases.web.form_errors import add_service_errors
from prevent_cases.web.http_errors import domain_errors_as_http
from prevent_cases.web.keyset import page_after

PAGE_SIZE = 25
NO_QUEUE = (
    "Information requests are answered by members of the addressed agency who may share "
    "its information: Prevent officers, Channel coordinators, panel chairs and panel "
    "members. Your role does not answer them."
)


@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, panel_case_id: uuid.UUID) -> HttpResponse:
    """Ask a partner agency for what it holds about the person on this case."""
    membership = request.membership
    case = panel_case_get_for_user(membership=membership, panel_case_id=panel_case_id)
    panel_case = case.panel_case
    if not runs_case(membership, panel_case):
        raise AccessDenied("Only the chair or a coordinator of the case's panel asks partners.")
    form = InformationRequestForm(
        request.POST or None, agencies=agencies_other_than(panel_case.panel.agency)
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                sent = information_request_send(
                    actor=request.user,
                    membership=membership,
                    panel_case=panel_case,
                    to_agency=data["to_agency"],
                    categories=data["categories"],
                    purpose=data["purpose"],
                    due_on=data["due_on"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except TransitionNotAllowed as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    f"Request sent to {sent.to_agency}. They can see who it is about and "
                    "what you asked, nothing else of the case.",
                )
                return redirect("panels:case", panel_case_id=panel_case.pk)
        else:
            data = form.cleaned_data
            add_remaining_errors(
                form,
                information_request_errors(
                    panel_case=panel_case,
                    to_agency=data.get("to_agency"),
                    categories=data.get("categories") or [],
                    purpose=data.get("purpose") or "",
                    due_on=data.get("due_on"),
                    today=timezone.localdate(),
                ),
            )
    return render(
        request,
        "panels/requests/new.html",
        {"form": form, "panel_case": panel_case, "referral": case.referral},
        status=400 if form.errors else 200,
    )


def my_requests(request: HttpRequest) -> HttpResponse:
    """Open requests addressed to the member's agency, the most overdue first."""
    membership = request.membership
    if not (handles_case_content(membership) and membership.role in ORIGINATOR_SHARING_ROLES):
        return refused(request, title="Information requests", reason=NO_QUEUE)
    page = page_after(
        requests_addressed_to_agency(membership=membership),
        cursor=request.GET.get("after"),
        date_field="due_on",
        size=PAGE_SIZE,
    )
    rows = addressed_requests_read(
        actor=request.user,
        membership=membership,
        requests=addressed_requests_shown(membership=membership, requests=page.rows),
        via="request_queue",
    )
    return render(
        request,
        "panels/requests/queue.html",
        {"rows": rows, "next_cursor": page.next_cursor, "today": timezone.localdate()},
    )


def _answer(request: HttpRequest, form: RequestAnswerForm, addressed) -> bool:
    """Record the answer the form describes; False, with every problem on the form, if not."""
    membership = request.membership
    target = addressed.request
    if not form.is_valid():
        add_remaining_errors(
            form,
            answer_errors(
                target,
                action=form.action(),
                contributions=form.contributions(),
                data=form.decision_input(),
                now=timezone.now(),
            ),
        )
        return False
    arguments = {"actor": request.user, "membership": membership, "request": target}
    try:
        if form.action() == DecisionAction.WITHHOLD:
            information_request_answer_withhold(**arguments, data=form.decision_input())
        elif form.action() == DecisionAction.SHARE:
            information_request_answer_share(
                **arguments, contributions=form.contributions(), data=form.decision_input()
            )
        else:
            raise ValidationError(
                answer_errors(
                    target,
                    action="",
                    contributions=form.contributions(),
                    data=form.decision_input(),
                    now=timezone.now(),
                )
            )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    except (ConflictError, TransitionNotAllowed) as error:
        form.add_error(None, error.message)
        return False
    return True


@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def request_answer(request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
    """Answer a request addressed to the member's agency: share, or withhold with reasons."""
    membership = request.membership
    addressed = request_get_for_addressee(membership=membership, request_id=request_id)
    target = addressed.request
    if not may_answer(membership, target):
        raise AccessDenied(NO_QUEUE)
    form = RequestAnswerForm(request.POST or None, request=target)
    if request.method == "POST" and _answer(request, form, addressed):
        shared = target.status == RequestStatus.SHARED
        messages.success(
            request,
            f"Answer recorded: {'information shared with' if shared else 'withheld from'} "
            f"{target.source_agency}.",
        )
        return redirect("panels:my-requests")
    if request.method == "GET":
        addressed_request_read(
            actor=request.user, membership=membership, addressed=addressed, via="request_answer"
        )
    return render(
        request,
        "panels/requests/answer.html",
        {"form": form, "addressed": addressed, "target": target, "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )
