"""The auditors' workspace: sharing decisions, reviews, case views and the chain."""

import uuid
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit import offline_verifier as offline_verifier_module
from audit.event_types import EventType
from audit.record.bundles import RangeRefused
from audit.selectors import (
    DECISION_SORTS,
    case_for_reference,
    case_references,
    case_views_page_for_auditor,
    cases_shown,
    chain_events_for_auditor,
    chain_status_for_auditor,
    decision_counts_for_auditor,
    decision_get_for_auditor,
    decision_history,
    decision_list_for_auditor,
    decision_ordering,
    decision_page_for_auditor,
    next_unreviewed_decision,
    people_and_agencies,
    require_auditor,
    reviews_of,
)
from audit.services.decisions import (
    decision_review_record,
    export_recorded,
    verification_run_request,
)
from audit.services.exports import decisions_csv, verification_bundle_download
from audit.web.forms import DecisionFilterForm, EventFilterForm, ReviewForm
from prevent_cases.selectors import agencies_in_area
from prevent_cases.web.form_errors import add_service_errors
from prevent_cases.web.http_errors import domain_errors_as_http

# Rows a page, as every other list in the service: a page is one screen to read, and
# each row costs its rendering whatever the list holds.
PAGE_SIZE = 25
# Query parameters that place a page in a list rather than choose what it lists.
PLACE = ("cursor",)
SORT_LABELS = {"decided": "Decided", "role": "Decided by", "consent": "Consent"}


def _filter_form(request: HttpRequest) -> DecisionFilterForm:
    return DecisionFilterForm(
        request.GET or None, agencies=agencies_in_area(request.membership.agency.area_id)
    )


def _without(query: QueryDict, *names: str) -> str:
    kept = query.copy()
    for name in (*names, *PLACE):
        kept.pop(name, None)
    return kept.urlencode()


def _tags(request: HttpRequest, form) -> list[dict[str, str]]:
    """Each filter in force, with the address of the same list without it."""
    return [
        {"text": text, "href": f"{request.path}?{_without(request.GET, name)}"}
        for name, text in form.selected()
    ]


def _sort_headers(request: HttpRequest, sort: str, direction: str) -> dict[str, dict]:
    """For each sortable column: its aria-sort state and the link that sorts by it (the
    other way round when it is already the sort)."""
    headers = {}
    for key, label in SORT_LABELS.items():
        current = key == sort
        query = request.GET.copy()
        query["sort"] = key
        query["order"] = "ascending" if current and direction == "descending" else "descending"
        headers[key] = {
            "label": label,
            "aria_sort": direction if current else "none",
            "href": f"?{_without(query)}",
        }
    return headers


def _list_order(request: HttpRequest) -> tuple[str, str]:
    sort = request.GET.get("sort", "decided")
    sort = sort if sort in DECISION_SORTS else "decided"
    direction = "ascending" if request.GET.get("order") == "ascending" else "descending"
    return sort, direction


@require_GET
@domain_errors_as_http
def home(request: HttpRequest) -> HttpResponse:
    """The auditor's start page: what waits for review and what needs a closer look."""
    counts = decision_counts_for_auditor(membership=request.membership)
    return render(request, "audit/home.html", {"counts": counts})


