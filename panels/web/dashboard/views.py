"""The chair's dashboard: a thin adapter over the dashboard read."""

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from panels.models.vocabulary import Stage
from panels.services.dashboard_reads import panel_dashboard_read
from panels.web.refusal import refused
from prevent_cases.exceptions import AccessDenied

# Any case's id, to reverse a case's page once a request: every row's link is the same path
# around its own case's id, so the page does not reverse a URL for each of a few hundred rows.
_ANY_CASE = uuid.UUID(int=0)


def _around_case(viewname: str, kwarg: str) -> tuple[str, str]:
    """The path of a case's page, before and after the case's id."""
    before, _, after = reverse(viewname, kwargs={kwarg: _ANY_CASE}).partition(str(_ANY_CASE))
    return before, after


def dashboard(request: HttpRequest) -> HttpResponse:
    """The panel's cases by stage and what is due or overdue on them, for its chair and
    coordinators; anyone else is told why the page is not for them."""
    try:
        read = panel_dashboard_read(
            actor=request.user, membership=request.membership, cursor=request.GET.get("cursor")
        )
    except AccessDenied as error:
        return refused(
            request,
            title="You do not have permission to see the panel dashboard",
            reason=error.message,
        )
    board = read.dashboard
    return render(
        request,
        "panels/dashboard.html",
        {
            "read": read,
            "board": board,
            "stages": [
                {"code": code, "label": Stage(code).label, "cases": cases}
                for code, cases in board.stage_counts.items()
            ],
            "open_total": sum(board.stage_counts.values()),
            "page": board.open_cases,
            "case_path": _around_case("panels:case", "panel_case_id"),
            "interventions_path": _around_case("panels:case-interventions", "case_id"),
        },
    )
