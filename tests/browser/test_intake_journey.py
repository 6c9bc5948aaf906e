"""Logging a referral in a real browser, by keyboard: every page of the journey, an error
state, check your answers, and the referral it creates, each checked with axe."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from prevent_cases.models import User
from tests.browser.accessibility import assert_no_axe_violations, assert_one_h1
from tests.browser.journeys import sign_in
from tests.factories import make_referral

pytestmark = pytest.mark.browser

CONCERN = "Synthetic concern: shared violent extremist videos with classmates."


@pytest.fixture
def officer(demo_people) -> User:
    return User.objects.select_related("membership__agency").get(username="northby.officer")


def assert_accessible(page: Page) -> None:
    assert_one_h1(page)
    assert_no_axe_violations(page)


def press(page: Page, control: Locator, key: str = "Enter") -> None:
    """Operate a control from the keyboard: focus it, then press the key."""
    control.focus()
    page.keyboard.press(key)


def type_into(page: Page, control: Locator, text: str) -> None:
    control.focus()
    page.keyboard.type(text)


def choose(page: Page, legend: str, option: str) -> None:
    """Select a radio or checkbox inside the fieldset named `legend` with the space bar."""
    press(page, page.get_by_role("group", name=legend).get_by_label(option, exact=True), "Space")


def continue_(page: Page) -> None:
    press(page, page.get_by_role("button", name="Continue"))


def test_officer_logs_a_referral_about_a_child_known_before(page: Page, live_server, officer):
    """The whole journey, linking to an earlier person, ends on the new referral."""
    today = timezone.localdate()
    # 15 or 16 years old whatever the day the test runs: a child.
    born = datetime.date(today.year - 16, 1, 15)
    earlier = make_referral(
        officer, given_names="Alex", family_name="Testperson", date_of_birth=born
    )
    sign_in(page, live_server, "northby.officer")
    page.goto(f"{live_server.url}/referrals/")

    # The person: sent empty first, then answered
    press(page, page.get_by_role("link", name="Log a referral"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The person")
    assert_accessible(page)
    continue_(page)

    expect(page).to_have_title(re.compile(r"^Error: The person"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Enter the person's given names.",
            "Enter the person's family name.",
            "Enter a date of birth, or an estimated age if it is not known.",
            "Choose female, male or not known.",
            "Select yes if the person needs an interpreter.",
        ]
    )
    assert_accessible(page)
    # The summary's links take the keyboard to the field at fault
    press(page, summary.get_by_role("link", name="Enter the person's family name."))
    expect(page.get_by_label("Family name")).to_be_focused()

    type_into(page, page.get_by_label("Given names"), "Alix")
    type_into(page, page.get_by_label("Family name"), "Testpersen")
    date_of_birth = page.get_by_role("group", name="Date of birth")
    type_into(page, date_of_birth.get_by_label("Day"), "15")
    type_into(page, date_of_birth.get_by_label("Month"), "13")
    type_into(page, date_of_birth.get_by_label("Year"), str(born.year))
    choose(page, "Sex", "Male")
    choose(page, "Do they need an interpreter?", "No")
    continue_(page)

    # A month that does not exist is the only error left; the rest is kept
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary a")).to_have_text(
        ["Date of birth must be a real date."]
    )
    expect(date_of_birth.get_by_label("Day")).to_have_value("15")
    expect(page.get_by_label("Family name")).to_have_value("Testpersen")
    assert_accessible(page)
    month = date_of_birth.get_by_label("Month")
    month.fill("")
    type_into(page, month, "1")
    continue_(page)

    # Possible earlier referrals: the misspelt name still finds Alex Testperson
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible earlier referrals")
    match = page.get_by_role("radio", name=re.compile("Alex Testperson"))
    expect(match).to_have_accessible_description(
        re.compile(
            rf"Strong match\.\s+Born 15 January {born.year}\.\s+"
            r"1 earlier referral held by your agency"
        )
    )
    assert_accessible(page)
    press(page, match, "Space")
    continue_(page)

    # Child details, since the person is under 18
    expect(page.get_by_role("heading", level=1)).to_have_text("Child details")
    assert_accessible(page)
    type_into(page, page.get_by_label("Parent or guardian's name (optional)"), "Casey Sample")
    type_into(page, page.get_by_label("School or college (optional)"), "Northby Synthetic Academy")
    continue_(page)

    # The referrer
    expect(page.get_by_role("heading", level=1)).to_have_text("The referrer")
    assert_accessible(page)
    type_into(page, page.get_by_label("Referrer's name (optional)"), "Jordan Sample")
    choose(page, "Which sector is the referral from?", "Education")
    continue_(page)

    # The concern: received today and the officer's own area unless changed
    expect(page.get_by_role("heading", level=1)).to_have_text("The concern")
    received = page.get_by_role("group", name="When was the referral received?")
    expect(received.get_by_label("Day")).to_have_value(str(today.day))
    expect(page.get_by_label("Which area (local authority) is responsible?")).to_have_value(
        str(officer.membership.agency.area_id)
    )
    assert_accessible(page)
    choose(page, "Type of concern", "Extreme right-wing")
    type_into(page, page.get_by_label("What happened?"), CONCERN)
    choose(page, "Does the person know about the referral?", "Not known")
    choose(page, "Wider safeguarding needs", "Neurodiversity")
    continue_(page)

    # Check your answers, then change one answer and come back
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before logging the referral"
    )
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"Linked to Alex Testperson, born 15 January {born.year}")
    expect(main).to_contain_text("Northby Synthetic Academy")
    expect(main).to_contain_text(CONCERN)
    assert_accessible(page)
    press(page, page.get_by_role("link", name="Change referrer's name"))
    expect(page.get_by_label("Referrer's name (optional)")).to_have_value("Jordan Sample")
    page.get_by_label("Referrer's name (optional)").fill("")
    type_into(page, page.get_by_label("Referrer's name (optional)"), "Jordan Example")
    continue_(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before logging the referral"
    )
    expect(page.get_by_role("main")).to_contain_text("Jordan Example")

    # Log it: the referral page says so, with its reference
    press(page, page.get_by_role("button", name="Log referral"))
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(re.compile(r"Its reference is PR-[A-Z0-9]{4}-[A-Z0-9]{4}"))
    reference = re.search(r"PR-[A-Z0-9]{4}-[A-Z0-9]{4}", banner.inner_text()).group(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {reference}")
    assert_accessible(page)
    assert reference != earlier.reference
