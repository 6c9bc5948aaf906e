"""The auditors' workspace in a real browser: filtering and exporting sharing decisions,
reviewing them one after another, seeing who viewed a case, and verifying and downloading
the audit chain."""

import csv
import io
import json
import re

import pytest
from playwright.sync_api import Page, expect

from audit.services.exports import COLUMNS
from audit.services.read_events import CaseShown, case_viewed_recorded
from audit.vocabulary import ConsentStatus, DecisionAction, LegalBasis
from audit.web.views import PAGE_SIZE
from prevent_cases.models import Agency, User
from referrals.models import Referral
from referrals.services.grants import CASE_TYPE
from tests.browser.accessibility import assert_no_axe_violations, assert_one_h1
from tests.browser.journeys import sign_in
from tests.factories import make_referral, share

pytestmark = pytest.mark.browser


@pytest.fixture
def officer(demo_people) -> User:
    return User.objects.select_related("membership__agency").get(username="northby.officer")


@pytest.fixture
def referral(officer) -> Referral:
    """A Northby referral with three decisions: two shares and one refusal to share."""
    referral = make_referral(officer)
    share(referral, officer, Agency.objects.get(name="Northby NHS Trust"))
    share(
        referral,
        officer,
        Agency.objects.get(name="Northby College"),
        categories=("identity",),
        legal_basis=LegalBasis.CONSENT,
        consent_status=ConsentStatus.GIVEN,
        consent_reason="",
    )
    share(
        referral,
        officer,
        Agency.objects.get(name="Northby Probation Service"),
        action=DecisionAction.WITHHOLD,
        categories=("concern",),
    )
    return referral


def assert_accessible(page: Page) -> None:
    assert_one_h1(page)
    assert_no_axe_violations(page)


def decision_rows(page: Page):
    """The decisions the list shows: the table's rows below its header."""
    return page.get_by_role("table").locator("tbody").get_by_role("row")


def test_auditor_filters_the_decisions_and_downloads_them(
    page: Page, live_server, referral: Referral
):
    """The list shows every decision in the area; a filter narrows it; the CSV follows."""
    sign_in(page, live_server, "northby.auditor")

    page.get_by_role("link", name="Sharing decisions").click()

    expect(page).to_have_title("Sharing decisions \N{EN DASH} Prevent case management")
    expect(decision_rows(page)).to_have_count(3)
    assert_accessible(page)

    # When the auditor keeps only decisions to withhold
    filters = page.get_by_role("form", name="Filter decisions")
    filters.get_by_label("Shared, withheld or revoked").select_option(label="Withheld")
    filters.get_by_role("button", name="Apply filters").click()

    # Then the table follows, and the filter stays chosen
    expect(decision_rows(page)).to_have_count(1)
    expect(page.get_by_role("table")).to_contain_text("Northby Probation Service")
    expect(page.get_by_role("table")).not_to_contain_text("Northby NHS Trust")
    expect(filters.get_by_label("Shared, withheld or revoked")).to_have_value("withhold")
    assert_accessible(page)

    # When they download what they see
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these as CSV").click()
    download = download_info.value

    # Then the file is CSV, with the header row and only the filtered decision
    assert re.fullmatch(r"sharing-decisions-\d{8}-\d{4}\.csv", download.suggested_filename)
    content = download.path().read_bytes()
    assert content.startswith("\N{BYTE ORDER MARK}".encode())  # so Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 2
    assert rows[1][COLUMNS.index("action")] == "Withheld"
    assert rows[1][COLUMNS.index("receiving agency")] == "Northby Probation Service"

    # When they clear the filters, every decision is back
    page.get_by_role("link", name="Clear filters").click()
    expect(decision_rows(page)).to_have_count(3)


