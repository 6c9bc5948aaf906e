"""The Channel inbox: referrals waiting for the panel, cases gathering information, and
cases due at the next meeting, for the panel's chair and coordinators alone."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from audit.event_types import EventType
from audit.models import AuditEvent
from panels.models import Meeting, PanelCase
from panels.models.vocabulary import Stage
from tests.factories import progressed_referral
from tests.panels.factories import open_case
from tests.panels.request_factories import send_request

pytestmark = pytest.mark.django_db

HEALTH = "Northby NHS Trust"


def _days_ago(days: int):
    return time_machine.travel(timezone.now() - datetime.timedelta(days=days), tick=True)


def _set_review(panel_case: PanelCase, on: datetime.date) -> None:
    # The meeting feature sets reviews when support starts; the inbox only reads the date.
    PanelCase.objects.filter(pk=panel_case.pk).update(stage=Stage.REVIEW, next_review_on=on)


@pytest.mark.parametrize("username", ["northby.chair", "northby.coordinator"])
def test_the_panel_sees_waiting_referrals_oldest_first_with_days_waiting(sign_in, user, username):
    officer = user("northby.officer")
    with _days_ago(6):
        older = progressed_referral(officer, family_name="Olderperson")
    newer = progressed_referral(officer, family_name="Newerperson")

    response = sign_in(username).get("/panels/inbox/")

    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(older.reference) < body.index(newer.reference)
    assert "Alex Olderperson" in body
    assert "Alex Newerperson" in body
    assert "Waiting 6 days" in body
    assert "Waiting 0 days" in body


def test_a_long_queue_shows_its_oldest_first_and_says_more_are_waiting(sign_in, user, monkeypatch):
    monkeypatch.setattr("panels.selectors.inbox.INBOX_LIMIT", 2)
    officer = user("northby.officer")
    with _days_ago(9):
        oldest = progressed_referral(officer, family_name="Oldestperson")
    with _days_ago(5):
        older = progressed_referral(officer, family_name="Olderperson")
    newest = progressed_referral(officer, family_name="Newestperson")

    body = sign_in("northby.coordinator").get("/panels/inbox/").content.decode()

    assert oldest.reference in body
    assert older.reference in body
    assert newest.reference not in body
    assert "Showing the first 2, the longest waiting first. More are waiting." in body


@pytest.mark.parametrize(
    "username",
    ["northby.officer", "northby.health", "northby.probation", "northby.auditor", "northby.admin"],
)
def test_roles_without_an_inbox_are_told_so(sign_in, user, username):
    progressed_referral(user("northby.officer"))
    assert sign_in("northby.chair").get("/panels/inbox/").status_code == 200  # allowed side

    response = sign_in(username).get("/panels/inbox/")

    assert response.status_code == 403
    assert "The Channel inbox is for the chair and coordinators" in response.content.decode()


def test_another_areas_chair_sees_only_their_own_panels_inbox(sign_in, user):
    referral = progressed_referral(user("northby.officer"))
    response = sign_in("southmere.chair").get("/panels/inbox/")
    assert response.status_code == 200
    assert referral.reference not in response.content.decode()


def test_accepting_opens_the_case_and_shows_its_page_with_a_banner(sign_in, user):
    referral = progressed_referral(user("northby.officer"))
    client = sign_in("northby.coordinator")

    response = client.post(f"/panels/inbox/{referral.pk}/accept/", follow=True)

    panel_case = PanelCase.objects.get(referral=referral)
    assert response.redirect_chain[-1][0] == f"/panels/cases/{panel_case.pk}/"
    body = response.content.decode()
    assert "govuk-notification-banner--success" in body
    assert f"Referral {referral.reference} accepted" in body
    assert (
        referral.reference
        not in client.get("/panels/inbox/").content.decode().split('id="gathering"')[0]
    )


@pytest.mark.parametrize(
    ("username", "status"),
    [("southmere.chair", 404), ("northby.health", 404), ("northby.officer", 403)],
)
def test_only_the_responsible_panel_accepts(sign_in, user, username, status):
    referral = progressed_referral(user("northby.officer"))
    assert sign_in(username).post(f"/panels/inbox/{referral.pk}/accept/").status_code == status
    assert not PanelCase.objects.filter(referral=referral).exists()
    allowed = sign_in("northby.chair").post(f"/panels/inbox/{referral.pk}/accept/")
    assert allowed.status_code == 302


def test_accepting_twice_says_it_is_already_before_the_panel(sign_in, user):
    referral = progressed_referral(user("northby.officer"))
    client = sign_in("northby.chair")
    client.post(f"/panels/inbox/{referral.pk}/accept/")
    response = client.post(f"/panels/inbox/{referral.pk}/accept/", follow=True)
    assert response.redirect_chain[-1][0] == "/panels/inbox/"
    assert PanelCase.objects.filter(referral=referral).count() == 1


def test_cases_gathering_information_show_open_and_overdue_requests(sign_in, user, agency):
    chair = user("northby.chair")
    with _days_ago(10):
        case = open_case(user("northby.officer"), chair)
        send_request(case, chair, agency(HEALTH), due_in_days=3)
        send_request(case, chair, agency("Northby College"), due_in_days=30)

    body = sign_in("northby.coordinator").get("/panels/inbox/").content.decode()

    gathering = body.split('id="gathering"')[1].split('id="due"')[0]
    assert case.referral.reference in gathering
    assert "1 overdue" in gathering
    assert '<td class="govuk-table__cell">\n              2\n' in gathering


def test_cases_due_by_the_next_meeting(sign_in, user):
    officer, chair = user("northby.officer"), user("northby.chair")
    today = timezone.localdate()
    due = open_case(officer, chair, family_name="Dueperson")
    later = open_case(officer, chair, family_name="Laterperson")
    _set_review(due, today + datetime.timedelta(days=10))
    _set_review(later, today + datetime.timedelta(days=20))
    Meeting.objects.create(
        panel=due.panel,
        source_agency_id=due.source_agency_id,
        starts_at=timezone.now() + datetime.timedelta(days=14),
        created_by=chair,
    )

    body = sign_in("northby.chair").get("/panels/inbox/").content.decode()

    section = body.split('id="due"')[1]
    assert due.referral.reference in section
    assert later.referral.reference not in section


def test_with_no_meeting_cases_due_within_28_days_are_shown(sign_in, user):
    officer, chair = user("northby.officer"), user("northby.chair")
    today = timezone.localdate()
    soon = open_case(officer, chair)
    far = open_case(officer, chair)
    _set_review(soon, today + datetime.timedelta(days=27))
    _set_review(far, today + datetime.timedelta(days=40))

    body = sign_in("northby.chair").get("/panels/inbox/").content.decode()

    section = body.split('id="due"')[1]
    assert soon.referral.reference in section
    assert far.referral.reference not in section


def test_the_inbox_is_recorded_as_one_list_read(sign_in, user):
    officer, chair = user("northby.officer"), user("northby.chair")
    waiting = progressed_referral(officer)
    gathering = open_case(officer, chair)
    before = AuditEvent.objects.filter(type=EventType.CASES_LISTED).count()

    sign_in("northby.chair").get("/panels/inbox/")

    (event,) = AuditEvent.objects.filter(type=EventType.CASES_LISTED).order_by("-seq")[:1]
    assert AuditEvent.objects.filter(type=EventType.CASES_LISTED).count() == before + 1
    assert event.payload["via"] == "channel_inbox"
    listed = {case["id"]: case["categories"] for case in event.payload["cases"]}
    assert listed == {
        str(waiting.pk): ["identity"],
        str(gathering.referral_id): ["identity"],
    }


def _fill_inbox(user, agency, count: int) -> None:
    officer, chair = user("northby.officer"), user("northby.chair")
    for _ in range(count):
        progressed_referral(officer)
        case = open_case(officer, chair)
        send_request(case, chair, agency(HEALTH))
        _set_review(open_case(officer, chair), timezone.localdate())


def test_the_inbox_costs_the_same_however_many_rows_it_shows(
    sign_in, user, agency, django_assert_max_num_queries
):
    client = sign_in("northby.coordinator")
    _fill_inbox(user, agency, 1)
    # At most 12 as the benchmark counts them: the read event's BEGIN and COMMIT, hidden
    # here by the test's own transaction, make two of them.
    with django_assert_max_num_queries(10) as few:
        assert client.get("/panels/inbox/").status_code == 200
    _fill_inbox(user, agency, 6)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get("/panels/inbox/")
    assert response.status_code == 200
    assert response.content.decode().count("Accept<span") == 7
    assert len(many.captured_queries) == len(few.captured_queries)
