"""The delivering agency's pages: its interventions (awaiting its answer, being delivered,
finished) and one intervention with its record. Thin adapters over
panels.selectors.delivery; the forms that change an intervention are in action_views."""

import uuid
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit.keyset import keyset_page
from panels.models.vocabulary import InterventionStatus
from panels.rules.delivery import ANSWERS, CORRECTING_STATUSES, RECORDING_STATUSES, events_from
from panels.selectors.delivery import (
    DELIVERING_ORDER,
    FINISHED_ORDER,
    VisibleIntervention,
    awaiting_answer,
    delivers,
    delivery_rows,
    in_delivery,
    intervention_get_for_user,
    interventions_delivered_by,
    progress_entries,
    status_changes,
)
from panels.services.reads import delivery_rows_read, panel_case_view_recorded
from panels.web.delivery.presenters import entry_threads, listed_interventions
from panels.web.refusal import refused
from prevent_cases.web.http_errors import domain_errors_as_http

PAGE_SIZE = 50
# Who an intervention supports, or that the agency was not told (one template for both pages).
PERSON = "panels/delivery/person.html"
FINISHED = "finished"
NOT_FOR_ROLE = (
    "This page lists the interventions a Channel panel assigned to your agency to deliver. "
    "It is for practitioners and panel members of a delivering agency."
)


@require_GET
def my_interventions(request: HttpRequest) -> HttpResponse:
    """The agency's assignments awaiting its answer and the interventions it is delivering,
    the next session due (or overdue) first; or those it has finished."""
    membership = request.membership
    if not delivers(membership):
        return refused(request, title="My interventions", reason=NOT_FOR_ROLE)
    mine = request.GET.get("mine") == "1"
    finished = request.GET.get("show") == FINISHED
    delivered = interventions_delivered_by(membership=membership)
    if finished:
        awaiting = []
        listed = in_delivery(membership=membership, mine=mine, finished=True, delivered=delivered)
        order = FINISHED_ORDER
    else:
        # The oldest assignments first; a longer queue shows once these are answered.
        awaiting = list(
            awaiting_answer(membership=membership, mine=mine, delivered=delivered)[: PAGE_SIZE + 1]
        )
        listed = in_delivery(membership=membership, mine=mine, delivered=delivered)
        order = DELIVERING_ORDER
    # Paged by keyset, "the rows after this one": nothing counts the agency's interventions.
    page = keyset_page(listed, ordering=order, cursor=request.GET.get("cursor"), size=PAGE_SIZE)
    shown_awaiting = awaiting[:PAGE_SIZE]
    rows = delivery_rows_read(
        actor=request.user,
        membership=membership,
        rows=delivery_rows(
            membership=membership,
            interventions=[*shown_awaiting, *page.rows],
            today=timezone.localdate(),
        ),
        via="page",
    )
    table = listed_interventions(rows)
    filters = {"mine": "1"} if mine else {}
    if finished:
        filters["show"] = FINISHED
    return render(
        request,
        "panels/delivery/list.html",
        {
            "mine": mine,
            "finished": finished,
            "awaiting": table[: len(shown_awaiting)],
            "more_awaiting": len(awaiting) > PAGE_SIZE,
            "rows": table[len(shown_awaiting) :],
            "not_shared": render_to_string(PERSON, {"subject": None}),
            "page": page,
            "query": urlencode(filters),
            "show_query": urlencode({"show": FINISHED} if finished else {}),
            "mine_query": urlencode({"mine": "1"} if mine else {}),
        },
    )


def may_deliver(request: HttpRequest, visible: VisibleIntervention) -> bool:
    """Whether the viewer is a practitioner of the agency delivering the intervention."""
    return delivers(request.membership) and visible.delivered_by_viewer


def status_events(status: str) -> list[str]:
    """The status changes the delivering agency may make now (the answer has its own form)."""
    return [event for event in events_from(status) if event not in ANSWERS]


@domain_errors_as_http
@require_GET
def intervention_page(request: HttpRequest, intervention_id: uuid.UUID) -> HttpResponse:
    """One intervention: what was assigned, its status history and the delivering
    agency's progress entries, with its actions for that agency's practitioners."""
    membership = request.membership
    visible = intervention_get_for_user(membership=membership, intervention_id=intervention_id)
    # The read is recorded like any view of the case, with what the viewer may be shown.
    panel_case_view_recorded(
        actor=request.user, membership=membership, case=visible.case, via="page"
    )
    intervention = visible.intervention
    (row,) = delivery_rows(
        membership=membership,
        interventions=[intervention],
        today=timezone.localdate(),
        held={intervention.referral_id: visible.case.shown.grants},
    )
    acts = may_deliver(request, visible)
    status = intervention.status
    return render(
        request,
        "panels/delivery/intervention.html",
        {
            "intervention": intervention,
            "row": row,
            "sees_progress": visible.sees_progress(),
            "changes": status_changes(visible),
            "threads": entry_threads(progress_entries(visible)),
            "acts": acts,
            "may_answer": acts and status == InterventionStatus.PLANNED,
            "may_record": acts and status in RECORDING_STATUSES,
            "may_correct": acts and status in CORRECTING_STATUSES,
            "may_move": acts and bool(status_events(status)),
        },
    )
