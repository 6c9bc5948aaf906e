"""Signing in and out in a real browser: what users see, with keyboard and axe checks."""

import re

import pytest
from playwright.sync_api import Page, expect

from prevent_cases.demo.accounts import DEMO_PASSWORD
from prevent_cases.models import User
from tests.browser.accessibility import assert_no_axe_violations, assert_one_h1
from tests.browser.journeys import sign_in

pytestmark = pytest.mark.browser


def test_officer_signs_in_and_sees_who_they_are(page: Page, live_server, demo_people):
    """After sign-in the officer lands on the force's referrals, "Log a referral" first, and
    the header says who and what they are; home says what each part of the service is for."""
    officer = User.objects.get(username="northby.officer")

    sign_in(page, live_server, "northby.officer")

    expect(page).to_have_url(f"{live_server.url}/referrals/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals")
    expect(page.locator("main .govuk-button").first).to_have_text("Log a referral")
    signed_in_bar = page.locator(".app-signed-in-bar")
    expect(signed_in_bar).to_contain_text(officer.get_full_name())
    expect(signed_in_bar).to_contain_text("Prevent officer")
    expect(signed_in_bar).to_contain_text("Northby Police Prevent Team")
    expect(page.locator(".app-handling-marking")).to_have_text("OFFICIAL-SENSITIVE")
    assert_one_h1(page)
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Home").click()
    expect(page).to_have_title("Home \N{EN DASH} Prevent case management")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {officer.first_name}")
    expect(page.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="Log a referral")).to_be_visible()
    assert_no_axe_violations(page)


def test_sign_in_page_and_demo_accounts_are_accessible(page: Page, live_server, demo_people):
    """The sign-in page, with its list of demo accounts opened, has no WCAG violations."""
    page.goto(f"{live_server.url}/sign-in/")

    expect(page).to_have_title("Sign in \N{EN DASH} Prevent case management")
    assert_one_h1(page)
    assert_no_axe_violations(page)

    page.get_by_text("Demo sign-ins (synthetic data)").click()
    officer_row = page.get_by_role("row").filter(has_text="northby.officer")
    expect(officer_row).to_contain_text("Prevent officer")
    expect(officer_row).to_contain_text("Northby Police Prevent Team")
    expect(page.locator("details")).to_contain_text(DEMO_PASSWORD)
    assert_no_axe_violations(page)


def test_wrong_password_is_explained_and_each_error_leads_to_its_field(
    page: Page, live_server, demo_people
):
    """A failed sign-in shows the error summary first, linked to the field to correct."""
    sign_in(page, live_server, "northby.officer", password="not-the-password")

    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    # GOV.UK Frontend moves focus to the summary so screen readers announce it at once.
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a correct username and password")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Username")).to_be_focused()
    expect(page.get_by_label("Username")).to_have_value("northby.officer")
    assert_one_h1(page)
    assert_no_axe_violations(page)


def test_empty_form_marks_each_missing_field(page: Page, live_server, demo_people):
    """Submitting nothing shows an inline error on each field as well as in the summary."""
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator(".govuk-error-summary a")).to_have_count(2)
    username = page.get_by_label("Username")
    expect(username).to_have_class(re.compile(r"\bgovuk-input--error\b"))
    # The error message is tied to the input, so screen readers read it with the label.
    expect(username).to_have_accessible_description(re.compile(r"^Error:\s+\S"))
    assert_no_axe_violations(page)


def test_sign_out_returns_to_sign_in(page: Page, live_server, demo_people):
    """Signing out ends the session: home is no longer reachable without signing in."""
    sign_in(page, live_server, "northby.officer")

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(f"{live_server.url}/sign-in/")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/sign-in/?next=/")


def test_keyboard_only_user_can_skip_to_content_sign_in_and_out(
    page: Page, live_server, demo_people
):
    """The skip link comes first and moves focus to the main content; the rest follows."""
    page.goto(f"{live_server.url}/sign-in/")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()

    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("northby.officer")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/referrals/")

    sign_out = page.get_by_role("button", name="Sign out")
    for _ in range(10):  # the sign-out button is in the header, a few stops in
        page.keyboard.press("Tab")
        if sign_out.evaluate("button => button === document.activeElement"):
            break
    expect(sign_out).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/sign-in/")


def test_repeated_failures_lock_the_account_with_an_explanation(
    page: Page, live_server, demo_people, settings
):
    """After too many wrong passwords the user is told to wait or call an administrator."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(page, live_server, "northby.officer", password="not-the-password")

    sign_in(page, live_server, "northby.officer")

    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot sign in at the moment")
    expect(page.get_by_role("main")).to_contain_text("Try again in an hour")
    assert_no_axe_violations(page)
