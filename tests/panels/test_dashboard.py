"""The chair's dashboard: the panel's own cases by stage and what is due or overdue on
them, each section listing what is due and leaving out what is not, for the chair and
coordinators only, in a fixed number of queries."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.event_types import EventType
from audit.models import AuditEvent, SharingDecision
from panels.models.vocabulary import ConsentDecision, RequestStatus, Stage
from panels.rules.stages import StageEvent
from referrals.services.case import referral_decision_revoke
from referrals.services.grants import CASE_TYPE
from tests.panels import support_steps
from tests.panels.delivery_steps import answer, record, session
from tests.panels.stand_in_rows import (
    action_row,
    case_at_support_plan,
    case_in_review,
    consent_row,
    exited_case,
    meeting_row,
    new_case,
    request_row,
    stopped_case,
)

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = datetime.date(2026, 12, 1)
URL = "/panels/dashboard/"


def at(day: datetime.date, hour: int = 10):
    """Freeze the clock at `hour` o'clock on `day`, London time."""
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour), LONDON), tick=False
    )


def days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


@pytest.fixture
def chair(user):
    return user("northby.chair")


@pytest.fixture
def provider(agency):
    return agency("Northby Mentoring Partnership")


def ids(rows) -> set:
    return {row.panel_case_id for row in rows}


def dashboard(client, **params):
    with at(TODAY, 12):
        response = client.get(URL, params)
    assert response.status_code == 200
    return response


def test_open_cases_are_counted_by_stage_and_listed_longest_in_stage_first(sign_in, officer, chair):
    with at(TODAY - days(30)):
        oldest = new_case(officer, chair, family_name="Oldest")
    with at(TODAY - days(3)):
        newest = new_case(officer, chair, family_name="Newest")
        at_plan = case_at_support_plan(officer, chair, family_name="Planned")

    response = dashboard(sign_in("northby.chair"))

    read = response.context["read"]
    assert read.open_cases[0].panel_case_id == oldest.pk
    assert ids(read.open_cases[1:]) == {newest.pk, at_plan.pk}
    assert [row.days_in_stage for row in read.open_cases] == [30, 3, 3]
    assert response.context["board"].stage_counts == {
        Stage.IDENTIFICATION: 2,
        Stage.ASSESSMENT: 0,
        Stage.SUPPORT_PLAN: 1,
        Stage.REVIEW: 0,
    }
    page = response.content.decode()
    assert "Alex Oldest" in page
    assert page.index("Alex Oldest") < page.index("Alex Newest")


def test_open_cases_come_a_page_at_a_time(sign_in, officer, chair, settings, monkeypatch):
    monkeypatch.setattr("panels.selectors.dashboard.OPEN_CASES_PAGE_SIZE", 2)
    with at(TODAY - days(5)):
        made = [new_case(officer, chair, family_name=f"Paged{n}") for n in range(3)]
    client = sign_in("northby.chair")
    response = dashboard(client)
    first = response.context["read"].open_cases
    assert len(first) == 2
    assert 'rel="next"' in response.content.decode()
    after = dashboard(client, cursor=response.context["board"].open_cases.next_cursor)
    second = after.context["read"].open_cases
    assert ids(first) | ids(second) == {case.pk for case in made}
    assert ids(first).isdisjoint(ids(second))
    page = after.content.decode()
    assert 'rel="prev"' in page
    assert 'rel="next"' not in page


def test_the_next_meeting_shows_its_date_and_agenda_size(sign_in, officer, chair):
    with at(TODAY - days(10)):
        cases = [new_case(officer, chair) for _ in range(2)]
        meeting_row(chair, datetime.datetime.combine(TODAY - days(2), datetime.time(10), LONDON))
        later = meeting_row(
            chair, datetime.datetime.combine(TODAY + days(3), datetime.time(14), LONDON), cases
        )
    response = dashboard(sign_in("northby.chair"))
    shown = response.context["board"].next_meeting
    assert shown.pk == later.pk
    assert shown.agenda_cases == 2
    assert "Friday 4 December 2026, 14:00" in response.content.decode()


def test_overdue_reviews_list_the_late_and_not_the_on_time(sign_in, officer, chair, provider):
    # Support started 40 days ago: its review (every 28 days) was due 12 days ago.
    with at(TODAY - days(40)):
        late = case_in_review(officer, chair, provider)
    with at(TODAY - days(10)):
        on_time = case_in_review(officer, chair, provider)
    rows = dashboard(sign_in("northby.chair")).context["read"].overdue_reviews
    assert ids(rows) == {late.pk}
    assert on_time.pk not in ids(rows)
    assert rows[0].overdue
    assert rows[0].days_overdue == 12


