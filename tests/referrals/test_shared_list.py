"""A receiving agency's list of the cases shared with it: the newest share first, with what
was shared, by whom and when access ends; a share that ended leaves it, and an agency never
given a case finds nothing of it there."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from audit.vocabulary import Category
from referrals.services.case import referral_decision_revoke
from tests.factories import make_referral, progressed_referral, share

pytestmark = pytest.mark.django_db

LIST = "/referrals/shared-with-us/"


def _rows(page: str) -> list[str]:
    body = page.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return body.split('<tr class="govuk-table__row">')[1:]


def test_the_receiver_sees_each_case_most_recently_shared_first_with_what_by_whom_and_until_when(
    sign_in, user, agency
):
    officer = user("northby.officer")
    trust = agency("Northby NHS Trust")
    older = make_referral(officer, given_names="Olderperson")
    newer = make_referral(officer, given_names="Newerperson")
    ends = timezone.now() + datetime.timedelta(days=30)
    share(older, officer, trust, categories=(Category.IDENTITY,), expires_at=ends)
    share(newer, officer, trust, categories=(Category.CONCERN,))
    # A second share of the older case puts it back on top, as one row with both.
    share(older, officer, trust, categories=(Category.HEALTH,))

    response = sign_in("northby.health").get(LIST)

    assert response.status_code == 200
    first, second = _rows(response.content.decode())
    assert older.reference in first
    assert "Olderperson" in first
    assert "Identity and contact" in first
    assert "Health" in first
    assert "Northby Police Prevent Team (Prevent officer)" in first
    assert timezone.localtime(ends).strftime("%-d %b %Y") in first
    assert "for part of what was shared" in first
    assert newer.reference in second
    assert "Concern" in second
    assert "Name not shared with your agency" in second
    assert "Newerperson" not in second
    assert "No end date" in second


def test_a_share_that_ended_leaves_the_list(sign_in, user, agency):
    officer = user("northby.officer")
    referral = make_referral(officer)
    decision = share(referral, officer, agency("Northby NHS Trust"))
    client = sign_in("northby.health")
    assert referral.reference in client.get(LIST).content.decode()

    referral_decision_revoke(
        actor=officer,
        membership=officer.membership,
        referral=referral,
        decision=decision,
        reason="The trust no longer has a part to play in this case.",
    )

    page = client.get(LIST).content.decode()
    assert referral.reference not in page
    assert "every share has ended" in page


@pytest.mark.parametrize("username", ["southmere.health", "northby.education", "northby.officer"])
def test_agencies_not_given_the_case_find_nothing_of_it(sign_in, user, agency, username):
    officer = user("northby.officer")
    referral = make_referral(officer, given_names="Sharedperson")
    share(referral, officer, agency("Northby NHS Trust"))

    page = sign_in(username).get(LIST).content.decode()

    assert referral.reference not in page
    assert "Sharedperson" not in page


def test_the_list_is_recorded_as_a_read_of_what_it_shows(sign_in, user, agency):
    officer = user("northby.officer")
    referral = make_referral(officer)
    share(referral, officer, agency("Northby NHS Trust"), categories=(Category.IDENTITY,))
    health = user("northby.health")

    sign_in("northby.health").get(LIST)

    event = AuditEvent.objects.filter(type="case.listed", actor=health.pk).latest("seq")
    assert event.payload["via"] == "shared"
    assert [case["id"] for case in event.payload["cases"]] == [str(referral.pk)]
    assert event.payload["cases"][0]["categories"] == [Category.IDENTITY]


def test_pages_follow_one_another_listing_each_case_once(sign_in, user, agency):
    officer = user("northby.officer")
    trust = agency("Northby NHS Trust")
    referrals = [make_referral(officer) for _ in range(27)]
    for referral in referrals:
        share(referral, officer, trust)
    # The oldest is shared again: it moves to the top, still one row.
    share(referrals[0], officer, trust, categories=("health",))
    client = sign_in("northby.health")

    first = client.get(LIST).content.decode()
    cursor = first.split("cursor=", 1)[1].split('"', 1)[0]
    second = client.get(f"{LIST}?cursor={cursor}").content.decode()

    references = [referral.reference for referral in referrals]
    on_first = [ref for ref in references if ref in first]
    on_second = [ref for ref in references if ref in second]
    assert len(_rows(first)) == 25
    assert references[0] in _rows(first)[0]
    assert set(on_second) == set(references[1:3])
    assert set(on_first).isdisjoint(on_second)


def test_the_list_costs_the_same_however_many_cases_are_shared(
    sign_in, user, agency, django_assert_max_num_queries
):
    officer = user("northby.officer")
    trust = agency("Northby NHS Trust")
    client = sign_in("northby.health")
    for count in (1, 12):
        for _ in range(count):
            share(make_referral(officer), officer, trust, categories=(Category.IDENTITY,))
        with django_assert_max_num_queries(12):
            assert client.get(LIST).status_code == 200


def test_the_referral_list_opens_on_every_case_held_for_an_agency_that_logs_none(sign_in, user):
    """Open referrals are those a force screens: the panel's local authority, which logs
    none, would open on an empty list."""
    officer = user("northby.officer")
    progressed = progressed_referral(officer)
    screening = make_referral(officer)

    coordinator_page = sign_in("northby.coordinator").get("/referrals/").content.decode()
    officer_page = sign_in("northby.officer").get("/referrals/").content.decode()

    assert progressed.reference in coordinator_page
    assert '<option value="all" selected>' in coordinator_page
    # The force still opens on what it has to screen.
    assert screening.reference in officer_page
    assert progressed.reference not in officer_page
    assert '<option value="open" selected>' in officer_page
