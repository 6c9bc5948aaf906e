"""The delivering agency's forms: answering the assignment, recording a session or contact,
correcting an entry and changing the status. Each goes through panels.services.delivery at
the version the user opened; when someone else changed the intervention meanwhile, the form
comes back with what the user typed, what changed, and the version they have now seen."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from panels.models import Intervention
from panels.models.vocabulary import DeliveryEvent, InterventionStatus
from panels.selectors.delivery import (
    ChangesSince,
    VisibleIntervention,
    changes_since,
    entry_get,
    intervention_get_for_user,
)
from panels.services.delivery import (
    InterventionChanged,
    authorise_delivering,
    intervention_move,
    progress_record,
)
from panels.web.delivery.forms import (
    AnswerForm,
    ProgressForm,
    StatusForm,
    VersionedForm,
    initial_from,
)
from panels.web.delivery.presenters import correction_of
from panels.web.delivery.views import status_events
from prevent_cases.exceptions import ConflictError, TransitionNotAllowed
from prevent_cases.web.form_errors import add_service_errors
from prevent_cases.web.http_errors import domain_errors_as_http

FORM_METHODS = ["GET", "POST"]


def _delivering(request: HttpRequest, intervention_id: uuid.UUID, what: str):
    """The intervention, if the viewer may see it (else 404) and acts for the agency
    delivering it (else 403)."""
    visible = intervention_get_for_user(
        membership=request.membership, intervention_id=intervention_id
    )
    authorise_delivering(request.membership, visible.intervention, what)
    return visible


@dataclass
class Attempt:
    """What came of sending a form: saved, or the errors to show with the intervention as
    it is now and, if it changed since the user opened it, what changed."""

    visible: VisibleIntervention
    saved: bool = False
    changes: ChangesSince | None = None
    status: int = 400


def _attempt(
    request: HttpRequest,
    form: VersionedForm,
    visible: VisibleIntervention,
    write: Callable[[Intervention], object],
) -> Attempt:
    attempt = Attempt(visible=visible)
    if not form.is_valid():
        return attempt
    opened = form.cleaned_data["version"]
    try:
        write(visible.intervention)
    except ValidationError as error:
        add_service_errors(form, error)
        return attempt
    except (ConflictError, TransitionNotAllowed) as error:
        form.add_error(None, error.message)
        if isinstance(error, InterventionChanged):
            attempt.status = 409
    else:
        attempt.saved = True
        return attempt
    # The unit rolled back; show the intervention as it is now. If it moved on since the
    # user opened the form, say what changed, and let them send theirs again against it.
    attempt.visible = intervention_get_for_user(
        membership=request.membership, intervention_id=visible.intervention.pk
    )
    current = attempt.visible.intervention.version
    if current != opened:
        attempt.changes = changes_since(attempt.visible.intervention, opened)
        attempt.status = 409
        form.at_version(current)
    return attempt


def _move(request: HttpRequest, form: VersionedForm) -> Callable[[Intervention], object]:
    """The status move the form asks for (an answer is a move too), once it is valid."""
    return lambda intervention: intervention_move(
        actor=request.user,
        membership=request.membership,
        intervention=intervention,
        event=form.cleaned_data["event"],
        reason=form.cleaned_data["reason"],
        version=form.cleaned_data["version"],
    )


def _form_page(
    request: HttpRequest, template: str, form, attempt: Attempt | None, visible, **context
) -> HttpResponse:
    if attempt is not None:
        visible = attempt.visible
    return render(
        request,
        template,
        {
            "form": form,
            "intervention": visible.intervention,
            "changes": attempt.changes if attempt else None,
            **context,
        },
        status=attempt.status if attempt and form.errors else 200,
    )


@domain_errors_as_http
@require_http_methods(FORM_METHODS)
def intervention_answer(request: HttpRequest, intervention_id: uuid.UUID) -> HttpResponse:
    """Accept the assignment, or decline it with the reason the panel is given."""
    visible = _delivering(request, intervention_id, "answer its assignment")
    form = AnswerForm(request.POST or None, initial={"version": visible.intervention.version})
    attempt = None
    if request.method == "POST":
        attempt = _attempt(
            request,
            form,
            visible,
            _move(request, form),
        )
        if attempt.saved:
            accepted = form.cleaned_data["event"] == DeliveryEvent.ACCEPT
            messages.success(
                request,
                "Assignment accepted: your progress on it is shared with the panel."
                if accepted
                else "Assignment declined: the panel has your reason.",
            )
            return redirect("panels:intervention", intervention_id=intervention_id)
    return _form_page(
        request,
        "panels/delivery/answer.html",
        form,
        attempt,
        visible,
        planned=InterventionStatus.PLANNED,
    )


def _progress(
    request: HttpRequest, intervention_id: uuid.UUID, entry_id: uuid.UUID | None
) -> HttpResponse:
    visible = _delivering(request, intervention_id, "record progress on it")
    entry = entry_get(visible, entry_id) if entry_id else None
    initial = initial_from(entry) if entry else {}
    initial["version"] = visible.intervention.version
    form = ProgressForm(
        request.POST or None, initial=initial, goals=list(visible.intervention.goals.all())
    )
    attempt = None
    if request.method == "POST":
        attempt = _attempt(
            request,
            form,
            visible,
            lambda intervention: progress_record(
                actor=request.user,
                membership=request.membership,
                intervention=intervention,
                data=form.progress_input(),
                version=form.cleaned_data["version"],
                corrects=entry,
            ),
        )
        if attempt.saved:
            said = (
                "Correction recorded: both entries stay on the record."
                if entry
                else ("Session recorded.")
            )
            if form.cleaned_data["concern"]:
                said += " The panel's chair and coordinators have been alerted to the concern."
            messages.success(request, said)
            return redirect("panels:intervention", intervention_id=intervention_id)
    return _form_page(
        request,
        "panels/delivery/progress_form.html",
        form,
        attempt,
        visible,
        entry=entry,
        corrected_by=correction_of(entry) if entry else None,
    )


@domain_errors_as_http
@require_http_methods(FORM_METHODS)
def progress_new(request: HttpRequest, intervention_id: uuid.UUID) -> HttpResponse:
    """Record a session or contact, progress against each goal, and any concern."""
    return _progress(request, intervention_id, None)


@domain_errors_as_http
@require_http_methods(FORM_METHODS)
def progress_correct(
    request: HttpRequest, intervention_id: uuid.UUID, entry_id: uuid.UUID
) -> HttpResponse:
    """Put an entry right with a new one that names it: both stay on the record."""
    return _progress(request, intervention_id, entry_id)


@domain_errors_as_http
@require_http_methods(FORM_METHODS)
def intervention_status(request: HttpRequest, intervention_id: uuid.UUID) -> HttpResponse:
    """Pause, resume, complete or withdraw the intervention, with the reason."""
    visible = _delivering(request, intervention_id, "change its status")
    form = StatusForm(
        request.POST or None,
        initial={"version": visible.intervention.version},
        events=status_events(visible.intervention.status),
    )
    attempt = None
    if request.method == "POST":
        attempt = _attempt(
            request,
            form,
            visible,
            _move(request, form),
        )
        if attempt.saved:
            intervention = attempt.visible.intervention
            messages.success(
                request, f"The intervention is now {intervention.get_status_display().lower()}."
            )
            return redirect("panels:intervention", intervention_id=intervention_id)
    if attempt is not None and not attempt.saved:
        # The choices follow the intervention as it is now.
        form.offer(status_events(attempt.visible.intervention.status))
    return _form_page(request, "panels/delivery/status_form.html", form, attempt, visible)
