"""The panel case page shows each item only to those entitled to it: the panel what its
partners shared with it, a partner what it originated and who the case is about, the police
their referral and only what partners shared with them."""

import datetime

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from audit.event_types import EventType
from audit.models import AuditEvent
from audit.vocabulary import Category
from panels.models import PanelCase
from panels.rules.stages import StageEvent
from panels.services.cases import panel_case_move
from referrals.services.case import referral_share
from tests.factories import decision_input
from tests.panels.factories import open_case
from tests.panels.request_factories import PURPOSE, answer_by_sharing, send_request

pytestmark = pytest.mark.django_db

HEALTH = "Northby NHS Trust"
CONCERN = "Synthetic concern: shared extremist material in class."
HEALTH_ANSWER = "Synthetic: known to the community mental health team since 2025."
RATIONALE = "The panel agrees the person is susceptible and Channel is the right route."


@pytest.fixture
def case(user, agency) -> PanelCase:
    """A case the panel adopted, after asking the NHS trust, which shared its answer."""
    chair = user("northby.chair")
    case = open_case(user("northby.officer"), chair)
    request = send_request(case, chair, agency(HEALTH))
    answer_by_sharing(request, user("northby.health"), [("health", HEALTH_ANSWER)])
    send_request(case, chair, agency("Northby College"), categories=("education",))
    with transaction.atomic():
        panel_case_move(
            actor=chair,
            membership=chair.membership,
            panel_case=case,
            event=StageEvent.ADOPT,
            rationale=RATIONALE,
            version=case.version,
        )
    return case


def _page(client, case: PanelCase):
    return client.get(f"/panels/cases/{case.pk}/")


def test_the_panel_sees_the_person_the_history_with_reasons_and_what_partners_shared(sign_in, case):
    response = _page(sign_in("northby.coordinator"), case)

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="identity-bar"' in body
    assert "Alex Testperson" in body
    assert "17 May 2009" in body
    assert case.referral.reference in body
    assert "Needs assessment" in body
    assert RATIONALE in body
    assert HEALTH_ANSWER in body
    assert PURPOSE in body
    assert "Northby College" in body  # every request, to whichever partner
    assert f'href="/referrals/{case.referral_id}/"' in body
    assert '<div id="case-sections">' in body
    assert "case sections from other features" not in body


def test_a_partner_sees_who_and_what_it_was_asked_and_nothing_else(sign_in, case):
    response = _page(sign_in("northby.health"), case)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Alex Testperson" in body
    assert PURPOSE in body
    assert HEALTH_ANSWER in body  # its own contribution
    assert (
        "Your agency may see of Northby Police Prevent Team's referral: Identity and contact."
        in body
    )
    assert CONCERN not in body
    assert RATIONALE not in body
    assert "Northby College" not in body  # a request to another partner


def test_the_police_see_a_partners_contribution_only_once_the_partner_shares_it(
    sign_in, user, agency, case
):
    officer = sign_in("northby.officer")
    before = _page(officer, case).content.decode()
    assert "Alex Testperson" in before  # the police's own record
    assert HEALTH_ANSWER not in before
    assert RATIONALE not in before

    health = user("northby.health")
    referral_share(
        actor=health,
        membership=health.membership,
        referral=case.referral,
        receiving_agency=agency("Northby Police Prevent Team"),
        data=decision_input(categories=(Category.HEALTH,)),
    )

    assert HEALTH_ANSWER in _page(officer, case).content.decode()


def test_the_panel_sees_a_contribution_only_after_the_partners_decision(sign_in, user, agency):
    chair = user("northby.chair")
    case = open_case(user("northby.officer"), chair)
    request = send_request(case, chair, agency(HEALTH))
    client = sign_in("northby.chair")
    assert "Synthetic health information" not in _page(client, case).content.decode()

    answer_by_sharing(request, user("northby.health"))

    assert "Synthetic health information" in _page(client, case).content.decode()


@pytest.mark.parametrize(
    "username", ["southmere.chair", "northby.childrens", "northby.auditor", "northby.provider"]
)
def test_a_case_the_viewer_may_not_see_is_not_found(sign_in, case, username):
    assert _page(sign_in("northby.chair"), case).status_code == 200  # the allowed side
    assert _page(sign_in(username), case).status_code == 404


def test_a_missing_case_is_not_found(sign_in):
    response = sign_in("northby.chair").get("/panels/cases/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


def test_the_view_is_recorded_with_what_it_may_show(sign_in, case):
    _page(sign_in("northby.health"), case)
    event = AuditEvent.objects.filter(type=EventType.CASE_VIEWED).order_by("-seq").first()
    assert event.target_id == case.referral_id
    assert event.payload["via"] == "page"
    assert "identity" in event.payload["categories"]
    assert "concern" not in event.payload["categories"]


def test_overdue_requests_are_flagged(sign_in, user, agency):
    chair = user("northby.chair")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=5), tick=True):
        case = open_case(user("northby.officer"), chair)
        send_request(case, chair, agency(HEALTH), due_in_days=1)
    body = _page(sign_in("northby.chair"), case).content.decode()
    assert "Overdue" in body


def test_the_page_costs_the_same_however_many_items_it_shows(
    sign_in, user, agency, django_assert_max_num_queries
):
    chair, health = user("northby.chair"), user("northby.health")
    case = open_case(user("northby.officer"), chair)
    client = sign_in("northby.chair")

    def add_answered_request() -> None:
        answer_by_sharing(send_request(case, chair, agency(HEALTH)), health)

    add_answered_request()
    # Three to sign the request in, six to read the case and its parts, one for the chair's
    # agenda items, one for the agencies it may add, and the read event (its check for a
    # recent view, then one statement on PostgreSQL and two here on SQLite).
    with django_assert_max_num_queries(14) as few:
        assert _page(client, case).status_code == 200
    for _ in range(6):
        add_answered_request()
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = _page(client, case).content.decode()
    assert body.count("Synthetic health information") == 7


def test_the_addressee_is_offered_its_open_request_to_answer(sign_in, case):
    education = _page(sign_in("northby.education"), case).content.decode()
    assert "/answer/" in education
    assert "/answer/" not in _page(sign_in("northby.chair"), case).content.decode()
