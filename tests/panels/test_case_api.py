"""The panels API as clients use it: the inbox, cases minimised like their pages, and
requests sent and answered, with valid and hostile input."""

import datetime

import pytest
from django.utils import timezone

from panels.models import Contribution, InformationRequest, PanelCase
from panels.models.vocabulary import RequestStatus
from tests.factories import JUSTIFICATION, progressed_referral
from tests.panels.factories import open_case
from tests.panels.request_factories import (
    PURPOSE,
    WITHHOLD_REASON,
    answer_by_sharing,
    send_request,
)

pytestmark = pytest.mark.django_db

HEALTH = "Northby NHS Trust"
ANSWER = "Synthetic: seen by the community mental health team in 2025."


@pytest.fixture
def case(user):
    return open_case(user("northby.officer"), user("northby.chair"))


def _due(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _request_body(agency, **overrides) -> dict:
    body = {
        "to_agency": str(agency(HEALTH).pk),
        "categories": ["health"],
        "purpose": PURPOSE,
        "due_on": _due(7),
    }
    body.update(overrides)
    return body


def _decision(**overrides) -> dict:
    body = {
        "purpose": "Help the panel assess support needs",
        "legal_basis": "ctsa_2015_s36_38",
        "consent_status": "not_sought",
        "consent_reason": "Seeking consent now would prejudice the panel's assessment.",
        "justification": JUSTIFICATION,
    }
    body.update(overrides)
    return body


def test_the_inbox_lists_waiting_referrals_oldest_first(sign_in, user):
    officer = user("northby.officer")
    first, second = progressed_referral(officer), progressed_referral(officer)

    response = sign_in("northby.coordinator").get("/api/panels/inbox/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["reference"] for row in rows] == [first.reference, second.reference]
    assert rows[0]["identity"]["family_name"] == "Testperson"
    assert rows[0]["days_waiting"] == 0


@pytest.mark.parametrize("username", ["northby.health", "northby.officer", "northby.auditor"])
def test_roles_without_an_inbox_are_refused(sign_in, username):
    assert sign_in("northby.chair").get("/api/panels/inbox/").status_code == 200
    response = sign_in(username).get("/api/panels/inbox/")
    assert response.status_code == 403
    assert response.json()["code"] == "access_denied"


@pytest.mark.parametrize(
    ("username", "status"),
    [("northby.chair", 201), ("southmere.chair", 404), ("northby.officer", 403)],
)
def test_accepting_through_the_api(sign_in, user, username, status):
    referral = progressed_referral(user("northby.officer"))
    response = sign_in(username).post(f"/api/panels/inbox/{referral.pk}/accept/")
    assert response.status_code == status
    assert PanelCase.objects.filter(referral=referral).exists() == (status == 201)
    if status == 201:
        assert response.json()["stage"] == "identification"


def test_accepting_twice_is_a_conflict(sign_in, user):
    referral = progressed_referral(user("northby.officer"))
    client = sign_in("northby.chair")
    client.post(f"/api/panels/inbox/{referral.pk}/accept/")
    response = client.post(f"/api/panels/inbox/{referral.pk}/accept/")
    assert response.status_code == 409


def test_the_panel_lists_its_open_cases(sign_in, case):
    response = sign_in("northby.chair").get("/api/panels/cases/")
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["id"] == str(case.pk)
    assert row["identity"]["given_names"] == "Alex"
    assert sign_in("southmere.chair").get("/api/panels/cases/").json()["results"] == []


def test_a_case_is_minimised_like_its_page(sign_in, user, agency, case):
    chair = user("northby.chair")
    to_health = send_request(case, chair, agency(HEALTH))
    send_request(case, chair, agency("Northby College"), categories=("education",))
    answer_by_sharing(to_health, user("northby.health"), [("health", ANSWER)])

    panel_view = sign_in("northby.chair").get(f"/api/panels/cases/{case.pk}/").json()
    partner_view = sign_in("northby.health").get(f"/api/panels/cases/{case.pk}/").json()

    assert "identity" in panel_view
    assert "panel_record" in panel_view
    assert len(panel_view["information_requests"]) == 2
    assert all("purpose" in row for row in panel_view["information_requests"])
    assert [row["content"] for row in panel_view["contributions"]] == [ANSWER]
    assert partner_view["identity"]["family_name"] == "Testperson"
    assert partner_view["referral_categories"] == ["identity"]
    assert "panel_record" not in partner_view
    (own,) = partner_view["information_requests"]
    assert own["id"] == str(to_health.pk)
    assert own["purpose"] == PURPOSE
    assert [row["content"] for row in partner_view["contributions"]] == [ANSWER]


def test_a_case_is_not_found_for_those_who_may_see_nothing_of_it(sign_in, case):
    assert sign_in("northby.chair").get(f"/api/panels/cases/{case.pk}/").status_code == 200
    for username in ("southmere.chair", "northby.health", "northby.auditor"):
        assert sign_in(username).get(f"/api/panels/cases/{case.pk}/").status_code == 404


def test_the_panel_sends_a_request(sign_in, agency, case):
    client = sign_in("northby.coordinator")
    response = client.post(
        f"/api/panels/cases/{case.pk}/requests/", _request_body(agency), "application/json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "open"
    listed = client.get(f"/api/panels/cases/{case.pk}/requests/").json()
    assert [row["id"] for row in listed] == [response.json()["id"]]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"categories": ["nonsense"]}, "categories"),
        ({"categories": ["panel"]}, "categories"),
        ({"categories": []}, "categories"),
        ({"due_on": "2020-01-01"}, "due_on"),
        ({"due_on": "not a date"}, "due_on"),
        ({"purpose": "short"}, "purpose"),
        ({"to_agency": "00000000-0000-0000-0000-000000000000"}, "to_agency"),
        ({"to_agency": "not-an-id"}, "to_agency"),
    ],
)
def test_hostile_request_input_is_refused_field_by_field(sign_in, agency, case, overrides, field):
    response = sign_in("northby.chair").post(
        f"/api/panels/cases/{case.pk}/requests/",
        _request_body(agency, **overrides),
        "application/json",
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not InformationRequest.objects.exists()


def test_asking_the_panels_own_agency_is_refused(sign_in, agency, case):
    response = sign_in("northby.chair").post(
        f"/api/panels/cases/{case.pk}/requests/",
        _request_body(agency, to_agency=str(agency("Northby Council Channel Team").pk)),
        "application/json",
    )
    assert response.status_code == 400
    assert "to_agency" in response.json()["errors"]


@pytest.mark.parametrize(
    ("username", "status"), [("northby.officer", 403), ("southmere.chair", 404)]
)
def test_only_the_case_panel_sends_requests(sign_in, agency, case, username, status):
    response = sign_in(username).post(
        f"/api/panels/cases/{case.pk}/requests/", _request_body(agency), "application/json"
    )
    assert response.status_code == status


def test_the_partner_lists_and_answers_its_requests(sign_in, user, agency, case):
    request = send_request(case, user("northby.chair"), agency(HEALTH))
    client = sign_in("northby.health")

    (row,) = client.get("/api/panels/requests/").json()["results"]
    assert row["id"] == str(request.pk)
    assert row["purpose"] == PURPOSE
    assert row["categories"] == ["health"]
    assert row["identity"]["family_name"] == "Testperson"
    assert row["panel"]["name"] == "Northby Channel panel"
    assert set(row) == {
        "id",
        "panel",
        "categories",
        "purpose",
        "due_on",
        "status",
        "is_overdue",
        "created_at",
        "identity",
    }

    response = client.post(
        f"/api/panels/requests/{request.pk}/share/",
        {"contributions": [{"category": "health", "content": ANSWER}], **_decision()},
        "application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["categories"] == ["health"]
    request.refresh_from_db()
    assert request.status == RequestStatus.SHARED
    again = client.post(
        f"/api/panels/requests/{request.pk}/withhold/",
        _decision(justification=WITHHOLD_REASON),
        "application/json",
    )
    assert again.status_code == 409
    assert client.get("/api/panels/requests/").json()["results"] == []


def test_the_partner_withholds(sign_in, user, agency, case):
    request = send_request(case, user("northby.chair"), agency(HEALTH))
    response = sign_in("northby.health").post(
        f"/api/panels/requests/{request.pk}/withhold/",
        _decision(justification=WITHHOLD_REASON),
        "application/json",
    )
    assert response.status_code == 201
    assert response.json()["action"] == "withhold"
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHHELD


@pytest.mark.parametrize(
    "contributions",
    [
        [{"category": "education", "content": ANSWER}],
        [{"category": "nonsense", "content": ANSWER}],
        [],
    ],
)
def test_hostile_answers_are_refused(sign_in, user, agency, case, contributions):
    request = send_request(case, user("northby.chair"), agency(HEALTH))
    response = sign_in("northby.health").post(
        f"/api/panels/requests/{request.pk}/share/",
        {"contributions": contributions, **_decision()},
        "application/json",
    )
    assert response.status_code == 400
    assert not Contribution.objects.exists()


@pytest.mark.parametrize("username", ["northby.education", "northby.chair", "southmere.health"])
def test_another_agencys_request_is_not_found(sign_in, user, agency, case, username):
    request = send_request(case, user("northby.chair"), agency(HEALTH))
    response = sign_in(username).post(
        f"/api/panels/requests/{request.pk}/share/",
        {"contributions": [{"category": "health", "content": ANSWER}], **_decision()},
        "application/json",
    )
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


def test_a_practitioner_at_the_addressed_agency_is_refused(sign_in, user, agency, case):
    request = send_request(case, user("northby.chair"), agency("Northby Probation Service"))
    client = sign_in("northby.probation")
    assert client.get("/api/panels/requests/").status_code == 403
    response = client.post(
        f"/api/panels/requests/{request.pk}/share/",
        {"contributions": [{"category": "health", "content": ANSWER}], **_decision()},
        "application/json",
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("path", "username"),
    [
        ("/api/panels/inbox/", "northby.chair"),
        ("/api/panels/cases/", "northby.chair"),
        ("/api/panels/requests/", "northby.health"),
    ],
)
def test_api_lists_cost_the_same_however_many_rows_they_show(
    sign_in, user, agency, django_assert_max_num_queries, path, username
):
    officer, chair = user("northby.officer"), user("northby.chair")
    client = sign_in(username)

    def add_rows() -> None:
        progressed_referral(officer)
        send_request(open_case(officer, chair), chair, agency(HEALTH))

    add_rows()
    with django_assert_max_num_queries(15) as few:
        assert client.get(path).status_code == 200
    for _ in range(5):
        add_rows()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(path)
    assert len(response.json()["results"]) == 6
