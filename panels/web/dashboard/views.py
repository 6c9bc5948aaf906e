"""The chair's dashboard: a thin adapter over the dashboard read."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from panels.models.vocabulary import Stage
from panels.services.dashboard_reads import panel_dashboard_read
from panels.web.refusal import refused
from prevent_cases.exceptions import AccessDenied
from prevent_cases.web.links import IdPath


def _around_id(viewname: str, kwarg: str) -> tuple[str, str]:
    """What stands before and after a row's case id in its link, for the template."""
    path = IdPath(viewname, kwarg)
    return path.before, path.after


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
            "case_path": _around_id("panels:case", "panel_case_id"),
            "interventions_path": _around_id("panels:case-interventions", "case_id"),
        },
    )
