"""An enterprise checks what RFS would pay, in a real browser, in both languages."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LiveServer, screenshot

pytestmark = pytest.mark.integration


def test_applicant_calculates_an_rfs_grant_and_sees_why(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.url}/schemes/rfs/calculate")
    page.fill("#f-received", "2021-06-01")
    page.fill("#f-total_cost", "54,000,000")
    page.select_option("#f-incorporated_under", "cap622")
    page.select_option("#f-new_line_in_hong_kong", "yes")
    page.select_option("#f-smart_manufacturing", "yes")
    page.get_by_role("button", name="Calculate").click()
    result = page.locator("section.decision")
    expect(result).to_contain_text("HK$15,000,000.00")
    expect(result).to_contain_text("per-project cap")
    assert screenshot(page, "calculator-rfs").stat().st_size > 10_000


def test_a_bad_amount_keeps_the_form_and_says_what_is_wrong(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.url}/schemes/rfs/calculate?lang=zh-Hant")
    page.fill("#f-received", "2021-06-01")
    page.fill("#f-total_cost", "-5")
    page.get_by_role("button", name="計算").click()
    expect(page.get_by_role("alert")).to_contain_text("total_cost")
    expect(page.locator("#f-total_cost")).to_have_value("-5")
    expect(page.locator("#f-received")).to_have_value("2021-06-01")


def test_the_catalogue_is_usable_by_keyboard(page: Page, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/schemes")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
    screenshot(page, "catalogue")
