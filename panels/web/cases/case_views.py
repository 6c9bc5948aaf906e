"""The panel case page: one case as the viewer may see it, item by item.

Any agency that may see the referral at all may open it, and is shown the case's framing
(reference, stage, panel, the moves between stages) and of everything else only what it
originated or a live grant gives it.
"""

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.vocabulary import Category
from panels.models import InformationRequest, StageMove
from panels.models.vocabulary import RequestStatus
from panels.rules.permissions import runs_case
from panels.selectors.cases import (
    case_contributions,
    case_request_shows_purpose,
    case_requests,
    case_stage_moves,
    panel_case_get_for_user,
)
from panels.selectors.meetings import agencies_to_add, case_agenda_items
from panels.services.meetings import panel_member_add
from panels.services.reads import panel_case_read
from panels.services.requests import may_answer
from panels.web.cases.case_forms import CaseMemberForm
from prevent_cases.exceptions import AccessDenied
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
    runs = runs_case(membership, panel_case)
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
            "sections": case_sections(case),
            "agenda_items": case_agenda_items(panel_case) if runs else [],
            "member_form": CaseMemberForm(agencies=agencies_to_add(panel_case))
            if runs and panel_case.is_open
            else None,
        },
    )


@dataclass(frozen=True)
class SectionLink:
    url_name: str
    text: str
    description: str


def case_sections(case) -> list[SectionLink]:
    """The parts of the case recorded on their own pages, for those they concern: the
    assessment for every agency (each sees its own entries and what was shared), consent
    and the plan for the panel and those given the support plan, reviews after exit, and
    a transfer for the panel while the case is open."""
    panel_case = case.panel_case
    runs = runs_case(case.membership, panel_case)
    links = [
        SectionLink(
            "panels:assessment",
            "Needs assessment",
            "Ratings and evidence for each factor, and what changed since the last one.",
        )
    ]
    if runs or case.sees_panel(Category.SUPPORT):
        links.append(
            SectionLink("panels:consent", "Consent", "Consent given, refused or withdrawn.")
        )
        links.append(
            SectionLink(
                "panels:plan", "Support plan", "How consent is sought, the support, who gives it."
            )
        )
    if panel_case.has_post_exit_reviews and (runs or case.sees_panel()):
        links.append(
            SectionLink("panels:reviews", "Post-exit reviews", "Reviews 6 and 12 months on.")
        )
    if runs and panel_case.is_open:
        links.append(
            SectionLink("panels:transfer", "Transfer", "Hand the case to another area's panel.")
        )
    return links


@domain_errors_as_http
@require_POST
def case_member_add(request: HttpRequest, panel_case_id: uuid.UUID) -> HttpResponse:
    """Add an agency to the panel for this case alone (CTSA s.37(4))."""
    membership = request.membership
    case = panel_case_get_for_user(membership=membership, panel_case_id=panel_case_id)
    if not runs_case(membership, case.panel_case):
        raise AccessDenied("Only the chair or a coordinator of the case's panel may add members.")
    form = CaseMemberForm(request.POST, agencies=agencies_to_add(case.panel_case))
    if form.is_valid():
        try:
            panel_member_add(
                actor=request.user,
                membership=membership,
                panel_case=case.panel_case,
                agency=form.cleaned_data["agency"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"{form.cleaned_data['agency']} now sits on the panel for this case."
            )
    else:
        messages.error(request, "Choose the agency to add to the panel for this case.")
    return redirect("panels:case", panel_case_id=panel_case_id)
