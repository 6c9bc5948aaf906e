"""Referral pages in a real browser: the list, the detail, and recording and revoking a
sharing decision, for the owning officer, an agency it was shared with, and a stranger."""

import re

import pytest
from playwright.sync_api import Page, expect

from prevent_cases.models import Agency, User
from referrals.models import Referral
from tests.browser.accessibility import assert_no_axe_violations, assert_one_h1
from tests.browser.journeys import sign_in
from tests.factories import make_referral, progressed_referral, share

pytestmark = pytest.mark.browser

CONCERN = "Synthetic concern: shared extremist material in class."
PURPOSE = "Assess support needs at the Channel panel"
CONSENT_REASON = "Seeking consent now would prejudice the panel's assessment."
JUSTIFICATION = (
    "The panel cannot assess vulnerability without the name and the concern; "
    "nothing less intrusive meets the need."
)

# The sharing decision form's controls, in the order a keyboard user meets them.
# Radios are a single tab stop per group: the browser moves between them with arrows. The
# police share the categories their referral record holds, nothing of the panel's.
FORM_TAB_STOPS = [
    ("combobox", "Which agency is this decision about?"),
    ("radio", "Share"),
    ("checkbox", "Identity and contact"),
    ("checkbox", "Concern narrative"),
    ("checkbox", "Screening"),
    ("checkbox", "Criminal justice"),
    ("checkbox", "Health"),
    ("checkbox", "Education"),
    ("checkbox", "Family"),
    ("textbox", "Why? The purpose and the outcome expected"),
    ("radio", "Consent of the person (or parent or guardian)"),
    ("textbox", "If other, state the legal basis"),
    ("combobox", "Data Protection Act 2018 Schedule 1 condition"),
    ("radio", "Consent given"),
    ("textbox", "If consent was refused or not sought, why is the information still shared?"),
    ("textbox", "Why is this necessary and proportionate?"),
    ("textbox", "Expiry date (optional)"),
    ("button", "Record decision"),
    ("link", "Cancel"),
]


@pytest.fixture
def officer(demo_people) -> User:
    return User.objects.select_related("membership__agency").get(username="northby.officer")


@pytest.fixture
def referral(officer) -> Referral:
    """A referral the Northby police officer logged, committed for the live server."""
    return make_referral(officer)


def assert_accessible(page: Page) -> None:
    assert_one_h1(page)
    assert_no_axe_violations(page)


def detail_url(live_server, referral: Referral) -> str:
    return f"{live_server.url}/referrals/{referral.pk}/"


def share_url(live_server, referral: Referral) -> str:
    return f"{live_server.url}/referrals/{referral.pk}/sharing/new/"


def answer_the_rest_and_record(page: Page) -> None:
    """Answer the decision form's why, legal basis, consent and justification, and submit."""
    page.get_by_label("Why? The purpose and the outcome expected").fill(PURPOSE)
    group(page, "On what legal basis?").get_by_label(
        "Counter-Terrorism and Security Act 2015 ss.36-38"
    ).check()
    group(page, "Consent").get_by_label("Consent not sought").check()
    page.get_by_label(
        "If consent was refused or not sought, why is the information still shared?"
    ).fill(CONSENT_REASON)
    page.get_by_label("Why is this necessary and proportionate?").fill(JUSTIFICATION)
    page.get_by_role("button", name="Record decision").click()


def group(page: Page, legend: str):
    """The fieldset of radios or checkboxes whose legend is `legend`."""
    return page.get_by_role("group", name=legend, exact=True)


