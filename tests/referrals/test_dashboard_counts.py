"""The referral list's counts of the agency's own referrals are for agencies that log
referrals: a provider's practitioner is not shown a block of zeros."""

import datetime

import pytest
from django.utils import timezone

from referrals.models import Referral, ReferralStatus
from referrals.selectors import dashboard_counts
from tests.factories import make_referral

pytestmark = pytest.mark.django_db

HEADING = "Your agency's referrals"


def test_the_force_sees_its_counts_and_a_provider_sees_none(sign_in, officer):
    make_referral(officer)

    officer_page = sign_in("northby.officer").get("/referrals/").content.decode()
    provider_page = sign_in("northby.provider").get("/referrals/").content.decode()

    assert HEADING in officer_page
    assert HEADING not in provider_page


def test_counts_by_status_and_overdue_in_one_query(officer, django_assert_num_queries):
    """Each status is counted, and a referral is overdue only while it is still open and
    past its screening date; all from one query over the force's referrals."""
    today = timezone.localdate()
    make_referral(officer, received_on=today - datetime.timedelta(days=30))
    make_referral(officer, received_on=today)
    late_but_closed = make_referral(officer, received_on=today - datetime.timedelta(days=30))
    Referral.objects.filter(pk=late_but_closed.pk).update(status=ReferralStatus.CLOSED)

    with django_assert_num_queries(1):
        counts = dashboard_counts(membership=officer.membership)

    assert counts == {"received": 2, "closed": 1, "overdue": 1}


def test_counts_stop_past_the_cap_and_the_page_says_more_than(officer, sign_in, monkeypatch):
    monkeypatch.setattr("referrals.selectors.COUNT_CAP", 2)
    monkeypatch.setattr("referrals.web.views.COUNT_CAP", 2)
    for _ in range(4):
        make_referral(officer)

    counts = dashboard_counts(membership=officer.membership)
    page = sign_in("northby.officer").get("/referrals/").content.decode()

    assert counts["received"] == 3
    assert "more than 2" in page


def test_each_count_links_to_the_list_it_counts(officer, sign_in):
    today = timezone.localdate()
    late = make_referral(officer, received_on=today - datetime.timedelta(days=30))
    on_time = make_referral(officer, received_on=today)
    client = sign_in("northby.officer")

    page = client.get("/referrals/").content.decode()
    overdue = client.get("/referrals/?status=open&overdue_only=on").content.decode()

    assert 'href="?status=received"' in page
    assert 'href="?status=open&amp;overdue_only=on"' in page
    assert 'href="?status=closed"' not in page  # nothing closed: a plain 0, no link
    assert late.reference in overdue
    assert on_time.reference not in overdue
