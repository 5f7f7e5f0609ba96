"""The server renders today's report ahead of the analysts (issue 16: every view within 300 ms).

The first view of the report page in a process computed every figure: 0.7 s on
the demo's SQLite, 2.5 s at 1,000,000 applications on PostgreSQL. A serving app
renders it at start and after writes, so the analyst's first view reads only
the tokens that say nothing changed.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text

from reind.bootstrap import Platform
from reind.core.db import Database
from reind.reporting.queries import tables_read
from reind.schemes.catalogue import default_engine
from reind.web import report_warming
from reind.web.app import create_app
from reind.web.report_warming import warm_report
from tests.web.test_pages_world import Browser, Demo, demo, demo_template
from tests.web.world import FAST_HASHER

__all__ = ["demo", "demo_template"]  # fixtures

TOKENS = {"report_data_tables", "report_data_years"}


@contextmanager
def _figures_read(db: Database) -> Iterator[list[str]]:
    """The statements run meanwhile that read a table of the report's records."""
    seen: list[str] = []

    def capture(conn: object, cursor: object, sql: str, params: Any, *rest: object) -> None:
        read = tables_read(sql)
        if read - TOKENS and read & {"applications", "ledger_entries", "enquiries", "seminars"}:
            seen.append(sql)

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)


def _analyst(app: Any, demo: Demo) -> Browser:
    web = Browser(app)
    user = demo.portfolio.user("analyst")
    web.post("/sign-in", data={"email": user.email, "password": user.password})
    return web


def _views_compute(web: Browser, db: Database) -> list[str]:
    with _figures_read(db) as seen:
        for lang in ("en", "zh-Hant"):
            answer = web.get(f"/analyst/report.html?report_lang={lang}")
            assert answer.status_code == 200
    return seen


def test_a_report_rendered_ahead_costs_the_analysts_first_view_no_figure(demo: Demo) -> None:
    platform = Platform(demo.db, default_engine())
    web = _analyst(create_app(platform, secure_cookies=False, password_hasher=FAST_HASHER), demo)
    assert _views_compute(web, demo.db)  # unwarmed, the first view computes the figures
    with demo.db.unit_of_work() as session:  # an enquiry recorded meanwhile
        session.execute(text("UPDATE enquiries SET question = question || '?'"))
    warm_report(platform)
    assert _views_compute(web, demo.db) == []  # the round computed what the write reached


def test_a_serving_app_warms_the_report_while_it_runs_and_stops_with_it(
    demo: Demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    platform = Platform(demo.db, default_engine())
    app = create_app(
        platform, secure_cookies=False, password_hasher=FAST_HASHER, warm_report_every=3600
    )
    assert not [t for t in threading.enumerate() if t.name == "report-warming"]
    warmed = threading.Event()

    def noted(platform: Platform) -> None:
        warm_report(platform)
        warmed.set()

    monkeypatch.setattr(report_warming, "warm_report", noted)
    with _analyst(app, demo) as web:  # the context runs the app's lifespan
        warming = next(t for t in threading.enumerate() if t.name == "report-warming")
        assert warmed.wait(120)  # the first round runs at start
        assert _views_compute(web, demo.db) == []  # so the analyst's first view is kept
    assert not warming.is_alive()  # stopped with the app
