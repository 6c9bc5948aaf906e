"""The meetings API, as clients would use it: the same rules and error shapes as the pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.vocabulary import Category
from panels.models import AgendaItem
from tests.panels.factories import open_case
from tests.panels.meeting_factories import meeting_with_agenda

pytestmark = pytest.mark.django_db

POLICE = "Northby Police Prevent Team"
REASONS = "Susceptibility is clear from the referral and partners' information."
JSON = "application/json"


@pytest.fixture
def chair(user):
    return user("northby.chair")


def _schedule(client) -> dict:
    response = client.post(
        "/api/panels/meetings/",
        {
            "starts_at": (timezone.now() + datetime.timedelta(days=3)).isoformat(),
            "location": "Online",
        },
        JSON,
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_meeting_run_through_the_api(officer, chair, sign_in, agency):
    case = open_case(officer, chair, given_names="Robin", family_name="Example")
    api = sign_in("northby.chair")
    meeting = _schedule(api)
    base = f"/api/panels/meetings/{meeting['id']}/"

    built = api.post(f"{base}agenda/").json()
    (item,) = built["agenda"]
    assert item["person"] == "Robin Example"
    assert "police force for the area" in item["problem"]

    refused = api.post(
        f"{base}items/{item['id']}/decision/",
        {"event": "adopt", "method": "unanimous", "rationale": REASONS, "version": 1},
        JSON,
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid"
    assert "attendance" in refused.json()["errors"]

    police = agency(POLICE)
    attendance = api.put(
        f"{base}attendance/",
        {"entries": [{"agency": str(police.pk), "status": "present"}]},
        JSON,
    )
    assert attendance.status_code == 200, attendance.json()

    proposal = api.get(f"{base}papers/").json()
    confirmed = api.post(f"{base}papers/", {"selections": [row["key"] for row in proposal]}, JSON)
    assert confirmed.status_code == 201, confirmed.json()

    decided = api.post(
        f"{base}items/{item['id']}/decision/",
        {"event": "adopt", "method": "unanimous", "rationale": REASONS, "version": 1},
        JSON,
    )
    assert decided.status_code == 201, decided.json()
    answer = decided.json()
    # The item it changed and where its case now stands, not the whole meeting again.
    assert answer["id"] == item["id"]
    assert answer["meeting"] == meeting["id"]
    assert (answer["stage"], answer["version"]) == ("assessment", 2)
    assert answer["decision"]["event"] == "adopt"
    assert answer["decision"]["method"] == "unanimous"
    assert "agenda" not in answer
    assert api.get(base).json()["agenda"][0]["decision"]["event"] == "adopt"

    stale = api.post(
        f"{base}items/{item['id']}/decision/",
        {"event": "adopt", "method": "unanimous", "rationale": REASONS, "version": 1},
        JSON,
    )
    assert stale.status_code == 409
    case.refresh_from_db()
    assert case.version == 2


def test_a_member_sees_only_what_was_shared_with_it_in_the_api(officer, chair, sign_in, agency):
    open_case(officer, chair, given_names="Robin", family_name="Example")
    chair_api = sign_in("northby.chair")
    meeting = _schedule(chair_api)
    base = f"/api/panels/meetings/{meeting['id']}/"
    chair_api.post(f"{base}agenda/")
    college = agency("Northby College")
    health_api, college_api = sign_in("northby.health"), sign_in("northby.education")

    assert health_api.get(base).json()["agenda"] == []

    keys = [
        row["key"]
        for row in chair_api.get(f"{base}papers/").json()
        if not (row["agency"]["id"] == str(college.pk) and row["category"] == Category.CONCERN)
    ]
    assert chair_api.post(f"{base}papers/", {"selections": keys}, JSON).status_code == 201

    (for_health,) = health_api.get(base).json()["agenda"]
    (for_college,) = college_api.get(base).json()["agenda"]
    assert for_health["person"] == for_college["person"] == "Robin Example"
    assert Category.CONCERN in {section["category"] for section in for_health["sections"]}
    assert Category.CONCERN not in {section["category"] for section in for_college["sections"]}
    assert "problem" not in for_college
    assert sign_in("southmere.health").get(base).status_code == 404
    assert college_api.get(f"{base}papers/").status_code == 403


def _first_decision(meeting) -> tuple[str, dict]:
    """The path and body of a decision adopting the first case on the meeting's agenda."""
    item = AgendaItem.objects.filter(meeting=meeting).order_by("position").first()
    body = {"event": "adopt", "method": "unanimous", "rationale": REASONS, "version": 1}
    return f"/api/panels/meetings/{meeting.pk}/items/{item.pk}/decision/", body


def test_a_decisions_answer_costs_the_same_whatever_the_agendas_length(
    officer, chair, sign_in, agency, django_assert_max_num_queries
):
    api = sign_in("northby.chair")
    open_case(officer, chair)
    path, body = _first_decision(meeting_with_agenda(chair, agency(POLICE)))
    with CaptureQueriesContext(connection) as one:
        assert api.post(path, body, JSON).status_code == 201
    for _ in range(5):
        open_case(officer, chair)
    # Five new cases, and the first again for its assessment.
    large = meeting_with_agenda(chair, agency(POLICE))
    assert AgendaItem.objects.filter(meeting=large).count() == 6
    path, body = _first_decision(large)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert api.post(path, body, JSON).status_code == 201


def test_actions_through_the_api(officer, chair, sign_in, agency):
    case = open_case(officer, chair)
    chair_api = sign_in("northby.chair")
    meeting = _schedule(chair_api)
    base = f"/api/panels/meetings/{meeting['id']}/"
    chair_api.post(f"{base}agenda/")
    item = AgendaItem.objects.get(panel_case=case)
    health = agency("Northby NHS Trust")

    set_ = chair_api.post(
        f"{base}items/{item.pk}/actions/",
        {
            "owner_agency": str(health.pk),
            "description": "Bring the health summary to the next meeting.",
            "due_on": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
        },
        JSON,
    )
    assert set_.status_code == 201, set_.json()

    mine = sign_in("northby.health").get("/api/panels/actions/").json()
    assert [action["reference"] for action in mine] == [case.referral.reference]
    assert sign_in("northby.education").get("/api/panels/actions/").json() == []
    done = sign_in("northby.health").post(f"/api/panels/actions/{mine[0]['id']}/done/")
    assert done.status_code == 200
    assert done.json()["done_at"]
    assert sign_in("northby.health").get("/api/panels/actions/").json() == []


def test_only_a_panels_chair_or_coordinator_schedules(sign_in):
    response = sign_in("northby.health").post(
        "/api/panels/meetings/",
        {"starts_at": (timezone.now() + datetime.timedelta(days=3)).isoformat(), "location": "x"},
        JSON,
    )
    assert response.status_code == 403
    assert response.json()["code"]


def test_the_meetings_api_is_in_the_schema(sign_in):
    schema = sign_in("northby.chair").get("/api/schema/").content.decode()
    assert "/api/panels/meetings/{meeting_id}/items/{item_id}/decision/" in schema
    assert "/api/panels/actions/" in schema
