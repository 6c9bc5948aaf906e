"""Every role's main pages on a screen 320 CSS pixels wide, as a phone or a browser zoomed to
400% shows them (WCAG 2.2 reflow, 1.4.10): the page never scrolls sideways, each table
scrolls inside a container of its own that the keyboard reaches and a screen reader names,
and axe-core finds nothing."""

from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from panels.models import Intervention
from prevent_cases.models import Agency, User
from referrals.models import Referral
from tests.browser.journeys import sign_in
from tests.browser.panel_journeys import assert_accessible, tab_to
from tests.factories import make_referral, progressed_referral, share
from tests.panels.delivery_steps import answer, assigned, record, session
from tests.panels.meeting_factories import meeting_with_agenda

pytestmark = pytest.mark.browser

NARROW_SCREEN = {"width": 320, "height": 640}

# An address and a link with nowhere to break: the kind of value that pushes a page sideways.
LONG_EMAIL = "robin.longsurname-example.synthetic.address@northby-sixth-form-college.example.org"
LONG_LINK = "https://video.example.org/watch/8f14e45fceea167a5a36dedd4bea2543c4ca4238a0b923820dcc5"

# The innermost elements shown whose box or content reaches past either side of the screen,
# unclipped. Past the right they make the page scroll sideways; past the left (a fixed
# panel wider than the screen) they cannot be reached at all. Content inside a container
# that scrolls or clips on its own does not count, unless it is absolutely positioned
# against something outside that container.
ELEMENTS_STICKING_OUT = """() => {
    const edge = document.documentElement.clientWidth;
    const clipped = element => {
        let escaping = getComputedStyle(element).position === "absolute";
        for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
            const style = getComputedStyle(up);
            const positioned = style.position !== "static";
            if ((!escaping || positioned) && style.overflowX !== "visible") return true;
            if (positioned) escaping = style.position === "absolute";
        }
        return false;
    };
    const outside = element => {
        const box = element.getBoundingClientRect();
        // A long word overflows its box without widening it: scrollWidth counts it.
        const spills = getComputedStyle(element).overflowX === "visible";
        const right = spills ? Math.max(box.right, box.left + element.scrollWidth) : box.right;
        return right > edge + 0.5 || box.left < -0.5;
    };
    const moves = element => element.checkVisibility({visibilityProperty: true})
        && outside(element) && !clipped(element);
    const moving = [...document.body.querySelectorAll("*")].filter(moves);
    return moving
        .filter(element => !moving.some(other => other !== element && element.contains(other)))
        .map(element => element.tagName.toLowerCase()
            + (element.id ? "#" + element.id : "")
            + [...element.classList].map(name => "." + name).join(""));
}"""

# Each table shown, with what holds it: whether that container scrolls sideways on its own, how
# much wider the table is than the container, and, for the service's own tables, whether a
# keyboard reaches the container and what a screen reader calls it and the table.
TABLES = """() => {
    const textOf = ids => ids.split(" ")
        .map(id => document.getElementById(id)?.textContent ?? "").join(" ");
    const name = element => (
        element.getAttribute("aria-label")
        ?? (element.hasAttribute("aria-labelledby")
            ? textOf(element.getAttribute("aria-labelledby")) : null)
        ?? element.querySelector(":scope > caption")?.textContent
        ?? ""
    ).replace(/\\s+/g, " ").trim();
    // A table that is not rendered (the admin's sidebar on a narrow screen) takes no room.
    const shown = [...document.querySelectorAll("table")].filter(table => table.checkVisibility());
    return shown.map(table => {
        const container = table.parentElement;
        return {
            table: name(table),
            ours: table.classList.contains("govuk-table"),
            scrolls: ["auto", "scroll"].includes(getComputedStyle(container).overflowX),
            overflow: container.scrollWidth - container.clientWidth,
            role: container.getAttribute("role"),
            tabindex: container.getAttribute("tabindex"),
            region: name(container),
        };
    });
}"""


def signed_in_as(page: Page, live_server, username: str) -> None:
    """Sign in and wait to land, so that the next address is not opened half-way."""
    sign_in(page, live_server, username)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@dataclass
class Findings:
    """What was wrong on which page, gathered so that one run reports every page."""

    problems: list[str] = field(default_factory=list)
    tables_that_scrolled: int = 0


