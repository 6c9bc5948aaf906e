"""Steps and checks shared by the panel's browser tests."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from tests.browser.accessibility import assert_no_axe_violations, assert_one_h1


def assert_accessible(page: Page) -> None:
    """One h1, no id used twice, and no WCAG 2.2 AA violation axe-core can find, on the
    page as it is now."""
    assert_one_h1(page)
    assert_unique_ids(page)
    assert_no_axe_violations(page)


def assert_unique_ids(page: Page) -> None:
    """No id is used twice: a label, hint or error link would find the wrong element. (axe
    no longer counts duplicate ids as a WCAG failure, and the meeting page holds a form per
    agenda case, so the tests check it themselves.)"""
    repeated = page.evaluate(
        """() => {
            const seen = new Map();
            for (const element of document.querySelectorAll("[id]")) {
                seen.set(element.id, (seen.get(element.id) || 0) + 1);
            }
            return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
        }"""
    )
    assert not repeated, f"ids used more than once on {page.url}: {repeated}"


def group(scope: Page | Locator, legend: str) -> Locator:
    """The fieldset of radios or checkboxes whose legend is `legend`."""
    return scope.get_by_role("group", name=legend, exact=True)


def success_banner(page: Page) -> Locator:
    return page.locator(".govuk-notification-banner--success")


def error_summary(page: Page) -> Locator:
    return page.locator(".govuk-error-summary")


def uk_date(days_from_today: int) -> str:
    """A date this many days away, typed the way a UK user types it (27/03/2027)."""
    day = timezone.localdate() + datetime.timedelta(days=days_from_today)
    return day.strftime("%d/%m/%Y")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def error_title(title: str) -> re.Pattern:
    """The page title GOV.UK pages carry while their form shows errors."""
    return re.compile(rf"^Error: {re.escape(title)}")


def tab_to(page: Page, target: Locator, *, limit: int = 40) -> None:
    """Press Tab until `target` has focus, as a keyboard user would; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} was not reached with {limit} presses of Tab")
