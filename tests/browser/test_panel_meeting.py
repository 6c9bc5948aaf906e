"""A Channel panel meeting run by its chair in a real browser, from scheduling it to
closing it: attendance, the agenda, the papers, a decision on each of two cases (one
refused first and corrected), an action, and the minutes. Every page and every state the
chair sees is checked with axe-core."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from panels.models import PanelAction, PanelCase
from panels.models.vocabulary import Stage
from prevent_cases.models import User
from tests.browser.journeys import sign_in
from tests.browser.panel_journeys import (
    assert_accessible,
    error_summary,
    error_title,
    group,
    success_banner,
    uk_date,
)
from tests.panels.factories import open_case

pytestmark = pytest.mark.browser

POLICE = "Northby Police Prevent Team"
HEALTH = "Northby NHS Trust"
NO_POLICE = "no representative of the police force for the area where the person lives"
ADOPT_REASONS = "Susceptibility is clear from the referral and what partners have shared."
NOT_ADOPT_REASONS = "Needs are about mental health; no terrorism-related vulnerability found."
MINUTES = "Synthetic minutes: the police summarised the referral and partners added context."
ACTION = "Arrange a first meeting with the family and report back to the panel."


@pytest.fixture
def chair(demo_people) -> User:
    return User.objects.select_related("membership__agency").get(username="northby.chair")


@pytest.fixture
def cases(chair) -> tuple[PanelCase, PanelCase]:
    """Two referrals the police progressed and the panel accepted, the first first."""
    officer = User.objects.select_related("membership__agency").get(username="northby.officer")
    first = open_case(officer, chair, given_names="Robin", family_name="Example")
    second = open_case(officer, chair, given_names="Sam", family_name="Sample")
    return first, second


def agenda_case(page: Page, panel_case: PanelCase) -> Locator:
    """The meeting page's section for one agenda case, named by its heading."""
    return page.get_by_role("region", name=re.compile(re.escape(panel_case.referral.reference)))


