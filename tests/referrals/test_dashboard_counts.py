"""The referral list's counts of the agency's own referrals are for agencies that log
referrals: a provider's practitioner is not shown a block of zeros."""

import pytest

from tests.factories import make_referral

pytestmark = pytest.mark.django_db

HEADING = "Your agency's referrals"


def test_the_force_sees_its_counts_and_a_provider_sees_none(sign_in, officer):
    make_referral(officer)

    officer_page = sign_in("northby.officer").get("/referrals/").content.decode()
    provider_page = sign_in("northby.provider").get("/referrals/").content.decode()

    assert HEADING in officer_page
    assert HEADING not in provider_page
