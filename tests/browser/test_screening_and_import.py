"""Screening a referral and importing referrals from a CSV file, in a real browser, with
an accessibility check on every page and error state."""

import re

import pytest
from playwright.sync_api import Page, expect

from prevent_cases.models import User
from referrals.models import Referral
from tests.browser.accessibility import assert_no_axe_violations, assert_one_h1
from tests.browser.journeys import sign_in
from tests.factories import make_referral

pytestmark = pytest.mark.browser


def _accessible(page: Page) -> None:
    assert_one_h1(page)
    assert_no_axe_violations(page)


@pytest.fixture
def officer(demo_people) -> User:
    return User.objects.select_related("membership__agency").get(username="northby.officer")


def test_officer_screens_a_referral_and_closes_it(page: Page, live_server, officer):
    # Given a referral the officer's force logged
    referral = make_referral(officer)
    sign_in(page, live_server, "northby.officer")
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    _accessible(page)

    # When they start screening and submit the outcome form empty
    page.get_by_role("button", name="Start screening").click()
    expect(page.get_by_text("Screening started.")).to_be_visible()
    page.get_by_role("link", name="Record the screening outcome").click()
    _accessible(page)
    page.get_by_role("button", name="Record outcome").click()

    # Then every missing answer is listed and the page still passes its checks
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the outcome of screening.")
    _accessible(page)

    # When they answer and submit again
    page.get_by_label("Not part of a live investigation").check()
    page.get_by_label("Signposted to other services").check()
    page.get_by_label("If signposted, to which service?").select_option("early_help")
    page.get_by_label("Why this outcome?").fill(
        "Family needs support; no susceptibility to radicalisation was found."
    )
    page.get_by_role("button", name="Record outcome").click()

    # Then the referral is closed and its timeline says so
    expect(page.get_by_text("Screening outcome recorded")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Closed")
    _accessible(page)
    assert Referral.objects.get(pk=referral.pk).outcome == "signposted"


def test_officer_imports_a_file_with_a_bad_row_then_a_good_one(
    page: Page, live_server, officer, tmp_path
):
    area = officer.membership.agency.area.code
    header = "given_names,family_name,date_of_birth,received_on,concern_summary,area\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(header + f"Sam,Example,2010-01-01,2999-01-01,Synthetic concern,{area}\n")
    good = tmp_path / "good.csv"
    good.write_text(header + f"Sam,Example,2010-01-01,2026-11-02,Synthetic concern,{area}\n")
    sign_in(page, live_server, "northby.officer")
    page.goto(f"{live_server.url}/referrals/")
    page.get_by_role("link", name="Import referrals from a CSV file").click()
    _accessible(page)

    # A file with a bad row is rejected whole, row by row
    page.get_by_label("Upload a CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("main")).to_contain_text("Rejected")
    expect(page.locator("main")).to_contain_text("received_on")
    _accessible(page)
    assert not Referral.objects.exists()

    # A good file is imported
    page.goto(f"{live_server.url}/referrals/import/")
    page.get_by_label("Upload a CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("main")).to_contain_text("Imported")
    _accessible(page)
    assert Referral.objects.count() == 1
