"""The panel's review of a case's interventions: per intervention, what has been delivered
and how it is going, its open concerns and how long since the person was seen, each as
far as the viewer may see it; for the chair and coordinators, recording that the panel
has considered a concern and ending a finished intervention's access.

Thin adapters over panels.selectors.delivery and panels.services.delivery.
"""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from panels.models.vocabulary import GoalRating
from panels.rules.permissions import runs_case
from panels.selectors.cases import VisiblePanelCase, panel_case_get_for_user
from panels.selectors.delivery import (
    InterventionSummary,
    entry_get,
    intervention_get_for_user,
    intervention_summaries,
)
from panels.services.delivery import (
    access_to_end,
    concern_review_record,
    intervention_access_end,
)
from panels.services.reads import panel_case_read
from panels.web.support.forms import ConcernReviewForm
from prevent_cases.exceptions import (
    AccessDenied,
    ConflictError,
    NotFound,
    TransitionNotAllowed,
)
from prevent_cases.web.form_errors import add_service_errors
from prevent_cases.web.http_errors import domain_errors_as_http

RATING_LABELS = dict(GoalRating.choices)


@dataclass(frozen=True)
class ConcernRow:
    entry: object
    # The chair's or a coordinator's form to record that the panel considered it.
    form: ConcernReviewForm | None


@dataclass(frozen=True)
class InterventionRow:
    """One intervention as the page shows it."""

    summary: InterventionSummary
    # (goal description, rating label or "") in the goal's order; ratings only where the
    # viewer sees the delivering agency's record.
    goals: list[tuple[str, str]]
    concerns: list[ConcernRow]
    # Days without an attended contact (since the start if there has been none).
    days_without_contact: int
    # The panel may end the delivering agency's access to this finished intervention.
    may_end_access: bool

    @property
    def intervention(self):
        return self.summary.intervention


def _prefix(entry_id) -> str:
    return f"concern-{entry_id}"


def _concern_form(entry, bound: ConcernReviewForm | None, bound_entry) -> ConcernReviewForm:
    """The form that failed, to show again as typed, or an empty one."""
    if bound is not None and entry.pk == bound_entry:
        return bound
    return ConcernReviewForm(prefix=_prefix(entry.pk))


def _rows(
    case: VisiblePanelCase, *, bound: ConcernReviewForm | None = None, bound_entry=None
) -> list[InterventionRow]:
    runs = runs_case(case.membership, case.panel_case)
    today = timezone.localdate()
    rows = []
    for summary in intervention_summaries(
        case=case, no_contact_days=settings.INTERVENTION_NO_CONTACT_DAYS, today=today
    ):
        intervention = summary.intervention
        if summary.sees_progress:
            goals = [(goal.description, RATING_LABELS.get(r, "")) for goal, r in summary.goals]
        else:
            goals = [(goal.description, "") for goal in intervention.goals.all()]
        concerns = [
            ConcernRow(entry=entry, form=_concern_form(entry, bound, bound_entry) if runs else None)
            for entry in summary.open_concerns
        ]
        rows.append(
            InterventionRow(
                summary=summary,
                goals=goals,
                concerns=concerns,
                days_without_contact=summary.days_since_contact
                if summary.days_since_contact is not None
                else (today - intervention.start_on).days,
                may_end_access=runs and bool(access_to_end(intervention)),
            )
        )
    return rows


def _page(request: HttpRequest, case: VisiblePanelCase, *, bound=None, bound_entry=None):
    return render(
        request,
        "panels/support/interventions.html",
        {
            "case": case.panel_case,
            "rows": _rows(case, bound=bound, bound_entry=bound_entry),
            "runs": runs_case(case.membership, case.panel_case),
            "no_contact_days": settings.INTERVENTION_NO_CONTACT_DAYS,
            "form": bound,
        },
        status=400 if bound is not None else 200,
    )


@domain_errors_as_http
def interventions_page(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The case's interventions as the panel reviews them, each shown as far as the viewer
    may see it."""
    case = panel_case_read(
        actor=request.user, membership=request.membership, panel_case_id=case_id, via="page"
    )
    return _page(request, case)


def _running(request: HttpRequest, case_id: uuid.UUID, what: str) -> VisiblePanelCase:
    case = panel_case_get_for_user(membership=request.membership, panel_case_id=case_id)
    if not runs_case(request.membership, case.panel_case):
        raise AccessDenied(f"Only the chair or a coordinator of the case's panel may {what}.")
    return case


def _intervention(request: HttpRequest, case: VisiblePanelCase, intervention_id: uuid.UUID):
    shown = intervention_get_for_user(
        membership=request.membership, intervention_id=intervention_id
    )
    if shown.intervention.panel_case_id != case.panel_case.pk:
        raise NotFound("No intervention with that id on this case.")
    return shown


@domain_errors_as_http
@require_POST
def concern_review(
    request: HttpRequest, case_id: uuid.UUID, intervention_id: uuid.UUID, entry_id: uuid.UUID
) -> HttpResponse:
    """Record that the panel has considered one open concern, and what it will do."""
    case = _running(request, case_id, "record that the panel considered a concern")
    entry = entry_get(_intervention(request, case, intervention_id), entry_id)
    form = ConcernReviewForm(request.POST, prefix=_prefix(entry.pk))
    if form.is_valid():
        try:
            concern_review_record(
                actor=request.user,
                membership=request.membership,
                entry=entry,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except ConflictError as error:
            # Someone else recorded it first: the page no longer lists it as open.
            messages.error(request, error.message)
            return redirect("panels:case-interventions", case_id=case_id)
        else:
            messages.success(request, "Recorded that the panel has considered the concern.")
            return redirect("panels:case-interventions", case_id=case_id)
    return _page(request, case, bound=form, bound_entry=entry.pk)


@domain_errors_as_http
@require_POST
def access_end(
    request: HttpRequest, case_id: uuid.UUID, intervention_id: uuid.UUID
) -> HttpResponse:
    """End the delivering agency's access to a declined, completed or withdrawn
    intervention."""
    case = _running(request, case_id, "end an agency's access")
    intervention = _intervention(request, case, intervention_id).intervention
    try:
        intervention_access_end(
            actor=request.user, membership=request.membership, intervention=intervention
        )
    except (ConflictError, TransitionNotAllowed) as error:
        # Already ended, or the intervention is open again: the page shows how it stands.
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"{intervention.delivering_agency}'s access to the intervention has ended."
        )
    return redirect("panels:case-interventions", case_id=case_id)
