"""Error pages in a real browser: plain language, marked, accessible, and leaking nothing."""

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import Page, expect

from prevent_cases.models import Membership
from tests.browser.accessibility import assert_no_axe_violations, assert_one_h1
from tests.browser.journeys import sign_in

pytestmark = pytest.mark.browser


def test_missing_page_is_accessible_and_leads_back_to_sign_in(
    page: Page, live_server, transactional_db
):
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


def test_user_without_an_agency_is_told_why_and_can_sign_out(page: Page, live_server, demo_people):
    """A user whose membership has ended sees why they cannot continue, not a blank refusal."""
    Membership.objects.filter(user__username="northby.health").update(is_active=False)

    sign_in(page, live_server, "northby.health")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your account is not linked to an active agency"
    )
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/sign-in/")


def test_form_sent_without_its_security_token_is_explained(page: Page, live_server, demo_people):
    """A form whose CSRF cookie has gone (an expired page) gets a plain-language page."""
    page.goto(f"{live_server.url}/sign-in/")
    page.context.clear_cookies()
    page.get_by_label("Username").fill("northby.officer")

    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your form could not be sent")
    expect(page.get_by_role("main")).not_to_contain_text("CSRF")
    assert_no_axe_violations(page)


def test_server_error_page_is_accessible_without_a_request(
    page: Page, live_server, transactional_db
):
    """The 500 page, rendered as Django renders it (no request, no user), still passes axe."""
    broken_url = f"{live_server.url}/broken/"
    # Served by the browser's router: the live server has no page that fails on purpose,
    # and the stylesheet still comes from the live server as it would in production.
    page.route(
        broken_url,
        lambda route: route.fulfill(
            status=500, content_type="text/html", body=render_to_string("500.html")
        ),
    )

    page.goto(broken_url)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sorry, there is a problem with the service"
    )
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_no_axe_violations(page)
