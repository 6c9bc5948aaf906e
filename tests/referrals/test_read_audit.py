"""Every read of case data is recorded once, naming what was shown: a case page or API
fetch as one `case.viewed`, a page of a list as one `case.listed`."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from audit.event_types import EventType
from audit.models import AuditEvent
from audit.services.read_events import REPEAT_VIEW_SECONDS
from audit.vocabulary import Category
from tests.factories import make_referral, share

pytestmark = pytest.mark.django_db


@pytest.fixture
def referrals(user, agency):
    officer = user("northby.officer")
    made = [make_referral(officer) for _ in range(3)]
    share(made[0], officer, agency("Northby NHS Trust"), categories=(Category.CONCERN,))
    share(made[1], officer, agency("Northby NHS Trust"), categories=(Category.IDENTITY,))
    return made


def _events(event_type):
    return list(AuditEvent.objects.filter(type=event_type).order_by("seq"))


def test_the_api_list_records_one_event_for_the_page(sign_in, referrals, agency):
    client = sign_in("northby.health")

    rows = client.get("/api/referrals/").json()["results"]

    assert len(rows) == 2
    (listed,) = _events(EventType.CASES_LISTED)
    assert listed.payload["via"] == "api_list"
    shown = {case["id"]: case["categories"] for case in listed.payload["cases"]}
    assert shown == {str(referrals[0].pk): ["concern"], str(referrals[1].pk): ["identity"]}
    owner = str(referrals[0].owning_agency_id)
    assert {source for case in listed.payload["cases"] for source in case["sources"]} == {owner}
    assert _events(EventType.CASE_VIEWED) == []


def test_the_dashboard_records_only_what_it_displays(sign_in, referrals):
    sign_in("northby.health").get("/referrals/?status=all")

    (listed,) = _events(EventType.CASES_LISTED)
    shown = {case["id"]: case["categories"] for case in listed.payload["cases"]}
    # It shows names where identity is held, never the concern it may also hold.
    assert shown == {str(referrals[0].pk): [], str(referrals[1].pk): ["identity"]}


def test_a_reload_is_one_view_and_a_later_visit_another(sign_in, referrals):
    client = sign_in("northby.health")
    page = f"/referrals/{referrals[0].pk}/"

    client.get(page)
    client.get(page)
    assert len(_events(EventType.CASE_VIEWED)) == 1

    later = timezone.now() + datetime.timedelta(seconds=REPEAT_VIEW_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        client.get(page)
    views = _events(EventType.CASE_VIEWED)
    assert len(views) == 2
    assert views[-1].payload == {
        "categories": ["concern"],
        "sources": [str(referrals[0].owning_agency_id)],
        "via": "page",
    }


def test_a_view_showing_more_is_recorded_again_at_once(sign_in, referrals, user, agency):
    client = sign_in("northby.health")
    page = f"/referrals/{referrals[0].pk}/"
    client.get(page)

    share(referrals[0], user("northby.officer"), agency("Northby NHS Trust"))
    client.get(page)

    views = _events(EventType.CASE_VIEWED)
    assert [view.payload["categories"] for view in views] == [
        ["concern"],
        ["concern", "identity"],
    ]


def test_the_page_and_the_api_are_separate_views(sign_in, referrals):
    client = sign_in("northby.health")
    client.get(f"/referrals/{referrals[0].pk}/")
    client.get(f"/api/referrals/{referrals[0].pk}/")
    assert [view.payload["via"] for view in _events(EventType.CASE_VIEWED)] == ["page", "api"]


def test_a_refused_read_records_nothing(sign_in, referrals):
    client = sign_in("southmere.officer")
    assert client.get(f"/referrals/{referrals[0].pk}/").status_code == 404
    assert client.get("/api/referrals/").json()["results"] == []
    assert _events(EventType.CASE_VIEWED) == []
    assert _events(EventType.CASES_LISTED) == []
