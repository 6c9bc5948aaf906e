"""Referral pages: thin adapters over the selectors and services."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from audit.vocabulary import Category
from prevent_cases.exceptions import AccessDenied, ConflictError, NotFound, TransitionNotAllowed
from prevent_cases.selectors import agencies_other_than
from prevent_cases.web.form_errors import add_service_errors
from prevent_cases.web.http_errors import domain_errors_as_http, not_found_page
from prevent_cases.web.keyset import page_after
from referrals.rules.permissions import (
    endable_decisions,
    may_correct,
    may_end,
    may_log_referrals,
    may_share,
    owns,
    shareable_sources,
    transfer_to_confirm,
)
from referrals.rules.timeliness import working_days_between
from referrals.rules.workflow import allowed_events
from referrals.selectors import (
    COUNT_CAP,
    access_ended_for_user,
    corrections_for_referral,
    dashboard_counts,
    dashboard_referrals_for_user,
    decision_for_referral,
    decisions_for_referral,
    linked_referrals_for_user,
    referral_get_for_user,
    referral_timeline,
    shareable_categories,
)
from referrals.services.case import (
    referral_decision_revoke,
    referral_share,
    referral_transfer_confirm,
)
from referrals.services.reads import IDENTITY_ONLY, referral_read, referrals_read
from referrals.services.screening import referral_screen, referral_start_screening
from referrals.web.forms import (
    DashboardFilterForm,
    RevokeDecisionForm,
    ScreeningForm,
    SharingDecisionForm,
)
from referrals.web.presenters import (
    case_sections,
    outcome_summary,
    person_name,
    received_shares,
)

PAGE_SIZE = 25
# The dashboard shows who a referral is about, where identity is held, and nothing else.
DASHBOARD_CATEGORIES = frozenset({Category.IDENTITY})


def _count_label(count: int) -> str:
    return f"more than {COUNT_CAP:,}" if count > COUNT_CAP else f"{count:,}"


def referral_list(request: HttpRequest) -> HttpResponse:
    """The dashboard: referrals by status, most overdue first, with search and filters."""
    membership = request.membership
    may_log = may_log_referrals(membership)
    # Open referrals are those a force is screening: an agency that logs none would open
    # on an empty list, so it starts from every case it holds.
    form = DashboardFilterForm(request.GET or None, default_status="open" if may_log else "all")
    referrals = dashboard_referrals_for_user(membership=membership, filters=form.filters())
    page = page_after(
        referrals, cursor=request.GET.get("after"), date_field="screening_due_on", size=PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("after", None)
    counts = dashboard_counts(membership=membership)
    return render(
        request,
        "referrals/list.html",
        {
            "form": form,
            "rows": referrals_read(
                actor=request.user,
                membership=membership,
                referrals=page.rows,
                via="dashboard",
                displayed=DASHBOARD_CATEGORIES,
            ),
            "next_cursor": page.next_cursor,
            "query": query.urlencode(),
            "counts": counts,
            "count_labels": {status: _count_label(n) for status, n in counts.items()},
            "today": timezone.localdate(),
            "may_log": may_log,
        },
    )


def _access_ended(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    """A case the viewer's agency was once given and no longer holds says so, with when and
    whom to ask; any other refusal is the same page as a missing id."""
    ended = access_ended_for_user(membership=request.membership, referral_id=referral_id)
    if ended is None:
        return not_found_page(request)
    return render(request, "referrals/access_ended.html", {"ended": ended}, status=403)


@domain_errors_as_http
def referral_detail(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    """One referral: everything recorded, in the categories the user's agency holds."""
    membership = request.membership
    try:
        shown = referral_read(
            actor=request.user, membership=membership, referral_id=referral_id, via="page"
        )
    except NotFound:
        return _access_ended(request, referral_id)
    referral = shown.referral
    decisions = list(decisions_for_referral(membership=membership, referral=referral))
    correcting = may_correct(membership, referral)
    corrections = corrections_for_referral(shown=shown)
    linked = referrals_read(
        actor=request.user,
        membership=membership,
        referrals=linked_referrals_for_user(membership=membership, shown=shown),
        via="linked",
        displayed=IDENTITY_ONLY,
    )
    return render(
        request,
        "referrals/detail.html",
        {
            "shown": shown,
            "referral": referral,
            "sections": case_sections(
                shown,
                corrections=corrections,
                may_correct=correcting,
                viewer_agency_id=membership.agency_id,
            ),
            "person_name": person_name(shown),
            "outcome": outcome_summary(shown),
            "linked": linked,
            "received": []
            if owns(membership, referral)
            else received_shares(shown, decisions=decisions, agency_id=membership.agency_id),
            "decisions": decisions,
            "can_share": may_share(membership, referral),
            "can_end": endable_decisions(membership, referral, decisions),
            "timeline": referral_timeline(membership=membership, shown=shown, decisions=decisions),
            "events": allowed_events(referral.status, membership.role)
            if owns(membership, referral)
            else [],
            "transfer_to_confirm": transfer_to_confirm(membership, referral, decisions),
            "working_days": working_days_between(referral.received_on, timezone.localdate()),
            "today": timezone.localdate(),
        },
    )


