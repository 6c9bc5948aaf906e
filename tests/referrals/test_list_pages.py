"""Paging through an agency's referrals, which come in two parts (its own, and other
agencies' it holds a grant on): every referral once, in order, whichever part it is in."""

import datetime
import re

import pytest

from referrals.selectors import (
    DashboardFilters,
    dashboard_referrals_for_user,
    referral_list_for_user,
)
from tests.factories import make_referral, share


@pytest.fixture
def mixed(user, agency):
    """Northby's force owns four referrals; Southmere's force shares three of its five with
    Northby's. Screening dates interleave the two parts."""
    northby, southmere = user("northby.officer"), user("southmere.officer")
    northby_force = agency("Northby Police Prevent Team")
    for day in (1, 3, 5, 7):
        make_referral(northby, received_on=datetime.date(2026, 11, day))
    for day in (2, 4, 6, 8, 9):
        referral = make_referral(southmere, received_on=datetime.date(2026, 11, day))
        if day != 4 and day != 9:
            share(referral, southmere, northby_force, categories=("identity",))
    return northby


def _api_pages(client) -> tuple[list[str], int]:
    url, ids, pages = "/api/referrals/?page_size=2", [], 0
    while url:
        body = client.get(url).json()
        ids += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    return ids, pages


def test_the_api_pages_through_owned_and_granted_referrals_newest_first(mixed, sign_in):
    expected = [
        str(pk)
        for pk in referral_list_for_user(membership=mixed.membership).values_list("pk", flat=True)
    ]

    ids, pages = _api_pages(sign_in("northby.officer"))

    assert len(expected) == 7
    assert ids == expected
    assert pages == 4


def test_the_dashboard_pages_soonest_due_first_across_both_parts(mixed, sign_in, monkeypatch):
    monkeypatch.setattr("referrals.web.views.PAGE_SIZE", 3)
    client = sign_in("northby.officer")
    expected = sorted(
        referral_list_for_user(membership=mixed.membership),
        key=lambda r: (r.screening_due_on, r.id),
    )
    references, url = [], "/referrals/?status=all"
    while url:
        html = client.get(url).content.decode()
        references += re.findall(r"PR-[A-Z0-9]{4}-[A-Z0-9]{4}", html)
        after = re.search(r'after=([\w=-]+)" rel="next"', html)
        url = f"/referrals/?status=all&after={after.group(1)}" if after else None

    assert list(dict.fromkeys(references)) == [referral.reference for referral in expected]


def test_a_filter_applies_to_both_parts(mixed):
    rows = dashboard_referrals_for_user(
        membership=mixed.membership, filters=DashboardFilters(status="received")
    )

    assert {referral.status for referral in rows[:10]} == {"received"}
    assert len(rows[:10]) == 7


def test_an_agency_with_neither_part_pages_nothing(user, mixed):
    rows = dashboard_referrals_for_user(
        membership=user("northby.health").membership, filters=DashboardFilters(status="all")
    )

    assert rows[:25] == []
