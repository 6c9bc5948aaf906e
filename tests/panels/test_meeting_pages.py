"""The meeting pages: the chair's working screen, what a member sees of it, and the pages'
query counts, which do not grow with the agenda."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.event_types import EventType
from audit.models import AuditEvent
from audit.vocabulary import Category
from panels.models import AgendaItem, MeetingAttendance, PanelAction
from panels.models.vocabulary import Stage
from panels.selectors.meetings import item_for_update, papers_proposal
from panels.services.meetings import panel_action_set
from panels.services.papers import papers_confirm
from tests.panels.factories import open_case
from tests.panels.meeting_factories import attend, confirm_all, meeting_with_agenda

pytestmark = pytest.mark.django_db

POLICE = "Northby Police Prevent Team"
REASONS = "Susceptibility is clear from the referral and partners' information."


@pytest.fixture
def chair(user):
    return user("northby.chair")


def _page(client, meeting):
    return client.get(reverse("panels:meeting", args=[meeting.pk]))


def test_the_chair_sees_why_the_panel_cannot_decide_before_anyone_types(
    officer, chair, sign_in, agency
):
    open_case(officer, chair, given_names="Robin", family_name="Example")
    meeting = meeting_with_agenda(chair)
    client = sign_in("northby.chair")

    response = _page(client, meeting)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Robin Example" in body
    assert "no representative of the police force for the area where the person lives" in body

    attend(chair, meeting, agency(POLICE))
    assert "no representative of the police force" not in _page(client, meeting).content.decode()


def test_a_refused_decision_keeps_what_was_typed_and_lists_every_error(officer, chair, sign_in):
    case = open_case(officer, chair)
    meeting = meeting_with_agenda(chair)
    item = AgendaItem.objects.get(meeting=meeting, panel_case=case)
    prefix = f"item-{item.pk}"
    client = sign_in("northby.chair")

    response = client.post(
        reverse("panels:meeting-decision", args=[meeting.pk, item.pk]),
        {
            f"{prefix}-event": "adopt",
            f"{prefix}-method": "majority",
            f"{prefix}-rationale": "Too short",
            f"{prefix}-minutes": "Synthetic minutes typed at the meeting.",
            f"{prefix}-version": case.version,
        },
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Record the votes for." in body
    assert "Give the panel&#x27;s reasons" in body
    assert "police force for the area where the person lives" in body
    assert "Synthetic minutes typed at the meeting." in body
    case.refresh_from_db()
    assert case.stage == Stage.IDENTIFICATION


def test_the_chair_records_a_decision_from_the_page(officer, chair, sign_in, agency):
    case = open_case(officer, chair)
    meeting = meeting_with_agenda(chair, agency(POLICE))
    item = AgendaItem.objects.get(meeting=meeting, panel_case=case)
    prefix = f"item-{item.pk}"

    response = sign_in("northby.chair").post(
        reverse("panels:meeting-decision", args=[meeting.pk, item.pk]),
        {
            f"{prefix}-event": "adopt",
            f"{prefix}-method": "unanimous",
            f"{prefix}-rationale": REASONS,
            f"{prefix}-version": case.version,
        },
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.ASSESSMENT


def test_members_see_the_agenda_only_once_papers_are_confirmed(officer, chair, sign_in):
    open_case(officer, chair, given_names="Robin", family_name="Example")
    meeting = meeting_with_agenda(chair)
    client = sign_in("northby.health")

    before = _page(client, meeting)
    assert before.status_code == 200
    assert "Robin Example" not in before.content.decode()
    assert "has not confirmed the papers" in before.content.decode()

    confirm_all(chair, meeting)
    assert "Robin Example" in _page(client, meeting).content.decode()


def test_a_member_sees_only_what_was_shared_with_it(officer, chair, sign_in, user, agency):
    """Health is given identity and concern; the college is not given the police's
    concern (the chair unticked it): its summary of the case does not name it."""
    open_case(officer, chair, given_names="Robin", family_name="Example")
    meeting = meeting_with_agenda(chair)
    college = agency("Northby College")
    rows = papers_proposal(meeting=meeting)
    kept = [
        row.key for row in rows if not (row.agency == college and row.category == Category.CONCERN)
    ]
    papers_confirm(actor=chair, membership=chair.membership, meeting=meeting, selections=kept)
    concern = str(Category.CONCERN.label)

    health = _page(sign_in("northby.health"), meeting).content.decode()
    education = _page(sign_in("northby.education"), meeting).content.decode()

    assert "Robin Example" in health
    assert concern in health
    assert "Robin Example" in education
    assert concern not in education


def test_a_meeting_of_another_panel_is_not_found(officer, chair, sign_in):
    meeting = meeting_with_agenda(chair)
    assert _page(sign_in("southmere.health"), meeting).status_code == 404
    assert _page(sign_in("northby.health"), meeting).status_code == 200


def _agenda_of(n, officer, chair, agency):
    for index in range(n):
        open_case(officer, chair, given_names=f"Person{index}", family_name="Example")
    meeting = meeting_with_agenda(chair, agency(POLICE))
    for item in AgendaItem.objects.filter(meeting=meeting):
        item = item_for_update(meeting=meeting, item_id=item.pk)
        panel_action_set(
            actor=chair,
            membership=chair.membership,
            item=item,
            owner_agency=agency("Northby NHS Trust"),
            description="Bring the health records summary.",
            due_on=meeting.starts_at.date(),
        )
    confirm_all(chair, meeting)
    return meeting


@pytest.mark.parametrize("username", ["northby.chair", "northby.health"])
def test_the_meeting_page_query_count_does_not_grow_with_the_agenda(
    officer, chair, sign_in, agency, django_assert_max_num_queries, username
):
    small = _agenda_of(2, officer, chair, agency)
    # The second meeting takes the first two cases again, with four more: six in all.
    large = _agenda_of(4, officer, chair, agency)
    client = sign_in(username)
    _page(client, small)
    with CaptureQueriesContext(connection) as two:
        assert _page(client, small).status_code == 200
    with django_assert_max_num_queries(len(two.captured_queries)) as six:
        response = _page(client, large)
    assert len(six.captured_queries) == len(two.captured_queries)
    assert response.content.decode().count('class="govuk-!-margin-bottom-9"') == 6


def test_viewing_the_meeting_is_recorded_as_one_read_of_its_cases(officer, chair, sign_in):
    open_case(officer, chair)
    open_case(officer, chair)
    meeting = meeting_with_agenda(chair)
    _page(sign_in("northby.chair"), meeting)
    (event,) = AuditEvent.objects.filter(type=EventType.CASES_LISTED)
    assert event.payload["via"] == "meeting"
    assert len(event.payload["cases"]) == 2


def test_each_agency_sees_its_own_actions(officer, chair, sign_in, agency):
    case = open_case(officer, chair)
    other = open_case(officer, chair)
    meeting = meeting_with_agenda(chair, agency(POLICE))
    for panel_case, owner, text in (
        (case, "Northby NHS Trust", "Health to check records"),
        (other, "Northby College", "College to review attendance"),
    ):
        item = item_for_update(
            meeting=meeting,
            item_id=AgendaItem.objects.get(meeting=meeting, panel_case=panel_case).pk,
        )
        panel_action_set(
            actor=chair,
            membership=chair.membership,
            item=item,
            owner_agency=agency(owner),
            description=text,
            due_on=meeting.starts_at.date(),
        )

    health = sign_in("northby.health")
    page = health.get(reverse("panels:my-actions")).content.decode()
    assert "Health to check records" in page
    assert case.referral.reference in page
    assert "College to review attendance" not in page

    action = PanelAction.objects.get(owner_agency__name="Northby NHS Trust")
    college = sign_in("northby.education")
    assert college.post(reverse("panels:action-done", args=[action.pk])).status_code == 404
    assert health.post(reverse("panels:action-done", args=[action.pk])).status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None


def test_the_chair_records_who_attended_for_an_agency(chair, sign_in, user, agency):
    """Naming the police officer who came is recorded with the force's attendance; naming
    someone of another agency is refused beside the field."""
    meeting = meeting_with_agenda(chair)
    police, health = agency(POLICE), agency("Northby NHS Trust")
    client = sign_in("northby.chair")
    url = reverse("panels:meeting-attendance", args=[meeting.pk])

    refused = client.post(
        url,
        {
            f"status_{police.pk}": "present",
            f"attendee_{police.pk}": str(user("northby.health").pk),
        },
    )
    assert refused.status_code == 400
    assert not MeetingAttendance.objects.filter(meeting=meeting).exists()

    response = client.post(
        url,
        {
            f"status_{police.pk}": "present",
            f"attendee_{police.pk}": str(user("northby.officer").pk),
            f"status_{health.pk}": "apologies",
        },
    )

    assert response.status_code == 302
    assert set(
        MeetingAttendance.objects.filter(meeting=meeting).values_list(
            "agency__name", "status", "attendee__username"
        )
    ) == {(POLICE, "present", "northby.officer"), ("Northby NHS Trust", "apologies", None)}
