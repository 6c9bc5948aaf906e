"""The transfer page: hand a case to another area's panel. A thin adapter over
panels.services.transfer."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from panels.rules.permissions import runs_case
from panels.selectors.cases import panel_case_get_for_user
from panels.selectors.support import transfer_areas
from panels.services.transfer import panel_case_transfer
from panels.web.support.forms import TransferForm
from prevent_cases.exceptions import AccessDenied, ConflictError, TransitionNotAllowed
from prevent_cases.web.form_errors import add_service_errors
from prevent_cases.web.http_errors import domain_errors_as_http


@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    membership = request.membership
    case = panel_case_get_for_user(membership=membership, panel_case_id=case_id)
    if not runs_case(membership, case.panel_case):
        raise AccessDenied("Only the chair or a coordinator of the responsible panel transfers.")
    form = TransferForm(
        request.POST or None,
        initial={"version": case.panel_case.version},
        areas=transfer_areas(case.panel_case),
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = panel_case_transfer(
                actor=request.user,
                membership=membership,
                panel_case=case.panel_case,
                to_area=form.areas.get(form.cleaned_data["to_area"]),
                note=form.cleaned_data["note"],
                data=form.decision_input(),
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except (ConflictError, TransitionNotAllowed) as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Case transferred to {result.responsibility.agency}. "
                "It is in that panel's Channel inbox.",
            )
            return redirect("panels:plan", case_id=case_id)
    return render(
        request,
        "panels/support/transfer_form.html",
        {"form": form, "case": case.panel_case},
        status=400 if form.errors else 200,
    )
