"""Intervention delivery in a real browser: the mentoring provider's practitioner accepts
an assignment, records a session that raises a concern (after a first try the rules
refuse), and the panel chair reads it at review and records that the panel considered it.
Every page and every state is checked with axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

from panels.models import Intervention
from prevent_cases.models import Agency, User
from tests.browser.journeys import sign_in
from tests.browser.panel_journeys import (
    assert_accessible,
    error_summary,
    error_title,
    group,
    sign_out,
    success_banner,
    uk_date,
)
from tests.panels.delivery_steps import assigned

pytestmark = pytest.mark.browser

SESSION_NOTES = "Talked about a closed online group a new friend invited him to join."
CONSIDERED = "The police will be asked at the next meeting what is known of the group."


def _person(username: str) -> User:
    return User.objects.select_related("membership__agency").get(username=username)


@pytest.fixture
def work(demo_people) -> Intervention:
    """A mentoring intervention the Northby panel assigned a month ago, not yet answered."""
    provider = Agency.objects.get(name="Northby Mentoring Partnership")
    (work,) = assigned(_person("northby.officer"), _person("northby.chair"), provider)
    return work


def test_practitioner_records_a_concern_and_the_chair_reads_it(page: Page, live_server, work):
    # The practitioner signs in and starts from their interventions
    sign_in(page, live_server, "northby.provider")
    expect(page).to_have_url(f"{live_server.url}/panels/interventions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My interventions")
    assert_accessible(page)

    # Opens the assignment and accepts it
    page.get_by_role("link", name="Mentoring and counselling").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mentoring and counselling")
    assert_accessible(page)
    page.get_by_role("link", name="Accept or decline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answer the assignment")
    assert_accessible(page)
    group(page, "Will your agency deliver this intervention?").get_by_label(
        "Accept: we will deliver it"
    ).check()
    page.get_by_role("button", name="Send answer").click()
    expect(success_banner(page)).to_contain_text("Assignment accepted")
    assert_accessible(page)

    # Tries to raise a concern without saying what it is: refused, with everything kept
    page.get_by_role("link", name="Record a session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a session or contact")
    assert_accessible(page)
    page.get_by_label("Date of the session or contact").fill(uk_date(-2))
    group(page, "How did it take place?").get_by_label("Face-to-face meeting").check()
    group(page, "Did the person attend?").get_by_label("Yes").check()
    page.get_by_label("Length in minutes (optional)").fill("50")
    page.get_by_label("This session gives cause for concern").check()
    page.get_by_role("button", name="Record the session").click()
    expect(page).to_have_title(error_title("Record a session or contact"))
    expect(error_summary(page)).to_contain_text("Describe the concern")
    expect(page.get_by_label("Length in minutes (optional)")).to_have_value("50")
    assert_accessible(page)

    # Describes it, rates a goal and records the session
    page.get_by_label("Notes").fill(SESSION_NOTES)
    group(page, "Progress against: Attend sessions").get_by_label("Good progress").check()
    page.get_by_role("button", name="Record the session").click()
    expect(success_banner(page)).to_be_visible()
    expect(page.get_by_text(SESSION_NOTES)).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Concern").first).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The chair reads the case's interventions at review
    sign_in(page, live_server, "northby.chair")
    page.goto(f"{live_server.url}/panels/cases/{work.panel_case_id}/interventions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Interventions")
    expect(page.get_by_text("1 attended and 0 missed, of 6 planned")).to_be_visible()
    expect(page.get_by_text(SESSION_NOTES)).to_be_visible()
    assert_accessible(page)

    # Records that the panel considered the concern
    page.get_by_label("Record that the panel has considered this concern").fill(CONSIDERED)
    page.get_by_role("button", name=re.compile("^Record")).click()
    expect(success_banner(page)).to_contain_text("considered the concern")
    expect(page.get_by_text("No open concerns.")).to_be_visible()
    assert_accessible(page)
