"""Ids of Northby's panel work for the schema-driven API tests, and who may use each
operation on them."""

import datetime

from django.utils import timezone

from panels.models import AgendaItem, ProgressEntry
from panels.services.meetings import agenda_build, panel_action_set
from tests.panels.delivery_steps import answer, assigned, record, session
from tests.panels.factories import open_case
from tests.panels.marked_case import MarkedCase
from tests.panels.meeting_factories import attend, scheduled_meeting
from tests.panels.request_factories import send_request

PANEL_API = "/api/panels/"


def northby_ids(marked: MarkedCase) -> dict[str, object]:
    """The marked case's ids: a case that has exited Channel."""
    # A review not yet recorded, so that recording it is refused for what is sent alone.
    open_review = marked.panel_case.post_exit_reviews.filter(done_at__isnull=True).first()
    return {
        "panel_case_id": marked.panel_case.pk,
        "case_id": marked.panel_case.pk,
        "meeting_id": marked.meeting.pk,
        "item_id": marked.item.pk,
        "request_id": marked.request.pk,
        "action_id": marked.action.pk,
        "review_id": open_review.pk,
        "referral_id": marked.panel_case.referral_id,
        "intervention_id": marked.mentoring_work.pk,
        "entry_id": ProgressEntry.objects.filter(intervention=marked.mentoring_work)
        .order_by("created_at")
        .values_list("pk", flat=True)
        .first(),
    }


def live_ids(user, agency, marked: MarkedCase) -> dict[str, object]:
    """Ids of work still open, where a request the schema allows would be carried out: a
    new case at identification on the agenda of a meeting the police attend, with an
    open request and an open action to the NHS trust; and a case in review whose mentoring
    provider is delivering its intervention and has raised a concern."""
    officer, chair = user("northby.officer"), user("northby.chair")
    trust = agency("Northby NHS Trust")
    (work,) = assigned(officer, chair, agency("Northby Mentoring Partnership"))
    answer(user("northby.provider"), work)
    entry = record(
        user("northby.provider"), work, session(concern=True, notes="He spoke of a new group.")
    )
    case = open_case(officer, chair, family_name="Liveperson")
    request = send_request(case, chair, trust)
    meeting = scheduled_meeting(chair)
    (item,) = agenda_build(actor=chair, membership=chair.membership, meeting=meeting)
    attend(chair, meeting, agency("Northby Police Prevent Team"), trust)
    item = AgendaItem.objects.select_related("meeting__panel", "panel_case__panel").get(pk=item.pk)
    action = panel_action_set(
        actor=chair,
        membership=chair.membership,
        item=item,
        owner_agency=trust,
        description="Synthetic action: send the panel the latest care plan.",
        due_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    return {
        **northby_ids(marked),
        "panel_case_id": case.pk,
        "case_id": case.pk,
        "meeting_id": meeting.pk,
        "item_id": item.pk,
        "request_id": request.pk,
        "action_id": action.pk,
        "referral_id": case.referral_id,
        "intervention_id": work.pk,
        "entry_id": entry.pk,
    }


def rightful(template: str) -> str:
    """Who may use a panel operation: the NHS trust answers its requests and actions, the
    mentoring provider delivers its intervention, a coordinator runs the meetings, the chair
    the rest (and ends a provider's access)."""
    if template.startswith((f"{PANEL_API}requests/", f"{PANEL_API}actions/")):
        return "northby.health"
    if template.startswith(f"{PANEL_API}interventions/") and not template.endswith("/access-end/"):
        return "northby.provider"
    if template.startswith(f"{PANEL_API}meetings/"):
        return "northby.coordinator"
    return "northby.chair"
