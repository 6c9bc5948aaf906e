"""Headless Debian chromium driven by Playwright against pytest-django's live server.

Every page a test opens is watched: a console error (which is how Chromium reports a
Content Security Policy violation or a script failure) or a failed sub-resource fails the
test that caused it.
"""

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Response, sync_playwright

from prevent_cases.demo.seed import seed_people

# Playwright's sync API runs an event loop in this thread, so Django believes the tests'
# ORM calls come from async code and refuses them. The live server is a separate thread
# with its own connection, so nothing here is actually shared across an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests may run as root in a container
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No calls home: the tests must not touch the network beyond the live server.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Fail within seconds rather than Playwright's default 30 when an element never appears.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("The browser tests need Debian's chromium on PATH (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) whose console errors fail the test."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []

    def record_console(message) -> None:
        # A failed load is logged to the console too; failed sub-resources are recorded
        # below with their URL, and a page's own error status is what its test asserts.
        if message.type != "error" or message.text.startswith("Failed to load resource"):
            return
        # axe-core reads a stylesheet's @import (Django's admin forms have one) into a
        # <style> of a document of its own, which the page's CSP refuses. That refusal comes
        # from the test's evaluated code, which has no source URL; the page's own inline
        # styles and scripts are reported against the page's URL and still count.
        if message.text.startswith("Applying inline style violates") and not message.location.get(
            "url"
        ):
            return
        problems.append(f"console error: {message.text}")

    def record_failed_subresource(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} for {response.url}")

    page.on("console", record_console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("response", record_failed_subresource)
    yield page
    context.close()
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def demo_people(transactional_db) -> None:
    """The demo users, committed so that the live server's thread can see them."""
    seed_people()
