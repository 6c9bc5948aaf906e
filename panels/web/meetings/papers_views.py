"""Meeting papers for one recipient agency: a printable page and the same as PDF."""

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format

from panels.rules.quorum import runs_meeting
from panels.selectors.meetings import meeting_get_for_user, panel_agencies
from panels.services.papers import meeting_papers_produce
from panels.web.meetings.papers_pdf import papers_pdf
from panels.web.meetings.presenters import decision_rows, open_actions, paper_case
from prevent_cases.exceptions import NotFound
from prevent_cases.web.http_errors import domain_errors_as_http

PDF = "pdf"
HTML = "html"


@domain_errors_as_http
def meeting_papers(request: HttpRequest, meeting_id: uuid.UUID) -> HttpResponse:
    """The papers for one agency: the chair chooses which (?agency=); a member gets its
    own agency's. ?format=pdf for the PDF."""
    membership = request.membership
    meeting = meeting_get_for_user(membership=membership, meeting_id=meeting_id)
    runs = runs_meeting(membership, meeting)
    agencies = panel_agencies(meeting) if runs else []
    if runs:
        chosen = {str(a.pk): a for a in agencies}.get(request.GET.get("agency", ""))
        if chosen is None and request.GET.get("agency"):
            raise NotFound("That agency does not sit on this panel.")
    else:
        chosen = membership.agency
    file_format = PDF if request.GET.get("format") == PDF else HTML
    if chosen is None:
        return render(
            request,
            "panels/meetings/papers.html",
            {"meeting": meeting, "agencies": agencies, "chosen": None, "runs": runs},
        )
    agenda = meeting_papers_produce(
        actor=request.user,
        membership=membership,
        meeting=meeting,
        agency=chosen,
        file_format=file_format,
    )
    cases = [paper_case(case) for case in agenda.cases]
    title = (
        f"Channel panel papers, {date_format(timezone.localtime(meeting.starts_at), 'j F Y H:i')}"
    )
    if file_format == PDF:
        response = HttpResponse(
            papers_pdf(title=title, recipient=str(chosen), cases=cases),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'attachment; filename="papers-{meeting.pk}.pdf"'
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "panels/meetings/papers.html",
        {
            "meeting": meeting,
            "agencies": agencies,
            "chosen": chosen,
            "runs": runs,
            "papers_open": agenda.papers_open,
            "title": title,
            "cases": [
                {
                    "paper": paper,
                    "decided": decision_rows(paper.case),
                    "actions": open_actions(paper.case),
                }
                for paper in cases
            ],
        },
    )
