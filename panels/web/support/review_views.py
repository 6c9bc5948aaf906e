"""Post-exit review pages: the reviews of an exited case, recording one, and extending
them to two years. Thin adapters over panels.services.post_exit."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from panels.rules.permissions import runs_case
from panels.selectors.cases import panel_case_get_for_user
from panels.selectors.support import post_exit_review_for_case, post_exit_reviews_for_case
from panels.services.post_exit import post_exit_review_record, post_exit_reviews_extend
from panels.services.reads import panel_case_read
from panels.web.support.forms import PostExitReviewForm
from prevent_cases.exceptions import AccessDenied, ConflictError, TransitionNotAllowed
from prevent_cases.web.form_errors import add_service_errors
from prevent_cases.web.http_errors import domain_errors_as_http


@domain_errors_as_http
def reviews_page(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    membership = request.membership
    case = panel_case_read(
        actor=request.user, membership=membership, panel_case_id=case_id, via="page"
    )
    return render(
        request,
        "panels/reviews/list.html",
        {
            "case": case.panel_case,
            "reviews": post_exit_reviews_for_case(case=case),
            "runs": runs_case(membership, case.panel_case),
        },
    )


@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def review_record(request: HttpRequest, case_id: uuid.UUID, review_id: uuid.UUID) -> HttpResponse:
    membership = request.membership
    case = panel_case_get_for_user(membership=membership, panel_case_id=case_id)
    review = post_exit_review_for_case(case=case, review_id=review_id)
    if not runs_case(membership, case.panel_case):
        raise AccessDenied("Only the chair or a coordinator of the case's panel records reviews.")
    form = PostExitReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reopened = post_exit_review_record(
                actor=request.user, membership=membership, review=review, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except (ConflictError, TransitionNotAllowed) as error:
            form.add_error(None, error.message)
        else:
            if reopened is not None:
                messages.success(
                    request, "Review recorded. The case is reopened at identification."
                )
                return redirect("panels:case", panel_case_id=reopened.pk)
            messages.success(request, "Review recorded.")
            return redirect("panels:reviews", case_id=case_id)
    return render(
        request,
        "panels/reviews/record_form.html",
        {"form": form, "case": case.panel_case, "review": review},
        status=400 if form.errors else 200,
    )


@domain_errors_as_http
@require_POST
def reviews_extend(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = panel_case_get_for_user(membership=request.membership, panel_case_id=case_id)
    try:
        post_exit_reviews_extend(
            actor=request.user, membership=request.membership, panel_case=case.panel_case
        )
    except (ValidationError, ConflictError, TransitionNotAllowed) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, "Reviews added at 18 and 24 months after exit.")
    return redirect("panels:reviews", case_id=case_id)
