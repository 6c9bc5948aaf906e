"""The needs assessment pages: the current assessment as the viewer may see it, what
changed since the previous one, the viewer's agency's own entries, and the panel agreeing
it. Thin adapters over panels.selectors.support and panels.services.assessment."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from panels.rules.permissions import runs_case
from panels.selectors.cases import panel_case_get_for_user
from panels.selectors.support import (
    assessment_draft,
    assessment_shown,
    framework_factors,
    may_enter_assessment,
)
from panels.services.assessment import assessment_agree, assessment_entry_record, assessment_start
from panels.services.reads import panel_case_read
from panels.web.support.forms import AssessmentAgreeForm, AssessmentEntryForm
from prevent_cases.exceptions import (
    AccessDenied,
    ConflictError,
    NotFound,
    TransitionNotAllowed,
)
from prevent_cases.web.form_errors import add_service_errors
from prevent_cases.web.http_errors import domain_errors_as_http


@domain_errors_as_http
def assessment_page(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The case's current assessment: per dimension and factor the entries the viewer may
    see, and for the panel what changed since the previous assessment."""
    membership = request.membership
    case = panel_case_read(
        actor=request.user, membership=membership, panel_case_id=case_id, via="page"
    )
    shown = assessment_shown(case=case)
    runs = runs_case(membership, case.panel_case)
    draft = shown.current if shown.current and shown.current.agreed_at is None else None
    return render(
        request,
        "panels/assessment/page.html",
        {
            "case": case.panel_case,
            "shown": shown,
            "draft": draft,
            "runs": runs,
            "may_enter": draft is not None and may_enter_assessment(membership, case.panel_case),
            "may_start": runs and draft is None and case.panel_case.stage == "assessment",
            "rating_labels": _rating_labels(shown),
        },
    )


def _rating_labels(shown) -> dict[str, str]:
    """The rating scale's words by code, so the page says "Significant", not its code; the
    current framework's words first, then any only the previous assessment's framework has."""
    labels: dict[str, str] = {}
    for assessment in (shown.current, shown.previous):
        if assessment is not None:
            for rating in assessment.framework.ratings:
                labels.setdefault(rating["code"], rating["label"])
    return labels


@domain_errors_as_http
@require_POST
def assessment_start_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = panel_case_get_for_user(membership=request.membership, panel_case_id=case_id)
    try:
        assessment_start(
            actor=request.user, membership=request.membership, panel_case=case.panel_case
        )
    except (ValidationError, ConflictError, TransitionNotAllowed) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, "Assessment started.")
    return redirect("panels:assessment", case_id=case_id)


def _draft_or_404(case):
    draft = assessment_draft(case.panel_case)
    if draft is None:
        raise NotFound("No assessment of this case is in progress.")
    return draft


@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def assessment_entry(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Record the viewer's agency's own rating and evidence for one factor."""
    membership = request.membership
    case = panel_case_get_for_user(membership=membership, panel_case_id=case_id)
    draft = _draft_or_404(case)
    if not may_enter_assessment(membership, case.panel_case):
        raise AccessDenied("Your agency does not sit on the panel for this case.")
    form = AssessmentEntryForm(
        request.POST or None,
        initial={"factor": request.GET.get("factor", "")},
        factors=framework_factors(draft.framework_id),
        ratings=draft.framework.ratings,
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment_entry_record(
                actor=request.user, membership=membership, assessment=draft, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except TransitionNotAllowed as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Your agency's entry is recorded.")
            return redirect("panels:assessment", case_id=case_id)
    return render(
        request,
        "panels/assessment/entry_form.html",
        {"form": form, "case": case.panel_case, "assessment": draft},
        status=400 if form.errors else 200,
    )


@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def assessment_agree_view(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The panel agrees the assessment in progress."""
    membership = request.membership
    case = panel_case_get_for_user(membership=membership, panel_case_id=case_id)
    if not runs_case(membership, case.panel_case):
        raise AccessDenied("Only the chair or a coordinator of the case's panel agrees it.")
    draft = _draft_or_404(case)
    form = AssessmentAgreeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment_agree(
                actor=request.user, membership=membership, assessment=draft, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except (ConflictError, TransitionNotAllowed) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Assessment agreed.")
            return redirect("panels:assessment", case_id=case_id)
    return render(
        request,
        "panels/assessment/agree_form.html",
        {"form": form, "case": case.panel_case, "assessment": draft},
        status=400 if form.errors else 200,
    )
