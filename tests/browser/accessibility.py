"""Automated accessibility checks run inside the page under test."""

from functools import cache
from pathlib import Path

from playwright.sync_api import Page, expect

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# The UK public sector standard is WCAG 2.2 AA, which includes every earlier A and AA rule.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@cache
def axe_source() -> str:
    if not AXE_SOURCE.exists():
        raise FileNotFoundError(f"{AXE_SOURCE} is missing: run `npm ci` first")
    return AXE_SOURCE.read_text(encoding="utf-8")


def assert_no_axe_violations(page: Page) -> None:
    """Run axe-core on the page as it is now and fail listing every WCAG violation."""
    # Evaluated through DevTools rather than added as a <script>: the page's strict CSP
    # would block an injected script tag, and loosening it would stop testing the CSP.
    page.evaluate(axe_source())
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_TAGS}},
    )
    violations = [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results["violations"]
    ]
    assert not violations, f"axe found violations on {page.url}:\n" + "\n".join(violations)


def assert_one_h1(page: Page) -> None:
    """Each page has exactly one top-level heading, which names the page."""
    expect(page.locator("h1")).to_have_count(1)