def test_officer_finds_the_referral_in_the_list_and_opens_it(
    page: Page, live_server, referral: Referral
):
    """The owning officer sees the referral listed, and its detail with name and concern."""
    sign_in(page, live_server, "northby.officer")

    page.goto(f"{live_server.url}/referrals/")

    expect(page).to_have_title("Referrals \N{EN DASH} Prevent case management")
    row = page.get_by_role("row").filter(has_text=referral.reference)
    expect(row).to_contain_text("Alex Testperson")
    expect(row).to_contain_text("Northby")
    assert_accessible(page)

    row.get_by_role("link", name=referral.reference).click()

    expect(page).to_have_url(detail_url(live_server, referral))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {referral.reference}")
    expect(page.get_by_role("main")).to_contain_text("Alex Testperson")
    expect(page.get_by_role("heading", name="Concern narrative")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(CONCERN)
    expect(page.get_by_text("No sharing decisions have been recorded.")).to_be_visible()
    assert_accessible(page)


def test_empty_sharing_decision_is_explained_and_keeps_what_was_entered(
    page: Page, live_server, referral: Referral
):
    """Each missing answer is listed in a focused summary; answers already given stay."""
    sign_in(page, live_server, "northby.officer")
    page.goto(detail_url(live_server, referral))
    page.get_by_role("link", name="Record a sharing decision").click()
    expect(page).to_have_title("Record a sharing decision \N{EN DASH} Prevent case management")
    assert_accessible(page)

    # When nothing is entered
    page.get_by_role("button", name="Record decision").click()

    # Then the summary takes focus and lists every required answer, linked to its field
    expect(page).to_have_title(re.compile(r"^Error: Record a sharing decision"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Choose the agency this decision is about.",
            "Say whether the information is shared or withheld.",
            "Choose at least one category of information.",
            "Say why: the purpose of sharing and the outcome expected.",
            "Choose the legal basis for this decision.",
            "Say whether consent was given, refused or not sought.",
            "Explain why this is necessary and proportionate.",
        ]
    )
    for message, field_id in [
        ("Choose the agency this decision is about.", "id_receiving_agency"),
        ("Say why: the purpose of sharing and the outcome expected.", "id_purpose"),
        ("Explain why this is necessary and proportionate.", "id_justification"),
    ]:
        expect(summary.get_by_role("link", name=message)).to_have_attribute("href", f"#{field_id}")
    assert_accessible(page)

    # When some answers are given but not all
    page.get_by_label("Which agency is this decision about?").select_option(
        label="Northby NHS Trust"
    )
    group(page, "Is the information shared or withheld?").get_by_label("Share").check()
    group(page, "What information?").get_by_label("Identity and contact").check()
    page.get_by_label("Why? The purpose and the outcome expected").fill(PURPOSE)
    page.get_by_role("button", name="Record decision").click()

    # Then those answers are still there, and only the missing ones are errors
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_label("Which agency is this decision about?")).to_have_value(
        str(Agency.objects.get(name="Northby NHS Trust").pk)
    )
    expect(
        group(page, "Is the information shared or withheld?").get_by_label("Share")
    ).to_be_checked()
    expect(group(page, "What information?").get_by_label("Identity and contact")).to_be_checked()
    expect(group(page, "What information?").get_by_label("Concern narrative")).not_to_be_checked()
    expect(page.get_by_label("Why? The purpose and the outcome expected")).to_have_value(PURPOSE)
    expect(page.locator(".govuk-error-summary a")).to_have_count(3)
    justification = page.get_by_label("Why is this necessary and proportionate?")
    expect(justification).to_have_accessible_description(
        re.compile(r"Error:\s+Explain why this is necessary and proportionate\.")
    )
    assert_accessible(page)


def test_officer_records_and_then_revokes_a_sharing_decision(
    page: Page, live_server, referral: Referral
):
    """A complete decision is recorded and listed; revoking it with a reason ends it."""
    sign_in(page, live_server, "northby.officer")
    page.goto(share_url(live_server, referral))

    # When the officer answers every question
    page.get_by_label("Which agency is this decision about?").select_option(
        label="Northby NHS Trust"
    )
    group(page, "Is the information shared or withheld?").get_by_label("Share").check()
    information = group(page, "What information?")
    information.get_by_label("Identity and contact").check()
    information.get_by_label("Concern narrative").check()
    answer_the_rest_and_record(page)

    # Then they are back on the referral, told it worked, and the decision is listed
    expect(page).to_have_url(detail_url(live_server, referral))
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Sharing decision recorded.")
    decision_row = page.get_by_role("row").filter(has_text="Northby NHS Trust")
    expect(decision_row).to_contain_text("Shared")
    expect(decision_row).to_contain_text("Counter-Terrorism and Security Act 2015")
    assert_accessible(page)

    # When they revoke it, first forgetting the reason
    decision_row.get_by_role("link", name=re.compile(r"^Revoke")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Revoke sharing with Northby NHS Trust"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Revoke sharing").click()
    expect(page).to_have_title(re.compile(r"^Error: Revoke sharing"))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page)
    page.get_by_role("link", name="Explain why the sharing is being revoked.").click()
    reason = page.get_by_label("Why is this sharing being revoked?")
    expect(reason).to_be_focused()
    reason.fill("The panel closed the case; the NHS Trust no longer needs the information.")
    page.get_by_role("button", name="Revoke sharing").click()

    # Then the decision shows as ended, with no revoke link left on it
    expect(page).to_have_url(detail_url(live_server, referral))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Sharing revoked.")
    shared_row = page.get_by_role("row").filter(has_text="Shared")
    expect(shared_row).to_contain_text("Ended")
    expect(shared_row.get_by_role("link", name=re.compile(r"^Revoke"))).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text="Revoked")).to_have_count(1)
    assert_accessible(page)


def test_receiving_agency_sees_only_what_was_shared_and_cannot_share_on(
    page: Page, live_server, officer: User, referral: Referral
):
    """The NHS Trust given identity only sees the name, not the concern, and cannot share."""
    share(
        referral,
        officer,
        Agency.objects.get(name="Northby NHS Trust"),
        categories=("identity",),
    )
    sign_in(page, live_server, "northby.health")

    page.goto(f"{live_server.url}/referrals/")
    row = page.get_by_role("row").filter(has_text=referral.reference)
    expect(row).to_contain_text("Alex Testperson")
    assert_accessible(page)

    row.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_role("main")).to_contain_text("Alex Testperson")
    expect(page.get_by_role("heading", name="Concern narrative")).to_have_count(0)
    expect(page.get_by_role("main")).not_to_contain_text(CONCERN)
    expect(page.get_by_role("link", name="Record a sharing decision")).to_have_count(0)
    assert_accessible(page)

    response = page.goto(share_url(live_server, referral))
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You do not have permission to do this"
    )
    assert_accessible(page)