@domain_errors_as_http
@require_POST
def screening_start(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    """Open the gateway assessment of a received referral."""
    membership = request.membership
    referral = referral_get_for_user(membership=membership, referral_id=referral_id).referral
    try:
        referral_start_screening(actor=request.user, membership=membership, referral=referral)
    except (TransitionNotAllowed, ConflictError) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Screening started.")
    return redirect("referrals:detail", referral_id=referral.pk)


@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def screening_outcome(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    """Record the screening outcome: close, or progress to the area's Channel panel."""
    membership = request.membership
    referral = referral_get_for_user(membership=membership, referral_id=referral_id).referral
    if not owns(membership, referral):
        raise AccessDenied("Only the owning force screens a referral.")
    # Bound on every POST, even an empty one, so the service reports every missing answer.
    form = ScreeningForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            referral_screen(
                actor=request.user,
                membership=membership,
                referral=referral,
                data=form.screening_input(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except (TransitionNotAllowed, ConflictError) as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"Screening outcome recorded: {referral.get_status_display()}."
            )
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/screening_form.html",
        {"form": form, "referral": referral},
        status=400 if form.errors else 200,
    )


@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def sharing_decision_new(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    """Record a decision to share or withhold this referral's information."""
    membership = request.membership
    shown = referral_get_for_user(membership=membership, referral_id=referral_id)
    referral = shown.referral
    sources = shareable_sources(membership, referral)
    if not sources:
        raise AccessDenied("You may not record sharing decisions on this referral.")
    # A referral holds one agency's information: the record its owner logged.
    (source_id,) = sources
    form = SharingDecisionForm(
        request.POST or None,
        agencies=agencies_other_than(membership.agency),
        held_categories=shareable_categories(
            agency=membership.agency, referral=referral, source_id=source_id
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral_share(
                actor=request.user,
                membership=membership,
                referral=referral,
                receiving_agency=form.cleaned_data["receiving_agency"],
                data=form.decision_input(),
                source_agency_id=source_id,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Sharing decision recorded.")
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/sharing_decision_form.html",
        {
            "form": form,
            "referral": referral,
            "shown": shown,
            "onward": source_id != membership.agency_id,
        },
        status=400 if form.errors else 200,
    )


@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def sharing_decision_revoke(
    request: HttpRequest, referral_id: uuid.UUID, decision_id: uuid.UUID
) -> HttpResponse:
    """Revoke a decision to share, with a reason."""
    membership = request.membership
    referral = referral_get_for_user(membership=membership, referral_id=referral_id).referral
    decision = decision_for_referral(
        membership=membership, referral=referral, decision_id=decision_id
    )
    if not may_end(membership, decision, referral):
        raise AccessDenied("Only the agency that made a sharing decision may revoke it.")
    form = RevokeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referral_decision_revoke(
                actor=request.user,
                membership=membership,
                referral=referral,
                decision=decision,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Sharing revoked. The agency's access has been updated.")
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/revoke_decision.html",
        {"form": form, "referral": referral, "decision": decision},
        status=400 if form.errors else 200,
    )


@domain_errors_as_http
@require_POST
def transfer_confirm(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    """The owning force shares its record with the panel the case was transferred to and
    ends the sending panel's share."""
    membership = request.membership
    referral = referral_get_for_user(membership=membership, referral_id=referral_id).referral
    try:
        referral_transfer_confirm(actor=request.user, membership=membership, referral=referral)
    except ConflictError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Shared with {referral.responsible_agency}, now responsible for the case; the "
            "panel that held it no longer has your force's information.",
        )
    return redirect("referrals:detail", referral_id=referral.pk)
