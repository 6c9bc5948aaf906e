"""The screening outcome page: every error at once, and questions revealed beneath the
outcome that asks them."""

import re

import pytest

from referrals.services.screening import referral_start_screening
from tests.factories import make_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def screen_url(user):
    officer = user("northby.officer")
    referral = make_referral(officer)
    referral_start_screening(actor=officer, membership=officer.membership, referral=referral)
    return f"/referrals/{referral.pk}/screening/outcome/"


def _summary(page) -> list[str]:
    summary = page.text.split('govuk-error-summary__list">')[1].split("</ul>")[0]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def test_an_empty_form_lists_every_missing_answer(sign_in, screen_url):
    page = sign_in("northby.officer").post(screen_url, {})

    assert page.status_code == 400
    assert [href for href, _ in _summary(page)] == [
        "id_deconfliction",
        "id_outcome",
        "id_rationale",
    ]


def test_progressing_with_gaps_lists_the_sharing_problems_too(sign_in, screen_url):
    """Consent and the justification are reported in the same round as the rest."""
    page = sign_in("northby.officer").post(screen_url, {"outcome": "channel"})

    assert [href for href, _ in _summary(page)] == [
        "id_deconfliction",
        "id_consent_status",
        "id_sharing_justification",
        "id_rationale",
    ]


def test_outcome_questions_are_revealed_beneath_their_option(sign_in, screen_url):
    """The signposting and Channel questions sit in conditional reveals controlled by their
    radio, with no aria-expanded on any input; all are in the page for use without script."""
    page = sign_in("northby.officer").get(screen_url).text

    assert 'data-module="app-conditional-reveal"' in page
    assert 'data-reveals="id_outcome_1-conditional"' in page
    assert 'data-reveals="id_outcome_3-conditional"' in page
    signposted = page.split('id="id_outcome_1-conditional"')[1].split('id="id_outcome_2"')[0]
    assert 'name="signposted_to"' in signposted
    channel = page.split('id="id_outcome_3-conditional"')[1].split('id="id_rationale"')[0]
    for name in ("consent_status", "consent_reason", "sharing_justification"):
        assert f'name="{name}"' in channel
    assert "aria-expanded" not in page


def test_a_chosen_outcome_keeps_its_questions_shown_after_an_error(sign_in, screen_url):
    page = sign_in("northby.officer").post(screen_url, {"outcome": "signposted"}).text

    assert 'class="govuk-radios__conditional" id="id_outcome_1-conditional"' in page
    assert 'govuk-radios__conditional--hidden" id="id_outcome_3-conditional"' in page


def test_minimum_lengths_are_stated_in_the_hints(sign_in, screen_url):
    page = sign_in("northby.officer").get(screen_url).text

    assert "At least 20 characters." in page
    assert "At least 6 words and 40 characters." in page
