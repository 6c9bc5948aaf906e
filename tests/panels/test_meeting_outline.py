"""The meeting page lists each agenda case's sections by title without reading their
content: the titles are the papers' sections, whoever looks, the page's permissions are
the papers', its read event names what it shows, and its query count stays fixed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from audit.event_types import EventType
from audit.models import AuditEvent
from audit.vocabulary import Category
from panels.models import AgendaItem
from panels.selectors.meetings import meeting_agenda_for_user, panel_agencies, papers_proposal
from panels.services.meetings import panel_member_add
from panels.services.papers import papers_confirm
from panels.web.meetings.presenters import case_outline, paper_case
from prevent_cases.models import Agency
from tests.panels.factories import open_case
from tests.panels.marked_case import build_marked_case
from tests.panels.meeting_factories import confirm_all, meeting_with_agenda
from tests.panels.support_steps import adopt_and_assess

pytestmark = pytest.mark.django_db

POLICE = "Northby Police Prevent Team"
MEMBERS = ("northby.chair", "northby.health", "northby.probation", "northby.education")


@pytest.fixture
def chair(user):
    return user("northby.chair")


def _titles(membership, meeting, for_agency=None) -> tuple[dict, dict]:
    """Each case's titles as the meeting page lists them, and as its papers hold them."""
    outline = meeting_agenda_for_user(
        membership=membership, meeting=meeting, for_agency=for_agency, outline=True
    )
    papers = meeting_agenda_for_user(membership=membership, meeting=meeting, for_agency=for_agency)
    return (
        {case.item.pk: case_outline(case).titles for case in outline.cases},
        {case.item.pk: paper_case(case).titles for case in papers.cases},
    )


def test_the_page_lists_exactly_the_papers_sections_for_every_viewer(user, agency):
    """The marked case holds every part a case can (contributions, moves, an agreed
    assessment, a plan, an exit): each viewer, and each agency's papers, agree."""
    marked = build_marked_case(user, agency)
    chair = user("northby.chair")
    seen = []
    for username in MEMBERS:
        page, papers = _titles(user(username).membership, marked.meeting)
        assert page == papers
        seen.append(page.get(marked.item.pk))
    for recipient in panel_agencies(marked.meeting):
        page, papers = _titles(chair.membership, marked.meeting, for_agency=recipient)
        assert page == papers
    chair_titles = seen[0]
    for title in (
        "What partners have shared",
        "Earlier panel decisions",
        "The agreed needs assessment",
        "The support plan",
    ):
        assert title in chair_titles
    # Not every member is given every part: the lists differ, and still match the papers.
    assert len({tuple(titles or ()) for titles in seen}) > 1


def test_a_case_with_no_panel_record_yet_lists_only_its_referral(officer, chair, user):
    open_case(officer, chair)
    adopt_and_assess(chair, open_case(officer, chair))
    meeting = meeting_with_agenda(chair)
    page, papers = _titles(chair.membership, meeting)
    assert page == papers
    assert len(page) == 2
    assert any("The agreed needs assessment" not in titles for titles in page.values())


def test_a_member_sees_only_the_titles_shared_with_it_once_confirmed(
    officer, chair, sign_in, agency
):
    """Allowed and refused: before confirmation a member sees no case; after, the college
    (not given the police's concern) is not told of it while health is."""
    open_case(officer, chair, given_names="Robin", family_name="Example")
    meeting = meeting_with_agenda(chair)
    college = agency("Northby College")
    concern = str(Category.CONCERN.label)
    health = sign_in("northby.health")
    assert "Robin Example" not in health.get(_url(meeting)).content.decode()

    kept = [
        row.key
        for row in papers_proposal(meeting=meeting)
        if not (row.agency == college and row.category == Category.CONCERN)
    ]
    papers_confirm(actor=chair, membership=chair.membership, meeting=meeting, selections=kept)

    shown = health.get(_url(meeting)).content.decode()
    refused = sign_in("northby.education").get(_url(meeting)).content.decode()
    assert "Robin Example" in shown
    assert concern in shown
    assert "Robin Example" in refused
    assert concern not in refused
    assert sign_in("southmere.health").get(_url(meeting)).status_code == 404


