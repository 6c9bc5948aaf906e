"""Steps a user takes through the real pages, shared by the browser tests."""

from playwright.sync_api import Page

from prevent_cases.demo.accounts import DEMO_PASSWORD


def sign_in(page: Page, live_server, username: str, password: str = DEMO_PASSWORD) -> None:
    """Fill in and submit the sign-in form as a user would."""
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
