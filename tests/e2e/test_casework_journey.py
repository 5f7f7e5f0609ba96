"""The officer assigns a case, finds it under My cases and screens cases in bulk, in Chromium.

In English and Chinese: a case in screening is assigned to the officer with
a reason (its page then names the case officer), "My cases" lists it, and on
the screening queue two ticked cases have the screening rules run and then
pass screening in one go each, leaving the queue (the queue narrowed to the
officer's own cases, the second case assigned beforehand). Screenshots go to
``var/screenshots/journey-officer-{assigned,my-cases,bulk-ticked,bulk-done}*.png``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from reind.core.db import Database
from reind.demo.users import DemoPortfolio
from reind.programme.accounts.staff import staff_in
from reind.programme.actors import Role
from reind.programme.applications.assignment import assign_case
from reind.programme.enterprises.store import EnterpriseRow
from tests.e2e.conftest import demo_office, screenshot
from tests.e2e.test_admin_journeys import _sign_in
from tests.programme.factories import OFFICER, rfs_application

pytestmark = pytest.mark.integration

WORDS = {
    "en": {
        "mine": "My cases",
        "assign": "Assign",
        "officer": "Case officer: Chan Siu Ming",
        "step": "Take the step on the ticked cases",
        "screen": "Run the screening rules",
        "pass": "Pass screening",
        "done": "Cases done: 2.",
        "history": "Case assigned to Chan Siu Ming as case officer",
    },
    "zh-Hant": {
        "mine": "我的個案",
        "assign": "分派",
        "officer": "個案主任：Chan Siu Ming",
        "step": "對已勾選的個案執行此步驟",
        "screen": "執行審查規則",
        "pass": "通過初步審查",
        "done": "已完成 2 宗個案。",
        "history": "個案已分派給 Chan Siu Ming 擔任個案主任",
    },
}


@pytest.fixture(scope="module")
def office(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, DemoPortfolio, Database]]:
    """One server with the demo portfolio for the module."""
    with demo_office(tmp_path_factory.mktemp("casework")) as demo:
        yield demo.server.url, demo.portfolio, demo.database


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_the_officer_assigns_a_case_and_screens_two_in_bulk(
    browser: Browser, office: tuple[str, DemoPortfolio, Database], lang: str
) -> None:
    url, portfolio, database = office
    words = WORDS[lang]
    zh = "" if lang == "en" else "-zh"
    with database.unit_of_work() as session:
        company = session.scalars(select(EnterpriseRow).limit(1)).one()
        cases = [rfs_application(session, company, state="screening") for _ in range(2)]
        ids, references = [c.id for c in cases], [c.reference for c in cases]
        chan = next(p for p in staff_in(session, Role.OFFICER) if p.name == "Chan Siu Ming")
        assign_case(session, ids[1], chan.actor_id, OFFICER, reason="Monday intake")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    officer = portfolio.user("officer")
    _sign_in(page, url, officer.email, officer.password, lang)
    page.goto(f"{url}/workbench/applications/{ids[0]}")
    page.locator("#f-officer").select_option(label="Chan Siu Ming")
    page.locator("#f-reason").fill("Food cases this quarter" if lang == "en" else "本季食品個案")
    page.get_by_role("button", name=words["assign"], exact=True).click()
    expect(page.locator("main")).to_contain_text(
        words["officer"].replace("：", ": ").split(": ")[1]
    )
    expect(page.locator("main")).to_contain_text(words["history"])
    screenshot(page, f"journey-officer-assigned{zh}")
    page.get_by_role("link", name=words["mine"], exact=True).click()
    expect(page.locator("#my-cases")).to_contain_text(references[0])
    screenshot(page, f"journey-officer-my-cases{zh}")
    for step in ("screen", "pass"):
        page.goto(f"{url}/workbench?state=screening&officer=me")
        for reference in references:
            page.get_by_role("row", name=reference).get_by_role("checkbox").check()
        page.locator("#f-step").select_option(label=words[step])
        if step == "screen":
            screenshot(page, f"journey-officer-bulk-ticked{zh}")
        page.get_by_role("button", name=words["step"]).click()
        expect(page.locator("main")).to_contain_text(words["done"])
    for reference in references:
        expect(page.locator("main")).not_to_contain_text(reference)
    page.goto(f"{url}/workbench?state=assessment&officer=me")
    for reference in references:
        expect(page.locator("main")).to_contain_text(reference)
    screenshot(page, f"journey-officer-bulk-done{zh}")
    page.context.close()
