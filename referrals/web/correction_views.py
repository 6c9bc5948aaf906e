"""Correcting the referral's record: one page per field, for the owning force's officers."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from prevent_cases.exceptions import AccessDenied, ConflictError, NotFound
from prevent_cases.web.form_errors import add_service_errors
from prevent_cases.web.http_errors import domain_errors_as_http
from referrals.models import Correction
from referrals.rules.corrections import CORRECTABLE, shown_value
from referrals.rules.permissions import may_correct
from referrals.selectors import referral_get_for_user
from referrals.services.corrections import referral_correct
from referrals.services.reads import referral_view_recorded
from referrals.web.correction_forms import CorrectionForm


@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def correction_new(request: HttpRequest, referral_id: uuid.UUID, field: str) -> HttpResponse:
    """Correct one field: who may not see the referral finds no page here; who may see it
    but not correct it is refused."""
    membership = request.membership
    shown = referral_get_for_user(membership=membership, referral_id=referral_id)
    referral = shown.referral
    if not may_correct(membership, referral):
        raise AccessDenied("Only the owning force's Prevent officers correct a referral's record.")
    spec = CORRECTABLE.get(field)
    if spec is None:
        raise NotFound("No such part of the record.")
    # The page shows the one field's recorded value: its category is what it discloses.
    referral_view_recorded(
        actor=request.user,
        membership=membership,
        shown=shown,
        via="page",
        displayed=frozenset({spec.category}),
    )
    row = referral.subject if spec.record == Correction.Record.SUBJECT else referral
    current = getattr(row, spec.name)
    form = CorrectionForm(request.POST or None, spec=spec, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            referral_correct(
                actor=request.user,
                membership=membership,
                referral=referral,
                field=spec.name,
                value=form.new_value(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, f"{spec.label} corrected. The earlier value stays in the record's history."
            )
            detail = reverse("referrals:detail", kwargs={"referral_id": referral.pk})
            return redirect(f"{detail}#section-{spec.category}")
    return render(
        request,
        "referrals/correction_form.html",
        {
            "form": form,
            "referral": referral,
            "spec": spec,
            "recorded": shown_value(spec.model_field, current) or "Not recorded",
        },
        status=400 if form.errors else 200,
    )
