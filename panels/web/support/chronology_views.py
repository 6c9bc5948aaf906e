"""The case's chronology: what happened to the referral, what the panel did and how each
intervention went, in one list, each entry as far as the viewer may see it, filtered by
agency and by kind. A thin adapter over panels.selectors.chronology."""

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from panels.selectors.chronology import case_chronology
from panels.services.reads import panel_case_read
from panels.web.support.forms import ChronologyFilterForm
from prevent_cases.web.http_errors import domain_errors_as_http


@domain_errors_as_http
def chronology_page(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The chronology of one case; anyone who may see the case may open it."""
    case = panel_case_read(
        actor=request.user, membership=request.membership, panel_case_id=case_id, via="page"
    )
    chronology = case_chronology(case=case)
    form = ChronologyFilterForm(request.GET or None, agencies=chronology.agencies)
    return render(
        request,
        "panels/support/chronology.html",
        {
            "case": case.panel_case,
            "form": form,
            "entries": chronology.filtered(**form.filters()),
            "filtered": form.is_bound,
        },
        status=400 if form.errors else 200,
    )
