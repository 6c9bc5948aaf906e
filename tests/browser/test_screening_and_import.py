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

HEADER = (
    "given_names,family_name,date_of_birth,received_on,concern_summary,area,"
    "concern_type,interpreter_needed,person_aware\n"
)
ANSWERS = ",no_ideology,no,not_known\n"


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

    # Then every missing answer is listed at once and the page still passes its checks
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the outcome of screening.")
    expect(summary).to_contain_text("Record the result of the deconfliction check.")
    expect(summary).to_contain_text("Explain the reasons for this outcome")
    _accessible(page)

    # When they choose to progress, the consent questions appear beneath that option only
    signpost = page.get_by_label("Which service was the person signposted to?")
    expect(signpost).to_be_hidden()
    page.get_by_label("Progressed to the local authority for a Channel panel").check()
    expect(
        page.get_by_label("Why is sharing with the panel necessary and proportionate?")
    ).to_be_visible()
    expect(page.get_by_label("Consent not sought")).to_be_visible()
    _accessible(page)

    # And submitting with the sharing questions unanswered reports them with the rest
    page.get_by_role("button", name="Record outcome").click()
    expect(summary).to_contain_text("Say whether consent was given, refused or not sought.")
    expect(summary).to_contain_text("Record the result of the deconfliction check.")
    expect(page.get_by_label("Consent not sought")).to_be_visible()
    _accessible(page)

    # When they answer and choose signposting instead, the Channel questions hide again
    page.get_by_label("Not part of a live investigation").check()
    page.get_by_label("Signposted to other services").check()
    expect(page.get_by_label("Consent not sought")).to_be_hidden()
    signpost.select_option("early_help")
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
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + f"Sam,Example,2010-01-01,2999-01-01,Synthetic concern,{area}{ANSWERS}")
    good = tmp_path / "good.csv"
    good.write_text(HEADER + f"Sam,Example,2010-01-01,2026-11-02,Synthetic concern,{area}{ANSWERS}")
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


def test_officer_imports_a_row_about_a_known_person_and_links_it(
    page: Page, live_server, officer, tmp_path
):
    # Given an earlier referral the officer's force logged about the same person
    earlier = make_referral(officer, given_names="Robin", family_name="Earlier")
    area = officer.membership.agency.area.code
    file = tmp_path / "known.csv"
    file.write_text(
        HEADER + f"Robin,Earlier,2009-05-17,2026-11-02,Synthetic concern,{area}{ANSWERS}"
    )
    sign_in(page, live_server, "northby.officer")
    page.goto(f"{live_server.url}/referrals/import/")

    # When they upload it
    page.get_by_label("Upload a CSV file").set_input_files(str(file))
    page.get_by_role("button", name="Upload and check").click()

    # Then the row is listed with the earlier referral before anything is imported
    expect(page.locator("main")).to_contain_text("Waiting for your choices")
    expect(page.locator("main")).to_contain_text("Row 2: Robin Earlier")
    _accessible(page)
    assert Referral.objects.count() == 1

    # When they submit without choosing, the row's problem is reported
    page.get_by_role("button", name="Import with these choices").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    _accessible(page)

    # When they link it to the earlier referral
    page.get_by_label(f"Link to {earlier.reference}").check()
    page.get_by_role("button", name="Import with these choices").click()

    # Then it is imported as the same person, and the new reference links to the referral
    expect(page.locator("main")).to_contain_text("Imported 1 referral")
    _accessible(page)
    imported = Referral.objects.exclude(pk=earlier.pk).select_related("subject").get()
    assert imported.subject.person == earlier.subject.person
    page.get_by_role("link", name=imported.reference).click()
    expect(page.locator("h1")).to_be_visible()
    assert str(imported.pk) in page.url
