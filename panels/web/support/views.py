"""Consent and support plan pages: recording consent, the plan and its interventions, and
showing each viewer only the support record it may see (a provider its own intervention).
Thin adapters over panels.selectors.support and panels.services.support."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from panels.rules.permissions import runs_case
from panels.selectors.cases import panel_case_get_for_user
from panels.selectors.support import (
    consents_for_case,
    delivery_agencies,
    interventions_for_case,
    plan_current,
    plan_for_case,
    practitioners_of,
)
from panels.services.reads import panel_case_read
from panels.services.support import consent_record, intervention_assign, support_plan_record
from panels.web.support.forms import ConsentForm, InterventionForm, SupportPlanForm
from prevent_cases.exceptions import AccessDenied, ConflictError, TransitionNotAllowed
from prevent_cases.web.form_errors import add_service_errors
from prevent_cases.web.http_errors import domain_errors_as_http

RECOVERABLE = (ConflictError, TransitionNotAllowed)


def _running(request: HttpRequest, case_id: uuid.UUID, what: str):
    case = panel_case_get_for_user(membership=request.membership, panel_case_id=case_id)
    if not runs_case(request.membership, case.panel_case):
        raise AccessDenied(f"Only the chair or a coordinator of the case's panel may {what}.")
    return case


@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def consent_page(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Consent records of the case, and for the panel the form to record consent."""
    membership = request.membership
    if request.method == "GET":
        case = panel_case_read(
            actor=request.user, membership=membership, panel_case_id=case_id, via="page"
        )
    else:
        case = _running(request, case_id, "record consent")
    runs = runs_case(membership, case.panel_case)
    form = ConsentForm(request.POST or None, initial={"version": case.panel_case.version})
    if request.method == "POST" and form.is_valid():
        try:
            consent_record(
                actor=request.user,
                membership=membership,
                panel_case=case.panel_case,
                **form.service_kwargs(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except RECOVERABLE as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Consent recorded.")
            return redirect("panels:consent", case_id=case_id)
    return render(
        request,
        "panels/support/consent.html",
        {
            "case": case.panel_case,
            "consents": consents_for_case(case=case),
            "form": form if runs else None,
        },
        status=400 if form.errors else 200,
    )


@domain_errors_as_http
def plan_page(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The plan in force and the interventions the viewer may see."""
    membership = request.membership
    case = panel_case_read(
        actor=request.user, membership=membership, panel_case_id=case_id, via="page"
    )
    return render(
        request,
        "panels/support/plan.html",
        {
            "case": case.panel_case,
            "plan": plan_for_case(case=case),
            "interventions": interventions_for_case(case=case),
            "runs": runs_case(membership, case.panel_case),
        },
    )


@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def plan_record(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Record the support plan the panel agreed (a changed plan is a new record)."""
    case = _running(request, case_id, "record the support plan")
    current = plan_current(case.panel_case)
    initial = {"version": case.panel_case.version}
    if current is not None:
        initial.update(
            consent_approach=current.consent_approach,
            consent_sought_by=current.consent_sought_by,
            consent_sought_on=current.consent_sought_on,
            support_summary=current.support_summary,
        )
    form = SupportPlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            support_plan_record(
                actor=request.user,
                membership=request.membership,
                panel_case=case.panel_case,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except RECOVERABLE as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Support plan recorded.")
            return redirect("panels:plan", case_id=case_id)
    return render(
        request,
        "panels/support/plan_form.html",
        {"form": form, "case": case.panel_case},
        status=400 if form.errors else 200,
    )


@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def intervention_new(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Assign an intervention under the plan in force to a delivering agency."""
    case = _running(request, case_id, "assign an intervention")
    plan = plan_current(case.panel_case)
    if plan is None:
        # Nothing to assign under yet: back to the plan page, which offers to record one.
        messages.error(request, "Record the support plan before assigning interventions.")
        return redirect("panels:plan", case_id=case_id)
    agencies = delivery_agencies(case.panel_case)
    form = InterventionForm(
        request.POST or None,
        agencies=agencies,
        practitioners=practitioners_of([agency.pk for agency in agencies]),
    )
    if request.method == "POST" and form.is_valid():
        try:
            intervention_assign(
                actor=request.user,
                membership=request.membership,
                panel_case=case.panel_case,
                plan=plan,
                data=form.intervention_input(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except RECOVERABLE as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Intervention assigned and shared with its provider.")
            return redirect("panels:plan", case_id=case_id)
    return render(
        request,
        "panels/support/intervention_form.html",
        {"form": form, "case": case.panel_case},
        status=400 if form.errors else 200,
    )