def test_chair_runs_a_meeting_of_two_cases(page: Page, live_server, cases):
    first, second = cases
    robin, sam = first.referral.reference, second.referral.reference

    # The chair signs in and starts from the panel's dashboard
    sign_in(page, live_server, "northby.chair")
    expect(page).to_have_url(f"{live_server.url}/panels/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Panel dashboard")
    assert_accessible(page)

    # Schedules a meeting from the meetings page
    page.get_by_role("link", name="Meetings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Panel meetings")
    expect(page.get_by_text("No upcoming meetings.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Schedule a meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schedule a panel meeting")
    assert_accessible(page)
    page.get_by_label("Date").fill(uk_date(7))
    page.get_by_label("Start time").fill("10:30")
    page.get_by_label("Where").fill("Council offices, room 2")
    page.get_by_role("button", name="Schedule meeting").click()
    expect(success_banner(page)).to_contain_text("Meeting scheduled.")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Meeting on .* 10:30$"))
    expect(page.get_by_text("No attendance recorded yet.")).to_be_visible()
    assert_accessible(page)

    # Builds the agenda: both cases, each saying why no decision can be recorded yet
    page.get_by_role("button", name="Add the cases due to the agenda").click()
    expect(success_banner(page)).to_contain_text("Agenda built: 2 case(s) added.")
    for case, name in ((first, "Robin Example"), (second, "Sam Sample")):
        section = agenda_case(page, case)
        expect(section.get_by_role("heading", level=3)).to_contain_text(name)
        expect(section.locator(".govuk-warning-text")).to_contain_text(NO_POLICE)
    assert_accessible(page)

    # Records attendance: the police present, the NHS Trust sending apologies
    page.get_by_role("link", name="Record attendance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record attendance")
    assert_accessible(page)
    group(page, POLICE).get_by_label("Present").check()
    officer = User.objects.get(username="northby.officer")
    page.get_by_label(f"Who attended for {POLICE} (optional)").select_option(
        label=officer.get_full_name()
    )
    group(page, HEALTH).get_by_label("Apologies").check()
    page.get_by_role("button", name="Record attendance").click()
    expect(success_banner(page)).to_contain_text("Attendance recorded.")
    attendance = page.locator(".govuk-summary-list").first
    expect(attendance).to_contain_text(f"Present: {officer.get_full_name()}")
    expect(attendance).to_contain_text("Apologies")
    expect(page.get_by_text(NO_POLICE)).to_have_count(0)
    assert_accessible(page)

    # Confirms in one step what each member agency is given
    page.get_by_role("link", name="Confirm the papers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Confirm what each member agency is given"
    )
    expect(group(page, f"{robin}: {HEALTH}").get_by_role("checkbox").first).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm papers").click()
    expect(success_banner(page)).to_contain_text("Papers confirmed:")
    expect(page.get_by_role("link", name="Meeting papers")).to_be_visible()
    expect(page.get_by_role("link", name="Confirm the papers")).to_have_count(0)
    assert_accessible(page)

    # A decision on the first case, sent by majority without the votes, is refused...
    section = agenda_case(page, first)
    group(section, "What did the panel decide?").get_by_label("Adopt as a Channel case").check()
    group(section, "How did the panel decide?").get_by_label("By majority").check()
    section.get_by_label("The panel's reasons").fill(ADOPT_REASONS)
    section.get_by_label("Minutes of the discussion (optional)").fill(MINUTES)
    section.get_by_role("button", name=f"Record decision on {robin}").click()

    # ...explained in a summary that takes focus and leads to the field, keeping what was typed
    expect(page).to_have_title(error_title("Panel meeting"))
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Record the votes for.", "Record the votes against."]
    )
    section = agenda_case(page, first)
    votes_for = section.get_by_label("Votes for")
    expect(votes_for).to_have_accessible_description(re.compile(r"Error:\s+Record the votes for\."))
    expect(
        group(section, "What did the panel decide?").get_by_label("Adopt as a Channel case")
    ).to_be_checked()
    expect(group(section, "How did the panel decide?").get_by_label("By majority")).to_be_checked()
    expect(section.get_by_label("The panel's reasons")).to_have_value(ADOPT_REASONS)
    expect(section.get_by_label("Minutes of the discussion (optional)")).to_have_value(MINUTES)
    assert_accessible(page)
    summary.get_by_role("link", name="Record the votes for.").click()
    expect(votes_for).to_be_focused()

    # The chair corrects it: the panel was unanimous
    group(section, "How did the panel decide?").get_by_label("Unanimous").check()
    section.get_by_role("button", name=f"Record decision on {robin}").click()
    expect(success_banner(page)).to_contain_text(f"Decision recorded for {robin}.")
    section = agenda_case(page, first)
    expect(section.get_by_role("heading", name="Decided at this meeting")).to_be_visible()
    expect(section).to_contain_text("Adopt as a Channel case")
    expect(section).to_contain_text("Unanimous")
    expect(section.get_by_role("button", name=f"Record decision on {robin}")).to_have_count(0)
    assert_accessible(page)

    # The second case is not adopted, by majority, and referred to health services
    section = agenda_case(page, second)
    group(section, "What did the panel decide?").get_by_label(
        "Do not adopt: record the onward route"
    ).check()
    group(section, "How did the panel decide?").get_by_label("By majority").check()
    section.get_by_label("Votes for").fill("4")
    section.get_by_label("Votes against").fill("1")
    section.get_by_label("The panel's reasons").fill(NOT_ADOPT_REASONS)
    section.get_by_label("If not adopted, where does the case go?").select_option(
        label="Referred to health services"
    )
    section.get_by_label("If referred on, to which service?").fill("Community mental health team")
    section.get_by_role("button", name=f"Record decision on {sam}").click()
    expect(success_banner(page)).to_contain_text(f"Decision recorded for {sam}.")
    section = agenda_case(page, second)
    expect(section).to_contain_text("Do not adopt: record the onward route")
    expect(section).to_contain_text("4 for, 1 against")
    assert_accessible(page)

    # An action on the adopted case, for the NHS Trust, due in a fortnight
    section = agenda_case(page, first)
    section.get_by_text(f"Set an action on {robin}").click()
    assert_accessible(page)
    section.get_by_label("Which agency?").select_option(label=HEALTH)
    section.get_by_label("What is to be done").fill(ACTION)
    section.get_by_label("Due by").fill(uk_date(14))
    section.get_by_role("button", name="Set action").click()
    expect(success_banner(page)).to_contain_text("Action set.")
    expect(agenda_case(page, first)).to_contain_text(f"{HEALTH}, due")
    expect(agenda_case(page, first)).to_contain_text(ACTION)
    assert_accessible(page)

    # The chair closes the meeting with its minutes
    page.get_by_label("General minutes of the meeting (optional)").fill(MINUTES)
    page.get_by_role("button", name="Close meeting").click()
    expect(success_banner(page)).to_contain_text("Meeting closed.")
    expect(page.get_by_role("main")).to_contain_text("Closed on")
    expect(page.get_by_role("heading", name="Minutes")).to_be_visible()
    expect(page.get_by_role("button", name="Close meeting")).to_have_count(0)
    expect(page.get_by_role("link", name="Record attendance")).to_have_count(0)
    assert_accessible(page)

    # What the chair did in the browser is what the panel's record holds
    stages = dict(PanelCase.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "stage"))
    assert stages == {first.pk: Stage.ASSESSMENT, second.pk: Stage.NOT_ADOPTED}
    action = PanelAction.objects.select_related("owner_agency").get(panel_case=first)
    assert (action.owner_agency.name, action.description) == (HEALTH, ACTION)
