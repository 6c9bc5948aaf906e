"""The auditors' workspace: sharing decisions, reviews, case views and the chain."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.selectors import (
    case_views_for_auditor,
    cases_shown,
    chain_status_for_auditor,
    decision_get_for_auditor,
    decision_history,
    decision_list_for_auditor,
    people_and_agencies,
    reviews_of,
)
from audit.services.decisions import (
    decision_review_record,
    export_recorded,
    verification_run_request,
)
from audit.services.exports import decisions_csv
from audit.web.forms import DecisionFilterForm, ReviewForm
from prevent_cases.selectors import agencies_in_area
from prevent_cases.web.form_errors import add_service_errors
from prevent_cases.web.http_errors import domain_errors_as_http

PAGE_SIZE = 50


def _filter_form(request: HttpRequest) -> DecisionFilterForm:
    return DecisionFilterForm(
        request.GET or None, agencies=agencies_in_area(request.membership.agency.area_id)
    )


@require_GET
@domain_errors_as_http
def decision_list(request: HttpRequest) -> HttpResponse:
    """Sharing decisions in the auditor's area, filtered."""
    form = _filter_form(request)
    decisions = decision_list_for_auditor(membership=request.membership, filters=form.filters())
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/decision_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_GET
@domain_errors_as_http
def decision_export(request: HttpRequest) -> HttpResponse:
    """The filtered decisions as CSV; the export itself is recorded on the chain."""
    form = _filter_form(request)
    filters = form.filters()
    decisions = decision_list_for_auditor(membership=request.membership, filters=filters)
    text, rows = decisions_csv(decisions.iterator(chunk_size=500))
    export_recorded(
        actor=request.user,
        membership=request.membership,
        export="sharing_decisions",
        rows=rows,
        filters=filters.as_codes(),
        file_format="csv",
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="sharing-decisions-{stamp}.csv"'
    return response


@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def decision_detail(request: HttpRequest, decision_id: uuid.UUID) -> HttpResponse:
    """One decision in full, its supersession history and reviews; record a review."""
    decision = decision_get_for_auditor(membership=request.membership, decision_id=decision_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision_review_record(
                actor=request.user,
                membership=request.membership,
                decision=decision,
                finding=form.cleaned_data["finding"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Review recorded.")
            return redirect("audit:decision", decision_id=decision.pk)
    return render(
        request,
        "audit/decision_detail.html",
        {
            "decision": decision,
            "history": decision_history(decision),
            "reviews": reviews_of(decision),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# The paths a read is recorded through (referrals/services/reads.py), as auditors read them.
VIA_LABELS = {
    "page": "Case page",
    "api": "API, one case",
    "api_list": "API list",
    "dashboard": "Referrals list or search",
    "matching": "Earlier people offered at intake",
}


@require_GET
@domain_errors_as_http
def case_views(request: HttpRequest) -> HttpResponse:
    """Who opened which case and when, optionally for one case."""
    case_id = request.GET.get("case") or None
    try:
        case_uuid = uuid.UUID(case_id) if case_id else None
    except ValueError:
        case_uuid, case_id = None, None
        messages.error(request, "That is not a case id. Showing every case view.")
    events = case_views_for_auditor(membership=request.membership, case_id=case_uuid)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    users, agencies = people_and_agencies(page.object_list)
    rows = [
        {
            "event": event,
            "user": users.get(event.actor),
            "agency": agencies.get(event.agency),
            "cases": cases_shown(event, case_id=case_uuid),
            "through": VIA_LABELS.get(event.payload.get("via"), "Web page"),
        }
        for event in page.object_list
    ]
    return render(
        request,
        "audit/case_views.html",
        {
            "rows": rows,
            "page": page,
            "case_id": case_id,
            "query": urlencode({"case": case_id}) if case_id else "",
        },
    )


@require_GET
@domain_errors_as_http
def chain(request: HttpRequest) -> HttpResponse:
    """The chain's size and head, its latest checkpoint and the latest verification."""
    status = chain_status_for_auditor(membership=request.membership)
    return render(request, "audit/chain.html", {"status": status})


@require_POST
@domain_errors_as_http
def chain_verify(request: HttpRequest) -> HttpResponse:
    verification_run_request(actor=request.user, membership=request.membership)
    messages.success(request, "Verification started. This page shows its result when it ends.")
    return redirect("audit:chain")