def test_user_of_an_unrelated_agency_is_told_the_referral_does_not_exist(
    page: Page, live_server, referral: Referral
):
    """Southmere police hold nothing of a Northby referral: not even that it exists."""
    sign_in(page, live_server, "southmere.officer")

    page.goto(f"{live_server.url}/referrals/")
    expect(page.get_by_role("main")).not_to_contain_text(referral.reference)

    response = page.goto(detail_url(live_server, referral))
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("main")).not_to_contain_text("Alex Testperson")
    assert_accessible(page)


def test_keyboard_reaches_every_control_and_error_links_move_focus(
    page: Page, live_server, referral: Referral
):
    """Tab visits every control of the form in order; each error link focuses its field."""
    sign_in(page, live_server, "northby.officer")
    page.goto(share_url(live_server, referral))

    # Given the keyboard user skips the header
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main-content")).to_be_focused()

    # Then each Tab lands on the next control, radios being one stop per group
    for role, name in FORM_TAB_STOPS:
        page.keyboard.press("Tab")
        expect(page.get_by_role(role, name=name, exact=True)).to_be_focused()

    # When the empty form is sent with the keyboard
    page.get_by_role("button", name="Record decision").focus()
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()

    # Then following an error link with Enter moves focus to the field it names
    for message, control in [
        (
            "Choose the agency this decision is about.",
            page.get_by_label("Which agency is this decision about?"),
        ),
        (
            "Say why: the purpose of sharing and the outcome expected.",
            page.get_by_label("Why? The purpose and the outcome expected"),
        ),
        (
            "Explain why this is necessary and proportionate.",
            page.get_by_label("Why is this necessary and proportionate?"),
        ),
    ]:
        summary.get_by_role("link", name=message).focus()
        page.keyboard.press("Enter")
        expect(control).to_be_focused()


def test_error_links_for_radios_and_checkboxes_move_focus_to_the_first_option(
    page: Page, live_server, referral: Referral
):
    """An error about a group of radios or checkboxes leads to the group's first option."""
    sign_in(page, live_server, "northby.officer")
    page.goto(share_url(live_server, referral))
    page.get_by_role("button", name="Record decision").click()
    summary = page.locator(".govuk-error-summary")

    for message, field_id, legend in [
        (
            "Say whether the information is shared or withheld.",
            "id_action",
            "Is the information shared or withheld?",
        ),
        ("Choose at least one category of information.", "id_categories", "What information?"),
        ("Choose the legal basis for this decision.", "id_legal_basis", "On what legal basis?"),
        ("Say whether consent was given, refused or not sought.", "id_consent_status", "Consent"),
    ]:
        link = summary.get_by_role("link", name=message)
        assert link.get_attribute("href") == f"#{field_id}"
        link.click()
        expect(group(page, legend).locator("input").first).to_be_focused()


@pytest.fixture
def progressed(officer) -> Referral:
    """A referral screened and progressed to Northby's Channel panel."""
    return progressed_referral(officer)


def test_chair_passes_on_what_the_police_shared_and_the_police_see_it(
    page: Page, live_server, progressed: Referral
):
    """The panel's chair may pass on only what the police gave the panel; the decision
    says whose information it is, and the police see where their information went."""
    sign_in(page, live_server, "northby.chair")
    page.goto(detail_url(live_server, progressed))
    expect(page.get_by_role("main")).to_contain_text("Northby Council Channel Team")
    page.get_by_role("link", name="Record a sharing decision").click()

    # Only what the panel was given is offered, and the page says whose it is
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        "passing on Northby Police Prevent Team's information"
    )
    information = group(page, "What information?")
    expect(information.get_by_role("checkbox")).to_have_count(3)
    assert_accessible(page)

    page.get_by_label("Which agency is this decision about?").select_option(
        label="Northby Probation Service"
    )
    group(page, "Is the information shared or withheld?").get_by_label("Share").check()
    information.get_by_label("Identity and contact").check()
    answer_the_rest_and_record(page)

    row = page.get_by_role("row").filter(has_text="Northby Probation Service")
    expect(row).to_contain_text("passed on by Northby Council Channel Team")
    # The chair may end the panel's own decision, not the police's share with the panel
    expect(row.get_by_role("link", name=re.compile(r"^Revoke"))).to_have_count(1)
    police_row = (
        page.get_by_role("row")
        .filter(has_text="Panel chair")
        .filter(has_text="Northby Council Channel Team")
    )
    expect(police_row.get_by_role("link", name=re.compile(r"^Revoke"))).to_have_count(0)
    assert_accessible(page)

    # The police see the onward share of their information
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "northby.officer")
    page.goto(detail_url(live_server, progressed))
    expect(page.get_by_role("row").filter(has_text="Northby Probation Service")).to_contain_text(
        "passed on by Northby Council Channel Team"
    )
    assert_accessible(page)