def check_page(page: Page, findings: Findings) -> None:
    """The page as it is now fits the narrow screen, its tables scroll on their own, and
    it passes the accessibility checks."""
    address = page.url
    width = page.evaluate("window.innerWidth")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    sticking_out = page.evaluate(ELEMENTS_STICKING_OUT)
    if page_width > width or sticking_out:
        findings.problems.append(
            f"{address}: {page_width}px wide on a {width}px screen; sticking out: {sticking_out}"
        )
    for table in page.evaluate(TABLES):
        if not table["scrolls"]:
            findings.problems.append(f"{address}: table {table['table']!r} is not in a scroller")
            continue
        findings.tables_that_scrolled += table["overflow"] > 0
        if table["ours"] and (
            table["role"] != "region" or table["tabindex"] != "0" or not table["region"]
        ):
            findings.problems.append(
                f"{address}: the scroller of table {table['table']!r} is not a named region "
                f"the keyboard reaches: {table}"
            )
        elif table["ours"] and table["region"] != table["table"]:
            findings.problems.append(
                f"{address}: region {table['region']!r} holds table {table['table']!r}"
            )
    try:
        assert_accessible(page)
    except AssertionError as failure:
        findings.problems.append(str(failure))


@dataclass
class Cases:
    referral: Referral
    intervention: Intervention


@pytest.fixture
def cases(demo_people) -> Cases:
    """Something on each role's pages: a referral waiting for the panel with a long email
    address and a link in its concern, shared with the NHS Trust; a case in support whose
    mentoring intervention started a month ago, with a session whose notes hold a link;
    and a meeting with that case on its agenda."""
    people = User.objects.select_related("membership__agency")
    officer = people.get(username="northby.officer")
    chair = people.get(username="northby.chair")
    provider = Agency.objects.get(name="Northby Mentoring Partnership")
    (intervention,) = assigned(officer, chair, provider)
    practitioner = people.get(username="northby.provider")
    answer(practitioner, intervention)
    record(practitioner, intervention, session(notes=f"He showed me {LONG_LINK} on his phone."))
    meeting_with_agenda(chair)
    referral = progressed_referral(
        officer,
        given_names="Robin",
        family_name="Example",
        email=LONG_EMAIL,
        concern_summary=f"Synthetic concern: shared {LONG_LINK} in class.",
    )
    share(referral, officer, Agency.objects.get(name="Northby NHS Trust"))
    return Cases(referral=referral, intervention=intervention)


def test_every_roles_main_pages_fit_a_narrow_screen(page: Page, live_server, cases: Cases):
    """Each role's main pages fit the screen's width, with their tables scrolling inside."""
    page.set_viewport_size(NARROW_SCREEN)
    findings = Findings()
    case_id = cases.intervention.panel_case_id

    # Before signing in: the demo accounts' table, then the form sent back with its errors
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_text("Demo sign-ins (synthetic data)").click()
    check_page(page, findings)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_page(page, findings)

    for username, addresses in [
        ("northby.officer", ["/referrals/", f"/referrals/{cases.referral.pk}/"]),
        (
            "northby.chair",
            [
                "/panels/dashboard/",
                "/panels/meetings/",
                f"/panels/cases/{case_id}/",
                f"/panels/cases/{case_id}/chronology/",
            ],
        ),
        ("northby.coordinator", ["/panels/inbox/"]),
        ("northby.health", ["/referrals/shared-with-us/", f"/referrals/{cases.referral.pk}/"]),
        (
            "northby.provider",
            ["/panels/interventions/", f"/panels/interventions/{cases.intervention.pk}/"],
        ),
        ("northby.auditor", ["/audit/decisions/", "/audit/chain/"]),
        ("northby.admin", ["/admin/", "/admin/prevent_cases/user/"]),
    ]:
        signed_in_as(page, live_server, username)
        for address in addresses:
            response = page.goto(f"{live_server.url}{address}")
            assert response.ok, f"{address} answered {response.status} to {username}"
            assert page.url == f"{live_server.url}{address}", f"{username} was sent elsewhere"
            check_page(page, findings)
        page.context.clear_cookies()

    assert not findings.problems, "\n".join(findings.problems)
    # The check above means something only if some table was wider than the screen.
    assert findings.tables_that_scrolled


def test_keyboard_scrolls_a_wide_table(page: Page, live_server, demo_people):
    """A keyboard user reaches a table too wide for the screen and scrolls it with arrows."""
    make_referral(User.objects.select_related("membership__agency").get(username="northby.officer"))
    page.set_viewport_size(NARROW_SCREEN)
    signed_in_as(page, live_server, "northby.officer")
    page.goto(f"{live_server.url}/referrals/")
    table = page.get_by_role("region", name="Referrals, the soonest screening due date first")

    tab_to(page, table)
    page.keyboard.press("ArrowRight")

    page.wait_for_function("region => region.scrollLeft > 0", arg=table.element_handle())