def test_post_exit_reviews_due_soon_or_overdue_are_listed(sign_in, officer, chair, provider):
    # Six-month reviews: one overdue by 3 days, one due in 10 days, one not for 2 months.
    with at(datetime.date(2026, 5, 29)):
        overdue = exited_case(officer, chair, provider)
    with at(datetime.date(2026, 6, 11)):
        due_soon = exited_case(officer, chair, provider)
    with at(datetime.date(2026, 8, 1)):
        not_yet = exited_case(officer, chair, provider)
    rows = dashboard(sign_in("northby.chair")).context["read"].post_exit_reviews
    assert [(row.panel_case_id, row.overdue) for row in rows] == [
        (overdue.pk, True),
        (due_soon.pk, False),
    ]
    assert not_yet.pk not in ids(rows)
    assert rows[0].item.number == 6


def test_reassessments_due_soon_are_listed(sign_in, officer, chair):
    with at(TODAY - days(30)):
        due = stopped_case(officer, chair, reassess_on=TODAY + days(5))
        later = stopped_case(officer, chair, reassess_on=TODAY + days(60))
    rows = dashboard(sign_in("northby.chair")).context["read"].reassessments
    assert ids(rows) == {due.pk}
    assert later.pk not in ids(rows)


def test_cases_without_consent_given_are_listed(sign_in, officer, chair):
    with at(TODAY - days(5)):
        none_recorded = case_at_support_plan(officer, chair)
        refused = case_at_support_plan(officer, chair)
        consent_row(refused, chair, ConsentDecision.REFUSED)
        given = case_at_support_plan(officer, chair)
        consent_row(given, chair, ConsentDecision.GIVEN)
        identification = new_case(officer, chair)
    response = dashboard(sign_in("northby.chair"))
    rows = response.context["read"].without_consent
    assert ids(rows) == {none_recorded.pk, refused.pk}
    assert given.pk not in ids(rows)
    assert identification.pk not in ids(rows)
    page = response.content.decode()
    assert "Not recorded" in page
    assert "Not given" in page


def test_overdue_actions_list_only_the_late_and_undone(sign_in, officer, chair, agency):
    health = agency("Northby NHS Trust")
    with at(TODAY - days(10)):
        case = new_case(officer, chair)
        late = action_row(case, chair, health, TODAY - days(1))
        due_today = action_row(case, chair, health, TODAY)
        done = action_row(case, chair, health, TODAY - days(5), done=True)
    response = dashboard(sign_in("northby.chair"))
    rows = response.context["read"].overdue_actions
    assert [row.item.item_id for row in rows] == [late.pk]
    assert due_today.pk != rows[0].item.item_id
    assert done.pk != rows[0].item.item_id
    assert "Northby NHS Trust" in response.content.decode()


def test_overdue_information_requests_list_only_the_unanswered(sign_in, officer, chair, agency):
    college = agency("Northby College")
    with at(TODAY - days(10)):
        case = new_case(officer, chair)
        late = request_row(case, chair, college, TODAY - days(2))
        answered = request_row(case, chair, college, TODAY - days(5), status=RequestStatus.SHARED)
        due_today = request_row(case, chair, college, TODAY)
    rows = dashboard(sign_in("northby.chair")).context["read"].overdue_requests
    assert [row.item.item_id for row in rows] == [late.pk]
    assert {answered.pk, due_today.pk}.isdisjoint({row.item.item_id for row in rows})


def test_a_chair_sees_only_their_own_panels_cases(sign_in, officer, chair, agency, user):
    with at(TODAY - days(40)):
        case = case_in_review(officer, chair, agency("Northby Mentoring Partnership"))
        action_row(case, chair, agency("Northby NHS Trust"), TODAY - days(3))
        request_row(case, chair, agency("Northby College"), TODAY - days(3))
    southmere = dashboard(sign_in("southmere.chair"))
    read = southmere.context["read"]
    assert read.open_cases == read.overdue_reviews == read.overdue_actions == []
    assert read.overdue_requests == []
    assert "Alex Testperson" not in southmere.content.decode()
    northby = dashboard(sign_in("northby.coordinator")).context["read"]
    assert ids(northby.open_cases) == ids(northby.overdue_reviews) == {case.pk}