def test_the_chair_sees_every_case_minimised_by_its_own_grants(officer, chair, sign_in, user):
    open_case(officer, chair, given_names="Robin", family_name="Example")
    meeting = meeting_with_agenda(chair)
    page = sign_in("northby.chair").get(_url(meeting)).content.decode()
    (case,) = meeting_agenda_for_user(
        membership=chair.membership, meeting=meeting, outline=True
    ).cases
    outline = case_outline(case)
    assert "Robin Example" in page
    assert ", ".join(outline.titles) in page
    # What the police did not pass to the panel is not listed to the chair either.
    for category, title in Category.choices:
        if not case.shown.shows(category):
            assert str(title) not in outline.titles


def test_the_read_event_names_what_the_page_shows(officer, chair, sign_in, agency, user):
    """Identity where the name is shown, and every category whose title is listed; the
    college's read does not name the concern it was not given."""
    open_case(officer, chair, given_names="Robin", family_name="Example")
    meeting = meeting_with_agenda(chair)
    college = agency("Northby College")
    kept = [
        row.key
        for row in papers_proposal(meeting=meeting)
        if not (row.agency == college and row.category == Category.CONCERN)
    ]
    papers_confirm(actor=chair, membership=chair.membership, meeting=meeting, selections=kept)
    labels = {str(title): category for category, title in Category.choices}

    for username, given in (("northby.health", True), ("northby.education", False)):
        client = sign_in(username)
        client.get(_url(meeting))
        event = AuditEvent.objects.filter(type=EventType.CASES_LISTED).order_by("-seq").first()
        (recorded,) = event.payload["cases"]
        (case,) = meeting_agenda_for_user(
            membership=user(username).membership, meeting=meeting, outline=True
        ).cases
        listed = {labels[title] for title in case_outline(case).titles if title in labels}
        assert event.payload["via"] == "meeting"
        assert Category.IDENTITY in recorded["categories"]
        assert listed <= set(recorded["categories"])
        assert (Category.CONCERN in recorded["categories"]) is given


def _url(meeting) -> str:
    return reverse("panels:meeting", args=[meeting.pk])


def _open_agenda_of(n, officer, chair, agency):
    for index in range(n):
        open_case(officer, chair, given_names=f"Person{index}", family_name="Example")
    meeting = meeting_with_agenda(chair, agency(POLICE))
    confirm_all(chair, meeting)
    return meeting


@pytest.mark.parametrize("username", ["northby.chair", "northby.health"])
def test_the_meeting_page_takes_at_most_twelve_queries_whatever_the_agendas_length(
    officer, chair, sign_in, agency, django_assert_max_num_queries, username
):
    """3 cases against 10 (the second meeting takes the first three again with seven
    more), on an open meeting where the chair gets every form."""
    small = _open_agenda_of(3, officer, chair, agency)
    large = _open_agenda_of(7, officer, chair, agency)
    assert AgendaItem.objects.filter(meeting=large).count() == 10
    client = sign_in(username)
    client.get(_url(small))
    with CaptureQueriesContext(connection) as three:
        assert client.get(_url(small)).status_code == 200
    with django_assert_max_num_queries(12) as ten:
        response = client.get(_url(large))
    assert len(ten.captured_queries) == len(three.captured_queries)
    page = response.content.decode()
    assert page.count('class="govuk-!-margin-bottom-9"') == 10
    if username == "northby.chair":
        assert page.count("Record decision") == 10
        assert page.count("Set action") == 10


def test_an_action_is_offered_only_to_agencies_sitting_for_the_case(
    officer, chair, sign_in, agency
):
    """An agency added for one case is offered for that case's actions, not another's."""
    first = open_case(officer, chair)
    second = open_case(officer, chair)
    southmere = Agency.objects.filter(name__startswith="Southmere").order_by("name").first()
    panel_member_add(actor=chair, membership=chair.membership, panel_case=first, agency=southmere)
    meeting = meeting_with_agenda(chair)
    page = sign_in("northby.chair").get(_url(meeting)).content.decode()
    items = {item.panel_case_id: item.pk for item in AgendaItem.objects.filter(meeting=meeting)}

    def owner_select(panel_case) -> str:
        start = page.index(f'id="id_action-{items[panel_case.pk]}-owner_agency"')
        return page[start : page.index("</select>", start)]

    assert escape(southmere) in owner_select(first)
    assert escape(southmere) not in owner_select(second)
    assert escape(agency(POLICE)) in owner_select(second)
