"""Information request pages: the panel asking, the partner's queue, and the answer page,
with every problem reported at once and nothing typed lost."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from audit.event_types import EventType
from audit.models import AuditEvent, SharingDecision
from panels.models import Contribution, InformationRequest
from panels.models.vocabulary import RequestStatus
from tests.factories import JUSTIFICATION
from tests.panels.factories import open_case
from tests.panels.request_factories import PURPOSE, WITHHOLD_REASON, send_request

pytestmark = pytest.mark.django_db

HEALTH = "Northby NHS Trust"
CONCERN = "Synthetic concern: shared extremist material in class."
ANSWER = "Synthetic: seen by the community mental health team in 2025."


@pytest.fixture
def case(user):
    return open_case(user("northby.officer"), user("northby.chair"))


@pytest.fixture
def request_to_health(case, user, agency) -> InformationRequest:
    return send_request(
        case, user("northby.chair"), agency(HEALTH), categories=("health", "family")
    )


def _decision_fields(**overrides) -> dict:
    fields = {
        "purpose": "Help the panel assess support needs",
        "legal_basis": "ctsa_2015_s36_38",
        "consent_status": "not_sought",
        "consent_reason": "Seeking consent now would prejudice the panel's assessment.",
        "justification": JUSTIFICATION,
    }
    fields.update(overrides)
    return fields


def test_the_coordinator_sends_a_request_from_the_case(sign_in, case, agency):
    client = sign_in("northby.coordinator")
    assert client.get(f"/panels/cases/{case.pk}/requests/new/").status_code == 200

    response = client.post(
        f"/panels/cases/{case.pk}/requests/new/",
        {
            "to_agency": str(agency(HEALTH).pk),
            "categories": ["health"],
            "purpose": PURPOSE,
            "due_on": (timezone.localdate() + datetime.timedelta(days=7)).strftime("%d/%m/%Y"),
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"/panels/cases/{case.pk}/"
    assert "Request sent to Northby NHS Trust" in response.content.decode()
    assert InformationRequest.objects.get(panel_case=case).categories == ["health"]


def test_every_problem_with_a_request_is_shown_at_once_and_what_was_typed_is_kept(sign_in, case):
    response = sign_in("northby.chair").post(
        f"/panels/cases/{case.pk}/requests/new/",
        {"purpose": "Too short to say", "due_on": "01/01/2020"},
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"to_agency", "categories", "purpose", "due_on"}
    body = response.content.decode()
    assert "Too short to say" in body
    assert "01/01/2020" in body
    assert not InformationRequest.objects.exists()


def test_an_unreadable_date_is_reported_with_the_other_problems(sign_in, case):
    response = sign_in("northby.chair").post(
        f"/panels/cases/{case.pk}/requests/new/", {"purpose": "", "due_on": "next week"}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"to_agency", "categories", "purpose", "due_on"}


@pytest.mark.parametrize(
    ("username", "status"),
    [("northby.officer", 403), ("northby.health", 404), ("southmere.chair", 404)],
)
def test_only_the_case_panel_asks(sign_in, case, username, status):
    assert sign_in("northby.chair").get(f"/panels/cases/{case.pk}/requests/new/").status_code == 200
    assert sign_in(username).get(f"/panels/cases/{case.pk}/requests/new/").status_code == status


def test_the_partner_queue_shows_who_what_why_and_when_and_nothing_else(sign_in, user, agency):
    chair = user("northby.chair")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=5), tick=True):
        case = open_case(user("northby.officer"), chair)
        late = send_request(case, chair, agency(HEALTH), due_in_days=1)
    on_time = send_request(case, chair, agency(HEALTH), categories=("family",), due_in_days=9)

    response = sign_in("northby.health").get("/panels/requests/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Alex Testperson" in body
    assert "17 May 2009" in body
    assert PURPOSE in body
    assert "Health" in body
    assert "Family" in body
    assert "Northby Channel panel" in body
    assert body.index(str(late.pk)) < body.index(str(on_time.pk))
    assert body.count("Overdue</strong>") == 1
    assert CONCERN not in body
    assert "Screening" not in body


def test_another_agencys_queue_does_not_list_the_request(sign_in, request_to_health):
    body = sign_in("northby.education").get("/panels/requests/").content.decode()
    assert str(request_to_health.pk) not in body


@pytest.mark.parametrize("username", ["northby.probation", "northby.auditor", "northby.admin"])
def test_roles_that_do_not_answer_have_no_queue(sign_in, username):
    assert sign_in("northby.health").get("/panels/requests/").status_code == 200
    response = sign_in(username).get("/panels/requests/")
    assert response.status_code == 403
    assert "Information requests are answered by members" in response.content.decode()


def test_the_partner_answers_by_sharing(sign_in, request_to_health):
    client = sign_in("northby.health")
    page = client.get(f"/panels/requests/{request_to_health.pk}/answer/")
    assert page.status_code == 200
    assert CONCERN not in page.content.decode()

    response = client.post(
        f"/panels/requests/{request_to_health.pk}/answer/",
        {"action": "share", "answer_health": ANSWER, "answer_family": "", **_decision_fields()},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/panels/requests/"
    assert "Answer recorded" in response.content.decode()
    request_to_health.refresh_from_db()
    assert request_to_health.status == RequestStatus.SHARED
    assert list(Contribution.objects.values_list("category", "content")) == [("health", ANSWER)]
    assert request_to_health.answer.categories == ["health"]


def test_the_partner_answers_by_withholding(sign_in, request_to_health):
    response = sign_in("northby.health").post(
        f"/panels/requests/{request_to_health.pk}/answer/",
        {"action": "withhold", **_decision_fields(justification=WITHHOLD_REASON)},
    )
    assert response.status_code == 302
    request_to_health.refresh_from_db()
    assert request_to_health.status == RequestStatus.WITHHELD
    assert request_to_health.answer.action == "withhold"


def test_every_problem_with_an_answer_is_shown_at_once_and_nothing_typed_is_lost(
    sign_in, request_to_health
):
    response = sign_in("northby.health").post(
        f"/panels/requests/{request_to_health.pk}/answer/",
        {
            "answer_health": ANSWER,
            "purpose": "",
            "legal_basis": "nonsense",
            "justification": "Needed.",
            "expires_on": "someday",
        },
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"action", "purpose", "legal_basis", "justification", "expires_on"} <= set(errors)
    body = response.content.decode()
    assert ANSWER in body
    assert "Needed." in body
    assert "someday" in body
    request_to_health.refresh_from_db()
    assert request_to_health.status == RequestStatus.OPEN


def test_sharing_with_no_answer_says_so(sign_in, request_to_health):
    response = sign_in("northby.health").post(
        f"/panels/requests/{request_to_health.pk}/answer/",
        {"action": "share", **_decision_fields()},
    )
    assert response.status_code == 400
    assert "Answer at least one of the categories asked for." in response.content.decode()
    assert not SharingDecision.objects.filter(disclosing_agency__name=HEALTH).exists()


def test_an_answered_request_cannot_be_answered_again(sign_in, request_to_health):
    client = sign_in("northby.health")
    body = {"action": "share", "answer_health": ANSWER, **_decision_fields()}
    client.post(f"/panels/requests/{request_to_health.pk}/answer/", body)

    again = client.post(f"/panels/requests/{request_to_health.pk}/answer/", body)

    assert again.status_code == 400
    assert "already been answered" in again.content.decode()
    assert Contribution.objects.count() == 1


@pytest.mark.parametrize(
    ("username", "status"),
    [("northby.education", 404), ("northby.chair", 404), ("southmere.health", 404)],
)
def test_a_request_to_another_agency_is_not_found(sign_in, request_to_health, username, status):
    assert (
        sign_in("northby.health")
        .get(f"/panels/requests/{request_to_health.pk}/answer/")
        .status_code
        == 200
    )
    response = sign_in(username).get(f"/panels/requests/{request_to_health.pk}/answer/")
    assert response.status_code == status


def test_the_queue_and_answer_page_are_recorded_as_reads(sign_in, request_to_health):
    client = sign_in("northby.health")
    client.get("/panels/requests/")
    client.get(f"/panels/requests/{request_to_health.pk}/answer/")
    listed = AuditEvent.objects.filter(type=EventType.CASES_LISTED).order_by("-seq").first()
    assert listed.payload["via"] == "request_queue"
    assert listed.payload["cases"][0]["categories"] == ["identity", "panel"]
    viewed = AuditEvent.objects.filter(type=EventType.CASE_VIEWED).order_by("-seq").first()
    assert viewed.payload["via"] == "request_answer"


def test_the_queue_costs_the_same_however_many_requests_it_shows(
    sign_in, user, agency, django_assert_max_num_queries
):
    officer, chair = user("northby.officer"), user("northby.chair")
    client = sign_in("northby.health")

    def add_request() -> None:
        send_request(open_case(officer, chair), chair, agency(HEALTH))

    add_request()
    with django_assert_max_num_queries(15) as few:
        assert client.get("/panels/requests/").status_code == 200
    for _ in range(6):
        add_request()
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/panels/requests/").content.decode()
    assert body.count("Answer<span") == 7