def test_auditor_reviews_a_decision(page: Page, live_server, referral: Referral):
    """A review without a finding is refused and explained; a complete one is recorded."""
    sign_in(page, live_server, "northby.auditor")
    page.goto(f"{live_server.url}/audit/decisions/")
    page.get_by_role("link", name=re.compile(r"shared, .* to Northby NHS Trust$")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Decision to share: "))
    expect(page.get_by_role("main")).to_contain_text("Counter-Terrorism and Security Act 2015")
    expect(page.get_by_text("Nobody has reviewed this decision yet.")).to_be_visible()
    assert_accessible(page)

    # When the auditor sends an empty review
    page.get_by_role("button", name="Record review").click()

    # Then each missing answer is in the focused summary and at its field
    expect(page).to_have_title(re.compile(r"^Error: Sharing decision"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Choose a finding.", "Say what you checked and what you found."]
    )
    summary.get_by_role("link", name="Say what you checked and what you found.").click()
    expect(page.get_by_label("What you checked and what you found")).to_be_focused()
    assert_accessible(page)

    # When they complete it
    page.get_by_role("group", name="Your finding").get_by_label("Satisfactory").check()
    page.get_by_label("What you checked and what you found").fill(
        "Legal basis and consent reason checked against the panel minutes."
    )
    page.get_by_role("button", name="Record review").click()

    # Then it is recorded, shown, and the decision no longer counts as unreviewed
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Review recorded.")
    auditor = User.objects.get(username="northby.auditor")
    expect(page.get_by_role("heading", level=3)).to_have_text(
        re.compile(rf"^Satisfactory: {auditor.get_full_name()}, ")
    )
    expect(page.get_by_role("main")).to_contain_text("checked against the panel minutes")
    assert_accessible(page)

    page.goto(f"{live_server.url}/audit/decisions/?unreviewed_only=on")
    expect(decision_rows(page)).to_have_count(2)


def test_auditor_sees_who_viewed_a_case(page: Page, live_server, referral: Referral):
    """A case the officer opened shows in the case views, by whom and through which page."""
    # Given the officer opened the referral earlier
    sign_in(page, live_server, "northby.officer")
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    page.get_by_role("button", name="Sign out").click()

    # When the auditor looks at the case views
    sign_in(page, live_server, "northby.auditor")
    page.get_by_role("link", name="Case views").click()

    # Then the officer's view is listed, and the case link narrows the list to that case
    officer = User.objects.get(username="northby.officer")
    view_row = (
        page.get_by_role("row")
        .filter(has_text=officer.get_full_name())
        .filter(has_text="Case page")
    )
    expect(view_row).to_contain_text("Northby Police Prevent Team")
    expect(view_row).to_contain_text("Identity and contact")
    assert_accessible(page)

    view_row.get_by_role("link", name=re.compile(r"show only this case")).click()
    expect(page.get_by_label("Case reference")).to_have_value(referral.reference)
    expect(
        page.get_by_role("row")
        .filter(has_text=officer.get_full_name())
        .filter(has_text="Case page")
    ).to_have_count(1)
    assert_accessible(page)


def test_auditor_verifies_the_chain(page: Page, live_server, referral: Referral):
    """Asking for a verification queues it; once the request commits it runs and passes."""
    sign_in(page, live_server, "northby.auditor")
    page.get_by_role("link", name="Audit chain").click()

    expect(page.get_by_text("The chain has not been verified from here yet.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Verify the chain now").click()

    expect(page).to_have_url(f"{live_server.url}/audit/chain/")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Verification started."
    )
    # Celery runs eagerly in the tests, and the task is sent when the request commits.
    page.reload()
    latest = page.get_by_role("main")
    expect(latest.locator(".govuk-tag")).to_have_text("Verified")
    expect(latest).to_contain_text("3 sharing decisions")
    expect(latest).not_to_contain_text("has been altered")
    assert_accessible(page)


@pytest.mark.parametrize("path", ["decisions/", "case-views/", "chain/"])
def test_people_who_are_not_auditors_are_refused_the_workspace(
    page: Page, live_server, demo_people, path: str
):
    """An officer who types a workspace address gets the permission page, not the data."""
    sign_in(page, live_server, "northby.officer")

    response = page.goto(f"{live_server.url}/audit/{path}")

    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You do not have permission to do this"
    )


def test_impossible_filter_dates_are_explained(page: Page, live_server, referral: Referral):
    """A date that is not a date, or a range that ends before it starts, is explained."""
    sign_in(page, live_server, "northby.auditor")
    page.goto(f"{live_server.url}/audit/decisions/")
    filters = page.get_by_role("form", name="Filter decisions")

    filters.get_by_label("Decided from").fill("31/02/2026")
    filters.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_title(re.compile(r"^Error: Sharing decisions"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Enter a real date, like 1/4/2026.").click()
    expect(filters.get_by_label("Decided from")).to_be_focused()
    expect(filters.get_by_label("Decided from")).to_have_value("31/02/2026")
    assert_accessible(page)

    filters.get_by_label("Decided from").fill("1/4/2026")
    filters.get_by_label("Decided to").fill("1/3/2026")
    filters.get_by_role("button", name="Apply filters").click()
    expect(summary).to_contain_text("The end date must be on or after the start date.")
    assert_accessible(page)


def test_case_views_run_to_a_second_page(page: Page, live_server, referral: Referral):
    """More views than fit on a page are reached through the next and previous links."""
    officer = User.objects.select_related("membership").get(username="northby.officer")
    shown = CaseShown(referral.pk, frozenset({"identity"}), frozenset({referral.owning_agency_id}))
    for number in range(PAGE_SIZE + 1):  # one more than a page holds
        # Alternating paths, so no view repeats the one before it.
        case_viewed_recorded(
            actor=officer,
            membership=officer.membership,
            case_type=CASE_TYPE,
            shown=shown,
            via=("api", "page")[number % 2],
        )
    sign_in(page, live_server, "northby.auditor")
    page.goto(f"{live_server.url}/audit/case-views/?case={referral.pk}")

    pages = page.get_by_role("navigation", name="Pages of results")
    expect(pages.get_by_role("link", name=re.compile(r"^Previous"))).to_have_count(0)
    assert_accessible(page)
    pages.get_by_role("link", name=re.compile(r"^Next page")).click()

    expect(page).to_have_url(re.compile(rf"\?case={referral.pk}&cursor="))
    expect(page.get_by_label("Case reference")).to_have_value(str(referral.pk))
    expect(pages.get_by_role("link", name=re.compile(r"^Previous page"))).to_be_visible()
    expect(pages.get_by_role("link", name=re.compile(r"^Next"))).to_have_count(0)
    assert_accessible(page)


def test_auditor_reviews_three_decisions_in_a_row(page: Page, live_server, referral: Referral):
    """From the overview, the unreviewed decisions one after another, then none are left."""
    sign_in(page, live_server, "northby.auditor")

    # The auditor lands on their overview, which counts what waits for them
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit overview")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^3 decisions not yet reviewed")).click()
    expect(decision_rows(page)).to_have_count(3)
    decision_rows(page).first.get_by_role("link").first.click()

    for number in range(3):
        page.get_by_role("group", name="Your finding").get_by_label("Satisfactory").check()
        page.get_by_label("What you checked and what you found").fill(
            f"Decision {number + 1}: legal basis, consent and justification checked."
        )
        page.get_by_role("button", name="Record review").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
            "Review recorded."
        )
        if number < 2:
            assert_accessible(page)
            page.get_by_role("link", name="Next unreviewed decision").click()
            expect(page.get_by_text("Nobody has reviewed this decision yet.")).to_be_visible()

    expect(page.get_by_role("link", name="Next unreviewed decision")).to_have_count(0)
    expect(page.get_by_text("There are none left to review.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Back to the decisions").click()
    expect(page.get_by_text("No decisions match these filters.")).to_be_visible()


def test_auditor_filters_with_tags_and_sorts(page: Page, live_server, referral: Referral):
    """Each selected filter is a tag that removes it; a column header sorts the list."""
    sign_in(page, live_server, "northby.auditor")
    page.goto(f"{live_server.url}/audit/decisions/")
    filters = page.get_by_role("form", name="Filter decisions")
    filters.get_by_label("Consent", exact=True).select_option(label="Consent not sought")
    filters.get_by_label("Shared, withheld or revoked").select_option(label="Shared")
    filters.get_by_role("button", name="Apply filters").click()

    expect(decision_rows(page)).to_have_count(1)
    expect(decision_rows(page)).to_contain_text(referral.reference)
    expect(decision_rows(page)).to_contain_text("Prevent officer")
    assert_accessible(page)

    # When they remove the consent filter by its tag, only the other filter stays
    page.get_by_role("link", name="Remove this filter: Consent: Consent not sought").click()
    expect(decision_rows(page)).to_have_count(2)
    expect(
        page.get_by_role("link", name="Remove this filter: Shared, withheld or revoked: Shared")
    ).to_be_visible()
    expect(filters.get_by_label("Consent", exact=True)).to_have_value("")

    # When they sort by consent, the header says so
    page.get_by_role("link", name=re.compile(r"^Consent")).click()
    consent = page.get_by_role("columnheader", name=re.compile(r"^Consent"))
    expect(consent).to_have_attribute("aria-sort", "descending")
    expect(decision_rows(page).first).to_contain_text("Consent not sought")
    page.get_by_role("link", name=re.compile(r"^Consent")).click()
    expect(consent).to_have_attribute("aria-sort", "ascending")
    expect(decision_rows(page).first).to_contain_text("Consent given")
    assert_accessible(page)


def test_auditor_downloads_the_verification_bundle(page: Page, live_server, referral: Referral):
    """The chain page explains checkpoints and hands over the bundle for offline checking."""
    sign_in(page, live_server, "northby.auditor")
    page.get_by_role("link", name="Audit chain").click()
    expect(page.get_by_role("heading", name="What a checkpoint covers")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Sharing decision recorded")
    assert_accessible(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the bundle").click()
    download = download_info.value
    assert download.failure() is None
    assert re.fullmatch(r"audit-bundle-1-\d+\.json", download.suggested_filename)
    bundle = json.loads(download.path().read_bytes())
    assert bundle["format"] == "prevent-audit-bundle/3"
    assert bundle["area"]["name"] == "Northby"

    page.reload()
    events = page.get_by_role("form", name="Filter events")
    events.get_by_label("What happened").select_option(label="Export produced")
    events.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("table").locator("tbody").get_by_role("row")).to_have_count(1)
    assert_accessible(page)
