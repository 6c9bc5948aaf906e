"""Referral pages: thin adapters over the selectors and services."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from audit.services import case_viewed_recorded
from prevent_cases.exceptions import AccessDenied, ConflictError, TransitionNotAllowed
from prevent_cases.form_errors import add_service_errors
from prevent_cases.http_errors import domain_errors_as_http
from prevent_cases.keyset import page_after
from prevent_cases.selectors import agencies_other_than
from referrals.forms import (
    DashboardFilterForm,
    RevokeDecisionForm,
    ScreeningForm,
    SharingDecisionForm,
)
from referrals.grants import CASE_TYPE
from referrals.permissions import may_log_referrals, may_share, owns
from referrals.screening import referral_screen, referral_start_screening
from referrals.selectors import (
    dashboard_counts,
    dashboard_referrals_for_user,
    decision_for_referral,
    decisions_for_referral,
    held_categories,
    referral_get_for_user,
    referral_timeline,
    visible,
)
from referrals.services import referral_decision_revoke, referral_share
from referrals.timeliness import working_days_between
from referrals.workflow import allowed_events

PAGE_SIZE = 25


def referral_list(request: HttpRequest) -> HttpResponse:
    """The dashboard: referrals by status, most overdue first, with search and filters."""
    membership = request.membership
    form = DashboardFilterForm(request.GET or None)
    referrals = dashboard_referrals_for_user(membership=membership, filters=form.filters())
    page = page_after(
        referrals, cursor=request.GET.get("after"), date_field="screening_due_on", size=PAGE_SIZE
    )
    query = request.GET.copy()
    query.pop("after", None)
    return render(
        request,
        "referrals/list.html",
        {
            "form": form,
            "rows": [visible(referral, membership=membership) for referral in page.rows],
            "next_cursor": page.next_cursor,
            "query": query.urlencode(),
            "counts": dashboard_counts(membership=membership),
            "today": timezone.localdate(),
            "may_log": may_log_referrals(membership),
        },
    )


@domain_errors_as_http
def referral_detail(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    """One referral, showing only the categories the user's agency holds."""
    membership = request.membership
    shown = referral_get_for_user(membership=membership, referral_id=referral_id)
    can_share = may_share(membership, shown.referral)
    decisions = decisions_for_referral(
        membership=membership, referral=shown.referral, may_share=can_share
    )
    case_viewed_recorded(
        actor=request.user,
        membership=membership,
        case_type=CASE_TYPE,
        case_id=shown.referral.pk,
        categories=shown.categories,
        via="page",
    )
    return render(
        request,
        "referrals/detail.html",
        {
            "shown": shown,
            "referral": shown.referral,
            "decisions": decisions,
            "can_share": can_share,
            "timeline": referral_timeline(referral=shown.referral, decisions=decisions),
            "events": allowed_events(shown.referral.status, membership.role)
            if owns(membership, shown.referral)
            else [],
            "working_days": working_days_between(shown.referral.received_on, timezone.localdate()),
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
    form = ScreeningForm(request.POST or None)
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
    if not may_share(membership, referral):
        raise AccessDenied("You may not record sharing decisions on this referral.")
    form = SharingDecisionForm(
        request.POST or None,
        agencies=agencies_other_than(membership.agency),
        held_categories=held_categories(agency=membership.agency, referral=referral),
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral_share(
                actor=request.user,
                membership=membership,
                referral=referral,
                receiving_agency=form.cleaned_data["receiving_agency"],
                data=form.decision_input(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Sharing decision recorded.")
            return redirect("referrals:detail", referral_id=referral.pk)
    return render(
        request,
        "referrals/sharing_decision_form.html",
        {"form": form, "referral": referral, "shown": shown},
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
    if not may_share(membership, referral):
        raise AccessDenied("You may not record sharing decisions on this referral.")
    decision = decision_for_referral(
        membership=membership, referral=referral, decision_id=decision_id, may_share=True
    )
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