@pytest.mark.parametrize(
    "username",
    [
        "northby.health",
        "northby.probation",
        "northby.provider",
        "northby.officer",
        "northby.auditor",
    ],
)
def test_only_the_panels_chair_and_coordinators_may_open_it(sign_in, officer, chair, username):
    with at(TODAY - days(3)):
        new_case(officer, chair)
    refused = sign_in(username).get(URL)
    assert refused.status_code == 403
    page = refused.content.decode()
    assert "The panel dashboard is for the Channel panel" in page
    assert "Alex Testperson" not in page
    assert sign_in("northby.chair").get(URL).status_code == 200


def test_a_name_is_shown_only_where_the_panel_holds_identity(sign_in, officer, chair):
    with at(TODAY - days(3)):
        named = new_case(officer, chair, family_name="Named")
        unnamed = new_case(officer, chair, family_name="Unnamed")
        # The force ends what its progression decision gave the panel on one case.
        progression = SharingDecision.objects.get(
            case_id=unnamed.referral_id, receiving_agency_id=chair.membership.agency_id
        )
        referral_decision_revoke(
            actor=officer,
            membership=officer.membership,
            referral=unnamed.referral,
            decision=progression,
            reason="Shared in error with the wrong area's panel; ending it now.",
        )
    response = dashboard(sign_in("northby.chair"))
    names = {row.panel_case_id: row.person_name for row in response.context["read"].open_cases}
    assert names == {named.pk: "Alex Named", unnamed.pk: ""}
    page = response.content.decode()
    assert "Alex Named" in page
    assert "Unnamed" not in page
    assert unnamed.referral.reference in page


def test_the_list_is_recorded_as_one_read_naming_identity(sign_in, officer, chair, agency):
    with at(TODAY - days(10)):
        first = new_case(officer, chair)
        second = new_case(officer, chair)
        action_row(first, chair, agency("Northby NHS Trust"), TODAY - days(1))
    before = AuditEvent.objects.filter(type=EventType.CASES_LISTED).count()
    dashboard(sign_in("northby.chair"))
    events = AuditEvent.objects.filter(type=EventType.CASES_LISTED).order_by("seq")
    assert events.count() == before + 1
    event = events.last()
    assert event.target_type == CASE_TYPE
    assert event.payload["via"] == "panel_dashboard"
    listed = {case["id"]: case["categories"] for case in event.payload["cases"]}
    assert listed == {str(first.referral_id): ["identity"], str(second.referral_id): ["identity"]}


def _delivered(officer, chair, provider):
    """A case in review whose one intervention, for `provider`, started a week ago."""
    case = support_steps.adopt_and_assess(chair, new_case(officer, chair))
    start = timezone.localdate() - days(7)
    plan = support_steps.record_plan(
        chair, case, support_steps.intervention(provider, start_on=start)
    )
    support_steps.consent(chair, case)
    support_steps.move(chair, case, StageEvent.START_SUPPORT)
    return plan.interventions.get()


def _fill(officer, chair, agency, provider, count: int, practitioner) -> None:
    """`count` cases, each with a row in every section of the dashboard."""
    health, college = agency("Northby NHS Trust"), agency("Northby College")
    with at(TODAY - days(40)):
        for _ in range(count):
            case = case_in_review(officer, chair, provider)
            action_row(case, chair, health, TODAY - days(1))
            request_row(case, chair, college, TODAY - days(1))
            case_at_support_plan(officer, chair)
            stopped_case(officer, chair, reassess_on=TODAY + days(3))
            # Last seen 42 days before TODAY, when the session raised a concern.
            work = _delivered(officer, chair, provider)
            answer(practitioner, work)
            record(practitioner, work, session(concern=True, notes="A new contact online."))


def test_the_query_count_does_not_grow_with_the_cases(
    sign_in, officer, chair, agency, provider, user, django_assert_max_num_queries
):
    practitioner = user("northby.provider")
    _fill(officer, chair, agency, provider, 2, practitioner)
    client = sign_in("northby.chair")
    dashboard(client)
    with CaptureQueriesContext(connection) as two:
        dashboard(client)
    # At most 12 as the benchmark counts them (with the BEGIN and COMMIT of the read
    # event's transaction, which the test's own transaction hides here).
    assert len(two) <= 10
    _fill(officer, chair, agency, provider, 6, practitioner)
    with django_assert_max_num_queries(len(two)):
        response = dashboard(client)
    read = response.context["read"]
    assert len(read.overdue_actions) == 8
    assert len(read.without_contact) == 8
    assert len(read.open_concerns) == 8


def test_the_navigation_offers_the_dashboard_to_those_who_run_the_panel(sign_in):
    link = 'href="/panels/dashboard/"'
    assert link in sign_in("northby.chair").get("/").content.decode()
    assert link in sign_in("northby.coordinator").get("/").content.decode()
    assert link not in sign_in("northby.health").get("/").content.decode()
