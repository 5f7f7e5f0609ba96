"""The demo portfolio the page tests run on, and the helpers they share.

``demo_template`` builds the demo (``reind.demo.users``) once per test
module on a migrated SQLite copy; each test gets its own copy of that file,
so tests can change what they like. ``Browser`` is a TestClient that signs
in through the sign-in form and reads the CSRF token the pages carry.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response  # what Starlette's TestClient speaks
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reind.bootstrap import Platform
from reind.core.clock import hk_today, utcnow
from reind.core.db import Database
from reind.core.money import Money
from reind.demo.users import DemoPortfolio, create_demo_portfolio
from reind.factory.ingest.store import TelemetryStore
from reind.programme.accounts import actor_of
from reind.programme.accounts.store import UserRow
from reind.programme.audit.store import AuditEventRow
from reind.programme.committee.services import schedule_meeting
from reind.programme.committee.store import MeetingRow
from reind.programme.money.claims import submit_claim
from reind.schemes.catalogue import default_engine
from reind.web.app import create_app
from tests.web.world import FAST_HASHER

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Demo:
    """A demo database and what is in it."""

    db: Database
    portfolio: DemoPortfolio

    def app_id(self, reference: str) -> str:
        """The id of demo application ``reference`` (e.g. "RFS-DEMO-0002")."""
        return self.portfolio.applications[reference]

    def browser(self, who: str | None = None, telemetry: TelemetryStore | None = None) -> Browser:
        """A client, signed in as demo user ``who`` (e.g. "officer") when given."""
        client = Browser(
            create_app(
                Platform(self.db, default_engine(), telemetry=telemetry),
                secure_cookies=False,
                password_hasher=FAST_HASHER,
            )
        )
        if who is not None:
            user = self.portfolio.user(who)
            answer = client.post("/sign-in", data={"email": user.email, "password": user.password})
            assert answer.status_code == 200, answer.text
        return client


class Browser(TestClient):
    """A TestClient that posts forms with the CSRF token of the last page it read."""

    token = ""

    def page(self, url: str) -> Response:
        """GET a page and remember its CSRF token."""
        answer = self.get(url)
        found = CSRF.search(answer.text)
        if found:
            self.token = found.group(1)
        return answer

    def submit(
        self,
        url: str,
        data: dict[str, str],
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> Response:
        """POST a form with the CSRF token, without following the redirect."""
        return self.post(
            url, data={**data, "csrf_token": self.token}, files=files, follow_redirects=False
        )

    def submit_many(self, url: str, pairs: list[tuple[str, str]]) -> Response:
        """POST a form whose fields repeat (ticked boxes), with the CSRF token."""
        body = urlencode([*pairs, ("csrf_token", self.token)])
        return self.post(
            url,
            content=body,
            headers={"content-type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        )


@pytest.fixture(scope="module")
def demo_template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, DemoPortfolio]:
    """A SQLite file holding the demo portfolio, made once per module."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    database = Database(f"sqlite:///{path}")
    with database.unit_of_work() as session:
        portfolio = create_demo_portfolio(session, engine=default_engine(), hasher=FAST_HASHER)
    database.dispose()
    return path, portfolio


@pytest.fixture
def demo(demo_template: tuple[Path, DemoPortfolio], tmp_path: Path) -> Iterator[Demo]:
    """A fresh copy of the demo for one test."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_template[0], path)
    database = Database(f"sqlite:///{path}")
    try:
        yield Demo(database, demo_template[1])
    finally:
        database.dispose()


def text_of(answer: Response) -> str:
    """The page's text without tags, spaces collapsed (for reading assertions)."""
    return " ".join(re.sub(r"<[^>]+>", " ", answer.text).split())


def test_the_demo_is_made_once_and_found_again(demo: Demo) -> None:
    with demo.db.unit_of_work() as session:
        again = create_demo_portfolio(session, engine=default_engine(), hasher=FAST_HASHER)
    assert not again.created
    assert again.applications == demo.portfolio.applications
    assert again.claim_id == demo.portfolio.claim_id and again.meeting_id


def test_nothing_in_the_demo_happened_after_it_was_made(demo: Demo) -> None:
    """Its claim was once stamped at noon today, Hong Kong time: hours ahead on a morning."""
    with demo.db.unit_of_work() as session:
        latest = session.execute(select(func.max(AuditEventRow.recorded_at))).scalar_one()
    assert latest is not None and latest <= utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_the_demo_finds_its_own_records_after_a_day_of_use(demo: Demo) -> None:
    """A second claim on RFS-DEMO-0004 and a second agenda for RFS-DEMO-0002 (issue 12)."""
    funded, on_agenda = demo.app_id("RFS-DEMO-0004"), demo.app_id("RFS-DEMO-0002")
    with demo.db.unit_of_work() as session:
        applicant = actor_of(_user(session, demo.portfolio.user("applicant").email))
        officer = actor_of(_user(session, demo.portfolio.user("officer").email))
        meeting = session.get(MeetingRow, demo.portfolio.meeting_id)
        assert meeting is not None
        submit_claim(
            session, funded, Money.of("10000"), applicant,
            engine=default_engine(),
        )  # fmt: skip
        later = hk_today() + timedelta(days=14)
        schedule_meeting(session, meeting.committee_id, later, [on_agenda], officer)
    with demo.db.unit_of_work() as session:
        again = create_demo_portfolio(session, engine=default_engine(), hasher=FAST_HASHER)
    assert not again.created
    assert again.claim_id == demo.portfolio.claim_id
    assert again.meeting_id == demo.portfolio.meeting_id


def test_a_demo_made_before_the_second_finance_officer_gets_it_on_its_next_start(
    demo: Demo,
) -> None:
    payer = demo.portfolio.user("finance.chow")
    with demo.db.unit_of_work() as session:
        session.delete(_user(session, payer.email))  # as a demo made by an earlier version
    with demo.db.unit_of_work() as session:
        again = create_demo_portfolio(session, engine=default_engine(), hasher=FAST_HASHER)
        assert not again.created
        assert _user(session, payer.email).role == "finance"
    with demo.db.unit_of_work() as session:  # and only once
        create_demo_portfolio(session, engine=default_engine(), hasher=FAST_HASHER)
        emails = session.execute(select(UserRow.email).where(UserRow.email == payer.email))
        assert len(emails.all()) == 1


def _user(session: Session, email: str) -> UserRow:
    row = session.scalar(select(UserRow).where(UserRow.email == email))
    assert row is not None
    return row


def test_every_demo_user_can_sign_in_and_lands_on_their_pages(demo: Demo) -> None:
    web = demo.browser()
    for user in demo.portfolio.users:
        web.cookies.clear()
        answer = web.post(
            "/sign-in",
            data={"email": user.email, "password": user.password},
            follow_redirects=False,
        )
        assert answer.status_code == 303, user.key
        landing = web.get(answer.headers["location"])
        if user.key == "plant":  # the dashboard needs a running plant, which reind demo starts
            assert answer.headers["location"] == "/plant"
            continue
        assert landing.status_code == 200, (user.key, landing.text[:300])
        assert user.display_name in landing.text
