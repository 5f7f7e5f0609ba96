"""The officer puts referred cases on next week's committee agenda, in Chromium, in both languages.

Two referred cases are ticked on the secretariat's screen and put on the
meeting's agenda in one go; the screen then says so and the cases have left
the list. Screenshots go to ``var/screenshots/journey-officer-agenda*.png``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from reind.core.clock import hk_today
from reind.core.db import Database
from reind.demo.users import DemoPortfolio
from reind.programme.committee.services import schedule_meeting
from reind.programme.committee.store import CommitteeRow
from reind.programme.enterprises.store import EnterpriseRow
from tests.e2e.conftest import demo_office, screenshot
from tests.e2e.test_admin_journeys import _sign_in
from tests.programme.factories import OFFICER, rfs_application

pytestmark = pytest.mark.integration

WORDS = {
    "en": (
        "Committee agendas",
        "Put the ticked cases on the agenda",
        "Cases put on the agenda: 2.",
    ),
    "zh-Hant": ("委員會議程", "將已勾選的個案列入議程", "已將 2 宗個案列入議程。"),
}


@pytest.fixture(scope="module")
def office(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, DemoPortfolio, Database]]:
    """One server with the demo portfolio for the module."""
    with demo_office(tmp_path_factory.mktemp("agenda")) as demo:
        yield demo.server.url, demo.portfolio, demo.database


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_the_officer_puts_referred_cases_on_next_weeks_agenda(
    browser: Browser, office: tuple[str, DemoPortfolio, Database], lang: str
) -> None:
    url, portfolio, database = office
    nav, button, done = WORDS[lang]
    with database.unit_of_work() as session:
        company = session.scalars(select(EnterpriseRow).limit(1)).one()
        cases = [rfs_application(session, company, state="vetting_committee") for _ in range(2)]
        references = [c.reference for c in cases]
        committee = session.scalars(
            select(CommitteeRow).where(CommitteeRow.scheme == "rfs")
        ).first()
        assert committee is not None
        meeting = schedule_meeting(
            session, committee.id, hk_today() + timedelta(days=7), [], OFFICER
        )
        meeting_id = meeting.id
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    officer = portfolio.user("officer")
    _sign_in(page, url, officer.email, officer.password, lang)
    page.get_by_role("link", name=nav, exact=True).click()
    for reference in references:
        page.get_by_role("row", name=reference).get_by_role("checkbox").check()
    page.locator("#f-meeting_id").select_option(meeting_id)
    screenshot(page, f"journey-officer-agenda-ticked{'' if lang == 'en' else '-zh'}")
    page.get_by_role("button", name=button).click()
    expect(page.locator("main")).to_contain_text(done)
    for reference in references:
        expect(page.locator("main")).not_to_contain_text(reference)
    screenshot(page, f"journey-officer-agenda{'' if lang == 'en' else '-zh'}")
    page.context.close()
