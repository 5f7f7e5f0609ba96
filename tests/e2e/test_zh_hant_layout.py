"""Chinese labels keep whole on the officer's workbench at a laptop's width (Chromium).

Chinese text may break between any two characters, so a label that reached
the end of a line split mid-word ("收件日" / "期至") in the workbench's
filter form at 1280 px. Each label of the form must lay out on one line.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import screenshot
from tests.e2e.test_office_journeys import Office, office

__all__ = ["office"]  # the module's live server with the demo portfolio

pytestmark = pytest.mark.integration

_LINES_OF_EACH_LABEL = """() => [...document.querySelectorAll('form.search label')].map(label => {
    const range = document.createRange();
    range.selectNodeContents(label);
    const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    return [label.textContent.trim(), tops.size];
})"""


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_workbench_filter_labels_do_not_wrap_mid_word_in_chinese(
    page: Page, office: Office, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    office.sign_in(page, "officer")
    page.goto(f"{office.url}/workbench?state=screening&lang=zh-Hant")
    lines = page.evaluate(_LINES_OF_EACH_LABEL)
    assert len(lines) >= 5
    assert [text for text, count in lines if count != 1] == []
    assert "收件日期至" in [text for text, _ in lines]
    screenshot(page, f"workbench-filters-zh-{width}")


_WRAPPED_TOKENS = r"""() => {
    const token = /^([A-Z]+-[A-Z0-9]+-[0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2})$/;
    const wrapped = [];
    for (const el of document.querySelectorAll('main td, main td a, main td a span')) {
        const text = el.textContent.trim();
        if (!token.test(text)) continue;
        const range = document.createRange();
        range.selectNodeContents(el);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) wrapped.push(text);
    }
    return wrapped;
}"""


@pytest.mark.parametrize("width", [1024, 600])
def test_references_and_dates_keep_whole_in_the_office_lists(
    page: Page, office: Office, width: int
) -> None:
    """A narrow column broke "EMF-1706-000678" and "2017-06-28" at their hyphens."""
    page.set_viewport_size({"width": width, "height": 900})
    office.sign_in(page, "officer")
    page.goto(f"{office.url}/workbench?lang=zh-Hant")
    tabs = page.eval_on_selector_all(".queues a", "links => links.map(a => a.href)")
    assert tabs
    seen = 0
    for href in tabs:
        page.goto(href)
        seen += page.locator("main td").count()
        assert page.evaluate(_WRAPPED_TOKENS) == [], href
    assert seen > 0


@pytest.mark.parametrize("width", [1024, 600])
def test_references_keep_whole_in_the_audit_log(page: Page, office: Office, width: int) -> None:
    """The subject column read "申請 RFS-DEMO-" and "0005" on two lines."""
    page.set_viewport_size({"width": width, "height": 900})
    office.sign_in(page, "auditor")
    page.goto(f"{office.url}/audit?lang=zh-Hant")
    assert page.locator("main td a span", has_text="RFS-DEMO-").count() > 0
    assert page.evaluate(_WRAPPED_TOKENS) == []
