"""The whole record in a real browser: as the owning officer, who may correct it, and as a
receiving agency holding two categories, reached from its list of cases shared with it; a
correction made by keyboard and its history."""

import re

import pytest
from playwright.sync_api import Page, expect

from audit.vocabulary import Category
from prevent_cases.models import Agency, User
from referrals.models import Referral
from tests.browser.accessibility import assert_no_axe_violations, assert_one_h1
from tests.browser.journeys import sign_in
from tests.factories import make_referral, share

pytestmark = pytest.mark.browser

REASON = "The family gave the right postcode at the home visit."


@pytest.fixture
def referral(demo_people) -> Referral:
    officer = User.objects.select_related("membership__agency").get(username="northby.officer")
    referral = make_referral(
        officer,
        postcode="NB1 2ZZ",
        phone="01632 960123",
        school="Synthetic Academy of Northby",
        referrer_name="Jo Referrer",
        referrer_role="Head of year",
        existing_involvement="Early help team already visiting",
    )
    share(
        referral,
        officer,
        Agency.objects.get(name="Northby NHS Trust"),
        categories=(Category.IDENTITY, Category.HEALTH),
    )
    return referral


def assert_accessible(page: Page) -> None:
    assert_one_h1(page)
    assert_no_axe_violations(page)


def test_the_owner_sees_the_whole_record_and_corrects_it_by_keyboard(
    page: Page, live_server, referral
):
    sign_in(page, live_server, "northby.officer")
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")

    expect(page).to_have_title(re.compile(rf"^Alex Testperson, referral {referral.reference} "))
    expect(page.locator(".moj-identity-bar__title")).to_have_text("Alex Testperson")
    for title in ("Identity and contact", "Concern narrative", "Education", "Health"):
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    expect(page.get_by_text("Early help team already visiting")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Correct postcode").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct the postcode")
    assert_accessible(page)

    # A value that does not fit is refused with a message and kept as typed.
    page.get_by_label("Postcode").fill("NOT A PC")
    page.get_by_label("Why was the record wrong?").fill(REASON)
    page.get_by_role("button", name="Save the correction").press("Enter")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_role("link", name="Enter a real UK postcode, like SW1A 1AA")).to_be_visible()
    expect(page.get_by_label("Postcode")).to_have_value("NOT A PC")
    assert_accessible(page)

    page.get_by_label("Postcode").fill("NB1 3AA")
    page.get_by_role("button", name="Save the correction").press("Enter")

    expect(page.get_by_text("Postcode corrected.")).to_be_visible()
    history = page.get_by_role("table", name="Corrections to identity and contact")
    expect(history).to_contain_text("NB1 2ZZ")
    expect(history).to_contain_text("NB1 3AA")
    expect(history).to_contain_text(REASON)
    assert_accessible(page)


def test_a_receiver_holding_two_categories_sees_them_and_why_it_was_given_them(
    page: Page, live_server, referral
):
    sign_in(page, live_server, "northby.health")

    # A partner agency starts from the cases shared with it, and opens this one from there.
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases shared with your agency")
    shares = page.get_by_role(
        "table", name="Cases shared with your agency, the most recently shared first"
    )
    expect(shares).to_contain_text("Alex Testperson")
    expect(shares).to_contain_text("Identity and contact")
    expect(shares).to_contain_text("No end date")
    assert_accessible(page)
    shares.get_by_role("link", name=referral.reference).click()

    expect(page.locator(".moj-identity-bar__title")).to_have_text("Alex Testperson")
    for title in ("Identity and contact", "Health"):
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    for title in ("Concern narrative", "Education"):
        expect(page.get_by_role("heading", name=title, exact=True)).to_have_count(0)
    expect(page.get_by_text("Early help team already visiting")).to_have_count(0)
    expect(page.get_by_role("heading", name="Shared with your agency")).to_be_visible()
    expect(page.get_by_text("Assess support needs at the Channel panel")).to_be_visible()
    expect(page.get_by_role("link", name="Correct postcode")).to_have_count(0)
    assert_accessible(page)
