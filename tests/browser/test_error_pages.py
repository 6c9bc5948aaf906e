"""Error pages in a real browser: styled, marked, accessible."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_no_axe_violations, assert_one_h1
from tests.browser.journeys import sign_in

pytestmark = pytest.mark.browser


def test_missing_page_is_accessible_and_leads_back_to_sign_in(page: Page, live_server, db):
    """Someone not signed in who mistypes an address is told so and offered sign-in."""
    response = page.goto(f"{live_server.url}/no/such/page/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator(".app-handling-marking")).to_have_text("OFFICIAL-SENSITIVE")
    expect(page.get_by_role("main").get_by_role("link", name="Sign in")).to_be_visible()
    assert_one_h1(page)
    assert_no_axe_violations(page)


def test_missing_page_for_a_signed_in_user_leads_home(page: Page, live_server, demo_people):
    """A signed-in user who follows a dead link keeps the header and can go home."""
    sign_in(page, live_server, "northby.officer")

    response = page.goto(f"{live_server.url}/no/such/page/")

    assert response.status == 404
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("link", name="Go to the home page")).to_be_visible()
    assert_no_axe_violations(page)