@require_GET
@domain_errors_as_http
def decision_list(request: HttpRequest) -> HttpResponse:
    """Sharing decisions in the auditor's area, filtered and sorted, a page at a time."""
    form = _filter_form(request)
    sort, direction = _list_order(request)
    page = decision_page_for_auditor(
        membership=request.membership,
        filters=form.filters(),
        ordering=decision_ordering(sort, direction),
        cursor=request.GET.get("cursor"),
        size=PAGE_SIZE,
    )
    references = case_references((row.case_type, row.case_id) for row in page.rows)
    rows = [
        {"decision": decision, "reference": references.get(decision.case_id)}
        for decision in page.rows
    ]
    return render(
        request,
        "audit/decision_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "tags": _tags(request, form),
            "headers": _sort_headers(request, sort, direction),
            "sort_label": SORT_LABELS[sort].lower(),
            "direction": direction,
            "query": _without(request.GET),
            "export_query": _without(request.GET, "sort", "order"),
        },
        status=400 if form.errors else 200,
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
    """One decision in full, its supersession history and reviews; record a review. The
    list's filters and order come along in the query, so "next unreviewed" follows them."""
    decision = decision_get_for_auditor(membership=request.membership, decision_id=decision_id)
    form = ReviewForm(request.POST or None)
    list_query = _without(request.GET)
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
            url = reverse("audit:decision", kwargs={"decision_id": decision.pk})
            return redirect(f"{url}?{list_query}" if list_query else url)
    next_decision = None
    if decision.reviewed:
        sort, direction = _list_order(request)
        next_decision = next_unreviewed_decision(
            membership=request.membership,
            filters=_filter_form(request).filters(),
            ordering=decision_ordering(sort, direction),
            after=decision,
        )
    references = case_references([(decision.case_type, decision.case_id)])
    return render(
        request,
        "audit/decision_detail.html",
        {
            "decision": decision,
            "reference": references.get(decision.case_id),
            "history": decision_history(decision),
            "reviews": reviews_of(decision),
            "form": form,
            "list_query": list_query,
            "next_decision": next_decision,
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


def _case_id(text: str) -> uuid.UUID | None:
    """The case a search names: its reference, or its id (as links from events carry)."""
    try:
        return uuid.UUID(text)
    except ValueError:
        case = case_for_reference(text)
        return case[1] if case else None


@require_GET
@domain_errors_as_http
def case_views(request: HttpRequest) -> HttpResponse:
    """Who opened which case and when, optionally for one case found by its reference."""
    searched = request.GET.get("case", "").strip()
    case_uuid = _case_id(searched) if searched else None
    if searched and case_uuid is None:
        # The same answer for a reference that names no case and one outside the area.
        page, rows = None, []
    else:
        page = case_views_page_for_auditor(
            membership=request.membership,
            case_id=case_uuid,
            cursor=request.GET.get("cursor"),
            size=PAGE_SIZE,
        )
        users, agencies = people_and_agencies(page.rows)
        shown = {event.seq: cases_shown(event, case_id=case_uuid) for event in page.rows}
        references = case_references(
            (event.target_type, case.case_id) for event in page.rows for case in shown[event.seq]
        )
        rows = [
            {
                "event": event,
                "user": users.get(event.actor),
                "agency": agencies.get(event.agency),
                "cases": [
                    {"case": case, "reference": references.get(uuid.UUID(case.case_id))}
                    for case in shown[event.seq]
                ],
                "through": VIA_LABELS.get(event.payload.get("via"), "Web page"),
            }
            for event in page.rows
        ]
    return render(
        request,
        "audit/case_views.html",
        {"rows": rows, "page": page, "searched": searched, "query": _without(request.GET)},
    )


# What events are about, as auditors read it; anything else shows its stored type.
TARGET_LABELS = {
    "referral": "Case",
    "sharing_decision": "Sharing decision",
    "decision_review": "Review of a decision",
    "verification_run": "Chain verification",
    "user": "User",
    "agency": "Agency",
    "area": "Area",
    "membership": "Membership",
    "meeting": "Panel meeting",
    "assessment_framework": "Assessment framework",
}


@require_GET
@domain_errors_as_http
def chain(request: HttpRequest) -> HttpResponse:
    """The chain's size and head, its checkpoints, the latest verification, the bundle to
    verify it offline, and the area's events, filtered, a page at a time."""
    status = chain_status_for_auditor(membership=request.membership)
    form = EventFilterForm(
        request.GET or None, agencies=agencies_in_area(request.membership.agency.area_id)
    )
    page = chain_events_for_auditor(
        membership=request.membership,
        filters=form.filters(),
        cursor=request.GET.get("cursor"),
        size=PAGE_SIZE,
    )
    users, agencies = people_and_agencies(page.rows)
    references = case_references((event.target_type, event.target_id) for event in page.rows)
    labels = dict(EventType.choices)
    rows = [
        {
            "event": event,
            "what": labels.get(event.type, event.type),
            "user": users.get(event.actor),
            "agency": agencies.get(event.agency),
            "about": TARGET_LABELS.get(event.target_type, event.target_type),
            "reference": references.get(event.target_id),
        }
        for event in page.rows
    ]
    return render(
        request,
        "audit/chain.html",
        {
            "status": status,
            "form": form,
            "page": page,
            "rows": rows,
            "tags": _tags(request, form),
            "query": _without(request.GET),
        },
        status=400 if form.errors else 200,
    )


@require_GET
@domain_errors_as_http
def chain_bundle(request: HttpRequest) -> HttpResponse:
    """The whole chain as a verification bundle, streamed; the download is an event."""
    try:
        bundle = verification_bundle_download(actor=request.user, membership=request.membership)
    except RangeRefused as error:
        messages.error(request, str(error))
        return redirect("audit:chain")
    response = StreamingHttpResponse(
        (piece.encode("ascii") for piece in bundle.pieces), content_type="application/json"
    )
    name = f"audit-bundle-{bundle.first}-{bundle.last}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@domain_errors_as_http
def offline_verifier(request: HttpRequest) -> HttpResponse:
    """The offline verifier's one file, as the repository holds it."""
    require_auditor(request.membership)
    response = HttpResponse(
        Path(offline_verifier_module.__file__).read_bytes(), content_type="text/x-python"
    )
    response["Content-Disposition"] = 'attachment; filename="offline_verifier.py"'
    return response


@require_POST
@domain_errors_as_http
def chain_verify(request: HttpRequest) -> HttpResponse:
    verification_run_request(actor=request.user, membership=request.membership)
    messages.success(request, "Verification started. This page shows its result when it ends.")
    return redirect("audit:chain")
