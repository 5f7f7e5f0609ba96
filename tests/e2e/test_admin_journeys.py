"""The administrator's journey in Chromium, in English and in Traditional Chinese.

The administrator adds a user, changes its role with a reason, the new user
signs in in another browser context, and the administrator ends that session
from the account screen: the other context's next page is the sign-in page.
Screenshots go to ``var/screenshots/journey-admin-*.png``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from reind.demo.users import DemoPortfolio
from tests.e2e.conftest import demo_office, screenshot

pytestmark = pytest.mark.integration

WORDS = {
    "en": {
        "nav": "Users and roles",
        "add": "Add the user",
        "change": "Change the role",
        "history": "Role changed: Programme officer → Finance",
        "live": "Browsers signed in now: 1.",
        "none": "Browsers signed in now: 0.",
        "end": "End this session",
        "sign_in": "Sign in",
    },
    "zh-Hant": {
        "nav": "使用者及職能",
        "add": "新增此使用者",
        "change": "更改職能",
        "history": "職能已更改：計劃人員 → 財務",
        "live": "現時在 1 個瀏覽器登入。",
        "none": "現時在 0 個瀏覽器登入。",
        "end": "結束此工作階段",
        "sign_in": "登入",
    },
}


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, DemoPortfolio]]:
    """One server with the demo portfolio for the module."""
    with demo_office(tmp_path_factory.mktemp("admin")) as demo:
        yield demo.server.url, demo.portfolio


def _sign_in(page: Page, url: str, email: str, password: str, lang: str) -> None:
    page.goto(f"{url}/sign-in?lang={lang}")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main button[type=submit]").click()


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_the_administrator_adds_a_user_changes_its_role_and_ends_its_session(
    browser: Browser, office: tuple[str, DemoPortfolio], lang: str
) -> None:
    url, portfolio = office
    words, suffix = WORDS[lang], "" if lang == "en" else "-zh"
    email, password = f"clerk.{lang.lower()}@itc.gov.hk", "a first password 2026"
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    boss = portfolio.user("admin")
    _sign_in(admin, url, boss.email, boss.password, lang)
    admin.get_by_role("link", name=words["nav"], exact=True).first.click()
    admin.locator("#f-display_name").fill("葉詠詩 Yip Wing Sze" if lang != "en" else "Yip Wing Sze")
    admin.locator("#f-email").fill(email)
    admin.locator("#f-role").select_option("officer")
    admin.locator("#f-password").fill(password)
    admin.get_by_role("button", name=words["add"]).click()
    expect(admin.locator("#role-now")).to_be_visible()
    admin.locator("#f-role").select_option("finance")
    admin.locator("#f-reason").fill(
        "moved to the finance section" if lang == "en" else "調往財務組"
    )
    admin.get_by_role("button", name=words["change"]).click()
    expect(admin.locator("main")).to_contain_text(words["history"])

    person = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    _sign_in(person, url, email, password, lang)
    expect(person).to_have_url(f"{url}/finance")
    admin.reload()
    expect(admin.locator("main")).to_contain_text(words["live"])
    screenshot(admin, f"journey-admin-user-signed-in{suffix}")
    admin.get_by_role("button", name=words["end"]).click()
    expect(admin.locator("main")).to_contain_text(words["none"])
    screenshot(admin, f"journey-admin-user{suffix}")

    person.goto(f"{url}/finance")
    expect(person).to_have_url(f"{url}/sign-in?next=%2Ffinance")
    expect(person.locator("main")).to_contain_text(words["sign_in"])
    admin.get_by_role("link", name=words["nav"], exact=True).first.click()
    admin.locator("#f-q").fill("yip")
    admin.locator("form.search button[type=submit]").click()
    expect(admin.locator("tbody")).to_contain_text(email)
    screenshot(admin, f"journey-admin-users{suffix}")
    person.context.close()
    admin.context.close()
