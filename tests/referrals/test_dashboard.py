"""The officer's dashboard: overdue first, search, filters, keyset pages; and the screening
pages a user drives it from."""

import datetime

import pytest
import time_machine

from referrals.models import Referral
from tests.factories import make_referral, share

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(user):
    return user("northby.officer")


def test_overdue_referrals_come_first_and_are_flagged(sign_in, officer):
    with time_machine.travel(datetime.date(2026, 11, 23)):
        fresh = make_referral(officer, received_on=datetime.date(2026, 11, 20))
        late = make_referral(officer, received_on=datetime.date(2026, 11, 2), family_name="Late")
        page = sign_in("northby.officer").get("/referrals/").content.decode()
    assert page.index(late.reference) < page.index(fresh.reference)
    assert page.count(">Overdue<") == 1


def test_search_by_reference_name_and_date_of_birth(sign_in, officer):
    target = make_referral(officer, family_name="Quennell", date_of_birth=datetime.date(2010, 3, 9))
    make_referral(officer, family_name="Other", date_of_birth=datetime.date(2011, 1, 1))
    client = sign_in("northby.officer")
    for query in (target.reference, "quennell", "09/03/2010"):
        page = client.get("/referrals/", {"q": query}).content.decode()
        assert target.reference in page, query
        assert "Other" not in page, query


def test_name_search_never_finds_a_case_shared_without_identity(sign_in, officer, agency):
    referral = make_referral(officer, family_name="Hidden")
    share(referral, officer, agency("Northby College"), categories=("family",))
    client = sign_in("northby.education")
    assert referral.reference in client.get("/referrals/").content.decode()
    assert referral.reference not in client.get("/referrals/", {"q": "hidden"}).content.decode()
    assert (
        referral.reference in client.get("/referrals/", {"q": referral.reference}).content.decode()
    )


def test_pages_follow_on_without_repeats(sign_in, officer):
    made = {make_referral(officer).reference for _ in range(30)}
    client = sign_in("northby.officer")
    first = client.get("/referrals/")
    cursor = first.context["next_cursor"]
    second = client.get("/referrals/", {"after": cursor})
    seen = [row.referral.reference for row in first.context["rows"] + second.context["rows"]]
    assert len(seen) == len(set(seen)) == 30
    assert set(seen) == made
    assert second.context["next_cursor"] is None


def test_status_filter(sign_in, officer):
    make_referral(officer)
    page = sign_in("northby.officer").get("/referrals/", {"status": "closed"})
    assert page.context["rows"] == []


def test_officer_screens_through_the_pages(sign_in, officer):
    referral = make_referral(officer)
    client = sign_in("northby.officer")
    assert client.post(f"/referrals/{referral.pk}/screening/start/").status_code == 302
    url = f"/referrals/{referral.pk}/screening/outcome/"
    refused = client.post(url, {"outcome": "signposted", "deconfliction": "no"})
    assert refused.status_code == 400
    assert "Choose the service the person was signposted to" in refused.content.decode()
    done = client.post(
        url,
        {
            "deconfliction": "no",
            "outcome": "signposted",
            "signposted_to": "early_help",
            "rationale": "Family support needs; no susceptibility to radicalisation seen.",
        },
    )
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "closed"
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Family support needs" in page
    assert "Closed" in page


def test_a_receiver_cannot_screen(sign_in, officer, agency):
    referral = make_referral(officer)
    share(referral, officer, agency("Northby NHS Trust"))
    client = sign_in("northby.health")
    assert client.get(f"/referrals/{referral.pk}/screening/outcome/").status_code == 403
    assert client.post(f"/referrals/{referral.pk}/screening/start/").status_code == 403
    assert Referral.objects.get(pk=referral.pk).status == "received"


def test_each_row_shows_how_long_ago_it_was_received(sign_in, officer):
    with time_machine.travel(datetime.date(2026, 11, 23)):
        make_referral(officer, received_on=datetime.date(2026, 11, 9))
        page = sign_in("northby.officer").get("/referrals/").content.decode()
    assert "2\xa0weeks ago" in page
