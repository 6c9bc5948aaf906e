"""The panel case page: one case as the viewer may see it, item by item.

Any agency that may see the referral at all may open it, and is shown the case's framing
(reference, stage, panel, the moves between stages) and of everything else only what it
originated or a live grant gives it.
"""

import uuid
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit.vocabulary import Category
from panels.models import InformationRequest, StageMove
from panels.models.vocabulary import RequestStatus
from panels.rules.permissions import runs_case
from panels.selectors import (
    case_contributions,
    case_request_shows_purpose,
    case_requests,
    case_stage_moves,
)
from panels.services.reads import panel_case_read
from panels.services.requests import may_answer
from prevent_cases.web.http_errors import domain_errors_as_http
from referrals.web.presenters import person_name


@dataclass(frozen=True)
class MoveRow:
    move: StageMove
    # The panel's reasons are its decisions' record: shown only with that category.
    rationale_shown: bool


@dataclass(frozen=True)
class RequestRow:
    request: InformationRequest
    purpose_shown: bool
    # Addressed to the viewer's agency, still open, and the viewer may answer it.
    answerable: bool


@domain_errors_as_http
def case_detail(request: HttpRequest, panel_case_id: uuid.UUID) -> HttpResponse:
    """One panel case, showing each item only to those entitled to it."""
    membership = request.membership
    case = panel_case_read(
        actor=request.user, membership=membership, panel_case_id=panel_case_id, via="page"
    )
    panel_case, shown = case.panel_case, case.shown
    referral = shown.referral
    return render(
        request,
        "panels/case_detail.html",
        {
            "case": case,
            "panel_case": panel_case,
            "referral": referral,
            "subject": referral.subject if shown.shows(Category.IDENTITY) else None,
            "person_name": person_name(shown),
            "referral_categories": [label for code, label in Category.choices if shown.shows(code)],
            "sees_panel": case.sees_panel(),
            "moves": [
                MoveRow(move, case.sees(Category.PANEL, move.source_agency_id))
                for move in case_stage_moves(case)
            ],
            "contributions": case_contributions(case),
            "requests": [
                RequestRow(
                    row,
                    case_request_shows_purpose(case, row),
                    row.status == RequestStatus.OPEN and may_answer(membership, row),
                )
                for row in case_requests(case)
            ],
            "runs_case": runs_case(membership, panel_case),
            "today": timezone.localdate(),
        },
    )
