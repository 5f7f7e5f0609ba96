"""The office the role journeys run in: one demo server per language, with cases at volume.

Each journey module asks for ``office`` and runs once in English and once in
Traditional Chinese; each language has a server of its own, holding the
demo portfolio (``reind.demo.users``) plus what the journeys need beyond it:

* pages of ``PAGE`` rows, and 11 more applications in screening, so the
  officer's queue has a second page;
* ``gap``: a case in screening that asks for HK$1,500,000 where the rules
  give HK$900,000 (the gap the officer must see flagged);
* ``pre_read``: a case before the committee, on today's agenda, with the
  officer's assessment note and a business plan, that the other member
  (``member.lam``) has already scored in full;
* 10 more funded projects, so the finance ledger list has a second page;
* a meeting next week for the agenda screen;
* both twins linked to their funded projects as ``reind demo`` links them
  (RFS-DEMO-0004's egg-waffle machine; RFS-DEMO-0005, the brewer's beer
  line), with an hour of telemetry each, so the analyst reads measured outcomes.

``expect_chinese`` checks what a zh-Hant reader sees, by the same rule as the
crawl in ``tests/web/test_zh_hant_chrome.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core import paging
from reind.core.clock import hk_today
from reind.core.db import Database
from reind.core.money import Money
from reind.demo.funded_lines import ensure_demo_funded_lines
from reind.demo.users import DOMAIN, DemoPortfolio
from reind.factory.ingest.duckdb_store import DuckDBStore
from reind.programme.accounts.store import UserRow
from reind.programme.accounts.users import actor_of
from reind.programme.actors import Actor
from reind.programme.applications.contents import attach_document
from reind.programme.applications.transitions import screen_application, transition_application
from reind.programme.committee.agenda import place_on_agenda
from reind.programme.committee.criteria import criteria_for
from reind.programme.committee.services import schedule_meeting, score_application
from reind.programme.committee.store import CommitteeRow
from reind.reporting.figures import format_money
from reind.schemes.catalogue import default_engine
from reind.web.i18n import translations
from tests.e2e.conftest import demo_office, screenshot
from tests.programme.factories import enterprise, funded_rfs_project, rfs_application
from tests.web.test_demo_report_outcomes import an_hour_on_both_lines
from tests.web.test_zh_hant_chrome import _Page, english_words

LANGS = ("en", "zh-Hant")
ASSESSMENT = "Quotations checked; the vision system is the smart element."
PAGE = 10
"""Rows per page on these servers (the office's 50 would need hundreds of cases made)."""
EXTRA_SCREENING = 11
EXTRA_FUNDED = 10


@dataclass
class Office:
    """One language's live server, the demo in it, and the cases made for the journeys."""

    url: str
    lang: str
    portfolio: DemoPortfolio
    database: Database
    cases: dict[str, tuple[str, str]] = field(default_factory=dict)  # name: (id, reference)
    next_meeting: str = ""

    @property
    def suffix(self) -> str:
        """The screenshot name's ending for this language."""
        return "" if self.lang == "en" else "-zh"

    def t(self, msgid: str) -> str:
        """``msgid`` as the page in this language shows it (the catalogue's translation)."""
        return translations(self.lang).gettext(msgid)

    def money(self, amount: str) -> str:
        """``amount`` as lists and cases show it (templating's ``money``: 150萬港元)."""
        value = Money.of(amount)
        return str(value) if self.lang == "en" else format_money(value, "zh-Hant")

    def exact(self, amount: str) -> str:
        """``amount`` to the cent, as claims and ledgers show it (templating's ``exact_money``)."""
        value = Money.of(amount)
        return str(value) if self.lang == "en" else value.zh_words()

    def new_page(self, browser: Browser) -> Page:
        """A page in a browser of its own, set to this language as its reader's would be."""
        locale = "en-HK" if self.lang == "en" else "zh-HK"  # date inputs follow the browser
        return browser.new_context(
            viewport={"width": 1280, "height": 900}, locale=locale
        ).new_page()

    def sign_in(self, page: Page, who: str) -> None:
        """Sign in as demo user ``who`` with this language chosen."""
        user = self.portfolio.user(who)
        page.goto(f"{self.url}/sign-in?lang={self.lang}")
        page.locator("input[name=email]").fill(user.email)
        page.locator("input[name=password]").fill(user.password)
        page.locator("main button[type=submit]").click()
        page.wait_for_load_state()

    def shot(self, page: Page, name: str) -> None:
        """``<name>[-zh].png`` under var/screenshots (``name`` whole, for docs' test to find)."""
        screenshot(page, f"{name}{self.suffix}")


def english_on(page: Page) -> list[str]:
    """The English words a reader sees on ``page``, outside what people typed."""
    reader = _Page()
    reader.feed(page.content())
    return sorted(set(english_words(" ".join(reader.text))))


def expect_chinese(page: Page, office: Office) -> None:
    """On a zh-Hant page, no English word outside what people typed (``translate="no"``)."""
    if office.lang == "en":
        return
    words = english_on(page)
    assert words == [], f"{page.url}: {words}"


def _actor(session: Session, key: str) -> Actor:
    row = session.scalars(select(UserRow).where(UserRow.email == f"{key}@demo.reind.hk")).one()
    return actor_of(row)


def _seed(session: Session, office: Office) -> None:
    engine = default_engine()
    officer = _actor(session, "officer")
    company = enterprise(session, name="Kowloon Noodle Works Ltd")
    for _ in range(EXTRA_SCREENING):
        rfs_application(session, company, state="screening")
    gap = rfs_application(
        session, company, state="screening", machinery="2700000", requested="1500000"
    )
    office.cases["gap"] = (gap.id, gap.reference)
    read = rfs_application(session, company, machinery="3300000", requested="1100000")
    attach_document(
        session,
        read.id,
        officer,
        filename="business-plan.pdf",
        media_type="application/pdf",
        content=b"%PDF-1.4 business plan",
    )
    for action in ("submit", "start_screening"):
        transition_application(session, read.id, action, officer)
    screen_application(session, read.id, officer, engine=engine)
    transition_application(session, read.id, "pass_screening", officer, note=ASSESSMENT)
    transition_application(session, read.id, "refer_to_committee", officer)
    place_on_agenda(session, office.portfolio.meeting_id, read.id, officer)
    lam = _actor(session, "member.lam")
    for criterion in criteria_for("rfs").items:
        score_application(
            session, office.portfolio.meeting_id, read.id, lam, criterion=criterion.code, score=3
        )
    office.cases["pre_read"] = (read.id, read.reference)
    for _ in range(EXTRA_FUNDED):
        funded_rfs_project(session, enterprise(session), machinery="3000000")
    committee = session.scalars(select(CommitteeRow).where(CommitteeRow.scheme == "rfs")).first()
    assert committee is not None
    office.next_meeting = schedule_meeting(
        session, committee.id, hk_today() + timedelta(days=7), [], officer
    ).id
    ensure_demo_funded_lines(session, engine, DOMAIN)


@pytest.fixture(scope="module", params=LANGS)
def office(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Office]:
    """A demo server for one language, for the module's journeys."""
    lang: str = request.param
    knob = pytest.MonkeyPatch()
    knob.setattr(paging, "DEFAULT_LIMIT", PAGE)
    telemetry = DuckDBStore()
    an_hour_on_both_lines(telemetry)
    with demo_office(tmp_path_factory.mktemp(f"journeys-{lang}"), telemetry) as demo:
        made = Office(demo.server.url, lang, demo.portfolio, demo.database)
        with demo.database.unit_of_work() as session:
            _seed(session, made)
        yield made
    telemetry.close()
    knob.undo()


@pytest.fixture
def page(browser: Browser, office: Office) -> Iterator[Page]:
    """A fresh page whose browser reads the office's language."""
    opened = office.new_page(browser)
    yield opened
    opened.context.close()
