"""List pages and endpoints cost the same number of queries however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.vocabulary import Category
from referrals.models import Referral
from tests.factories import make_referral, progressed_referral, share

pytestmark = pytest.mark.django_db

LISTS = ["/referrals/", "/api/referrals/"]
AUDIT_LISTS = ["/audit/decisions/", "/api/audit/decisions/", "/audit/case-views/"]
MAX_QUERIES = 12


def _add_shared_referrals(user, agency, count: int) -> None:
    officer = user("northby.officer")
    for _ in range(count):
        referral = make_referral(officer)
        share(referral, officer, agency("Northby NHS Trust"))


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("username", ["northby.officer", "northby.health"])
def test_case_lists_do_not_grow_with_rows(sign_in, user, agency, path, username):
    client = sign_in(username)
    _add_shared_referrals(user, agency, 2)
    few = _queries(client, path)
    _add_shared_referrals(user, agency, 10)
    many = _queries(client, path)
    assert few == many
    assert many <= MAX_QUERIES


def _view_every_shared_case(client) -> None:
    for row in client.get("/api/referrals/?page_size=100").json()["results"]:
        client.get(f"/referrals/{row['id']}/")


@pytest.mark.parametrize("path", AUDIT_LISTS)
def test_audit_lists_do_not_grow_with_rows(sign_in, user, agency, path):
    client = sign_in("northby.auditor")
    health = sign_in("northby.health")
    _add_shared_referrals(user, agency, 2)
    _view_every_shared_case(health)
    few = _queries(client, path)
    _add_shared_referrals(user, agency, 10)
    _view_every_shared_case(health)
    many = _queries(client, path)
    assert few == many
    assert many <= MAX_QUERIES


# --- Pinned query counts with several rows, for the owner and an onward receiver ---------

ONWARD_RECEIVER = "Northby Mentoring Partnership"
# What the panel's chair passes on to the mentoring provider, one category per decision.
PASSED_ON = (Category.IDENTITY, Category.CONCERN, Category.SCREENING)
# Rows each page shows: decisions on one referral's page, referrals in a list.
ROWS = 8
# The most queries each page may make, as measured on PostgreSQL (SQLite makes one fewer:
# it takes no advisory lock to append the read event). Each pin is below ROWS, so a query
# per row cannot hide under it. The detail page reads the corrections of the record and
# the person's other referrals (one query each) besides its decisions and timeline.
PINNED = {"detail page": 14, "dashboard": 10, "API list": 9}
PATHS = {"dashboard": "/referrals/?status=all", "API list": "/api/referrals/"}


def _passed_on(user, agency, *, decisions: int) -> Referral:
    """A referral progressed to the panel, whose chair passed parts of it on to the
    mentoring provider in `decisions` decisions."""
    officer, chair = user("northby.officer"), user("northby.chair")
    referral = progressed_referral(officer)
    for number in range(decisions):
        category = PASSED_ON[number % len(PASSED_ON)]
        share(referral, chair, agency(ONWARD_RECEIVER), categories=(category,))
    return referral


@pytest.mark.parametrize("username", ["northby.officer", "northby.provider"])
def test_the_referral_page_costs_the_same_however_many_decisions_it_shows(
    sign_in, user, agency, django_assert_max_num_queries, username
):
    """The owner and a receiver of onward shares each see ROWS decisions on the page."""
    referral = _passed_on(user, agency, decisions=ROWS)
    client = sign_in(username)

    with django_assert_max_num_queries(PINNED["detail page"]):
        response = client.get(f"/referrals/{referral.pk}/")

    assert response.status_code == 200
    timeline = response.content.decode().count(f"Sharing decision: shared with {ONWARD_RECEIVER}")
    assert timeline == ROWS


@pytest.mark.parametrize("page", PATHS)
@pytest.mark.parametrize("username", ["northby.officer", "northby.provider"])
def test_case_lists_cost_the_same_however_many_passed_on_referrals_they_show(
    sign_in, user, agency, django_assert_max_num_queries, page, username
):
    """The owner and a receiver of onward shares each list ROWS referrals."""
    referrals = [_passed_on(user, agency, decisions=1) for _ in range(ROWS)]
    client = sign_in(username)

    with django_assert_max_num_queries(PINNED[page]):
        response = client.get(PATHS[page])

    assert response.status_code == 200
    body = response.content.decode()
    assert all(str(referral.pk) in body for referral in referrals)
