"""In Chromium: no page of ours can be framed, and no page breaks its own CSP.

The pages are visited signed in as each role of the demo portfolio, so the
plant dashboard, the portal and the workbench are all among them; a
Content-Security-Policy violation shows as a console error and fails.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page

from tests.e2e.test_office_journeys import Office, office

__all__ = ["office"]  # the fixture, shared with the office journeys
pytestmark = pytest.mark.integration

PAGES = {
    None: ["/", "/schemes", "/schemes/rfs", "/sign-in", "/schemes/rfs/calculate"],
    "applicant": ["/portal", "/portal/schemes", "/portal/apply/rfs"],
    "officer": ["/workbench", "/desk"],
    "finance": ["/finance", "/finance/projects"],
    "analyst": ["/analyst"],
    "member.lam": ["/committee"],
    "plant": ["/plant"],
}


def test_a_page_framed_by_another_site_is_refused(browser: Browser, office: Office) -> None:
    context = browser.new_context()
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "frame" in m.text.lower() else None)
    page.set_content(
        f'<iframe id="f" src="{office.url}/schemes" width="600" height="400"></iframe>'
    )
    page.wait_for_timeout(1000)
    frame = page.frame_locator("#f")
    assert frame.locator("a.brand").count() == 0, "our page rendered inside a foreign frame"
    assert any("frame-ancestors" in text or "X-Frame-Options" in text for text in refused), refused
    context.close()


def _listener(violations: list[str], who: str | None) -> Callable[[ConsoleMessage], None]:
    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"{who}: {message.text}")

    return note


def test_no_page_breaks_its_own_content_security_policy(browser: Browser, office: Office) -> None:
    violations: list[str] = []
    for who, paths in PAGES.items():
        context = browser.new_context()
        page: Page = context.new_page()
        page.on("console", _listener(violations, who))
        if who is not None:
            office.sign_in(page, who)
        for path in paths:
            page.goto(f"{office.url}{path}")
        context.close()
    assert not violations, "\n".join(violations)
