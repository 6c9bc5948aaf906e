"""List pages and endpoints cost the same number of queries however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_referral, share

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
