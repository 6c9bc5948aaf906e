"""The administrator's pages in a real browser, with axe checks on each, and a new user's
invitation from the add form to their first sign-in."""

import re

import pytest
from playwright.sync_api import Page, expect

from prevent_cases.models import Agency, User
from tests.browser.accessibility import assert_no_axe_violations, assert_one_h1
from tests.browser.journeys import sign_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-synthetic-passphrase-of-his-own-3318"


def _check(page: Page, heading: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    assert_one_h1(page)
    assert_no_axe_violations(page)


def test_every_administration_page_passes_the_accessibility_check(
    page: Page, live_server, demo_people
):
    officer = User.objects.get(username="northby.officer")
    police = Agency.objects.select_related("area").get(name="Northby Police Prevent Team")
    sign_in(page, live_server, "northby.admin")

    page.goto(f"{live_server.url}/admin/")
    _check(page, "Agencies and users")

    page.get_by_role("link", name="Users").first.click()
    _check(page, "Select user to change")
    # A filter applied, then the list sorted by last sign-in: the filter and sort controls
    # are targets big enough to hit.
    page.locator("#changelist-filter").get_by_role("link", name="Prevent officer").click()
    expect(page).to_have_url(re.compile(r"membership__role__exact=prevent_officer"))
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    _check(page, "Select user to change")
    page.get_by_role("link", name="Last sign-in").click()
    expect(page).to_have_url(re.compile(r"\bo="))
    _check(page, "Select user to change")

    for address, heading in [
        (f"/admin/prevent_cases/user/{officer.pk}/change/", "Change user"),
        (f"/admin/prevent_cases/user/{officer.pk}/password/", "Change password"),
        (f"/admin/prevent_cases/user/{officer.pk}/history/", "Change history"),
        ("/admin/prevent_cases/user/add/", "Add user"),
        ("/admin/prevent_cases/agency/", "Select agency to change"),
        ("/admin/prevent_cases/agency/?kind__exact=police", "Select agency to change"),
        (f"/admin/prevent_cases/agency/{police.pk}/change/", "Change agency"),
        ("/admin/prevent_cases/agency/add/", "Add agency"),
        ("/admin/prevent_cases/area/", "Select area to change"),
        (f"/admin/prevent_cases/area/{police.area_id}/change/", "Change area"),
    ]:
        page.goto(f"{live_server.url}{address}")
        _check(page, heading)

    # A form sent back with its errors.
    page.goto(f"{live_server.url}/admin/prevent_cases/user/add/")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errornote")).to_be_visible()
    _check(page, "Add user")


def test_a_new_user_is_invited_sets_their_password_and_signs_in(
    page: Page, live_server, demo_people, mailoutbox
):
    sign_in(page, live_server, "northby.admin")
    page.goto(f"{live_server.url}/admin/prevent_cases/user/add/")
    expect(page.locator('input[type="password"]')).to_have_count(0)

    page.get_by_label("Username").fill("northby.newstarter")
    page.get_by_label("First name").fill("Nathan")
    page.get_by_label("Last name").fill("Starling")
    page.get_by_label("Email address").fill("northby.newstarter@example.org")
    membership = page.locator("#membership-0")
    membership.get_by_label("Agency").select_option(label="Northby Probation Service")
    membership.get_by_label("Role").select_option(label="Practitioner")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text(
        "A link to set their password was emailed to northby.newstarter@example.org"
    )
    # The user's page offers a new invitation while no password is set.
    expect(page.get_by_role("button", name="Send a new invitation")).to_be_visible()
    _check(page, "Change user")

    (email,) = mailoutbox
    assert email.to == ["northby.newstarter@example.org"]
    link = re.search(r"/set-password/\S+/", email.body).group(0)
    page.context.clear_cookies()

    page.goto(f"{live_server.url}{link}")
    expect(page).to_have_url(re.compile(r"/set-password/[^/]+/set-password/$"))
    expect(page).to_have_title("Set your password \N{EN DASH} Prevent case management")
    expect(page.get_by_role("main")).to_contain_text("northby.newstarter")
    _check(page, "Set your password")

    page.get_by_label("Password", exact=True).fill("too-short")
    page.get_by_label("Confirm password").fill("too-short")
    page.get_by_role("button", name="Set password").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("at least 12 characters")
    expect(page.get_by_label("Password", exact=True)).to_have_accessible_description(
        re.compile(r"Error:.*at least 12 characters")
    )
    _check(page, "Set your password")

    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password").click()
    expect(page).to_have_url(f"{live_server.url}/sign-in/")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your password is set")
    _check(page, "Sign in")

    sign_in(page, live_server, "northby.newstarter", password=NEW_PASSWORD)
    expect(page.locator(".app-signed-in-bar")).to_contain_text("Nathan Starling")

    # The link has done its work.
    page.goto(f"{live_server.url}{link}")
    _check(page, "This link no longer works")
