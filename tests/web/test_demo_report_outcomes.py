"""The demo's progress report shows outcomes for both funded lines, and its PDF reads as a paper."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from reind.core.clock import hk_today
from reind.demo.funded_lines import ensure_demo_funded_lines
from reind.demo.users import DOMAIN
from reind.factory.control.packml import PackMLState
from reind.factory.ingest.duckdb_store import DuckDBStore
from reind.factory.ingest.points import TelemetryPoint
from reind.factory.kpi import WorkUnit
from reind.programme.applications.store import ApplicationRow
from reind.reporting.outcomes import start_of_day
from reind.reporting.progress import build_report
from reind.schemes.catalogue import default_engine
from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures

LINES = {"reind/waffle-1/waffle/": (80.0, 40.0), "reind/brewery-1/brewery/Bottling/": (0.5, 6000.0)}
"""Series prefix -> (ideal seconds per unit, units made an hour since commissioning)."""


def an_hour_on_both_lines(store: DuckDBStore) -> None:
    """Both lines executing for the first hour of the day they were commissioned (today)."""
    start = start_of_day(hk_today())
    zero = int((start - timedelta(hours=2)).timestamp() * 1000)
    at = int((start + timedelta(hours=1, seconds=-1)).timestamp() * 1000)
    points = []
    for prefix, (pru, per_hour) in LINES.items():
        unit = WorkUnit(prefix, prefix, pru)
        names = [unit.state_time(PackMLState.EXECUTE), unit.processed, unit.energy]
        points += [TelemetryPoint(name, zero, 0.0) for name in names]
        points += [
            TelemetryPoint(names[0], at, 3600.0),
            TelemetryPoint(names[1], at, per_hour),
            TelemetryPoint(names[2], at, per_hour * 0.02),
        ]
    store.write_batch(points)


@pytest.fixture
def telemetry() -> Iterator[DuckDBStore]:
    """Both lines' telemetry for their first hour."""
    store = DuckDBStore()
    an_hour_on_both_lines(store)
    yield store
    store.close()


def test_the_demo_links_both_twins_and_the_report_shows_their_outcomes(
    demo: Demo, telemetry: DuckDBStore, tmp_path: Path
) -> None:
    with demo.db.unit_of_work() as session:
        ensure_demo_funded_lines(session, default_engine(), DOMAIN)
        ensure_demo_funded_lines(session, default_engine(), DOMAIN)  # idempotent
    with demo.db.unit_of_work() as session:
        html = build_report(session, hk_today(), telemetry=telemetry).content.decode()
        pdf = build_report(session, hk_today(), fmt="pdf", telemetry=telemetry, lang="zh-Hant")
    assert "2 funded production lines are linked" in html
    assert "2 can be compared with a baseline" in html
    for reference, line in (
        ("RFS-DEMO-0004", "Egg-waffle machine"),
        ("RFS-DEMO-0005", "Smart beer line"),
    ):
        assert f"{reference}: {line}" in html
    assert "40.0" in html and "6,000.0" in html  # after: units an hour, from telemetry
    assert "24.0" in html and "1,200.0" in html  # before: what the applicants declared
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "共有 2 條獲資助的生產線" in text and "智能啤酒生產線" in text
    assert "SELECT" not in text and "provenance" in text  # the SQL is in the companion file


def fund_the_lines(demo: Demo) -> str:
    """Link both twins as the demo does; the beer project's id."""
    with demo.db.unit_of_work() as session:
        ensure_demo_funded_lines(session, default_engine(), DOMAIN)
        found = session.scalar(
            select(ApplicationRow.id).where(ApplicationRow.reference == "RFS-DEMO-0005")
        )
    assert found is not None
    return found


def test_the_analyst_reaches_the_beer_lines_measured_gains_in_both_languages(
    demo: Demo, telemetry: DuckDBStore
) -> None:
    beer = fund_the_lines(demo)
    web = demo.browser("analyst", telemetry=telemetry)
    home = text_of(web.get("/analyst"))
    # before: the brewer's declared 1,200 bottles an hour; after: 6,000 from telemetry
    assert "Funded production lines: outcomes" in home
    assert "RFS-DEMO-0005" in home and "Smart beer line 1,200.0 6,000.0 +400.0% ▲" in home
    link = f'href="/projects/{beer}/outcomes"'
    assert link in web.get("/analyst").text
    assert link in web.get(f"/finance/projects/{beer}").text  # from the project itself
    en = text_of(web.get(f"/projects/{beer}/outcomes"))
    assert "Outcomes: RFS-DEMO-0005" in en and "Smart beer line" in en
    assert "Throughput (units per hour) 1,200.0 6,000.0 +400.0% ▲" in en
    assert "the figures the applicant declared" in en
    # a bottle takes a third of a thousandth of a labour hour: shown, not rounded to 0.000
    assert "Labour per unit (labour hours per unit) 0.0033 0.00033 -90.0% ▲" in en
    zh = text_of(web.get(f"/projects/{beer}/outcomes?lang=zh-Hant"))
    assert (
        "成效：RFS-DEMO-0005" in zh
        and "智能啤酒生產線" in zh
        and "基線：" in zh
        and "1,200.0 6,000.0 +400.0% ▲" in zh
    )
    zh_home = text_of(web.get("/analyst?lang=zh-Hant"))
    assert "獲資助生產線：成效" in zh_home and "智能啤酒生產線 1,200.0 6,000.0 +400.0% ▲" in zh_home


def test_finance_sees_the_ledger_without_a_link_to_outcomes_it_may_not_read(
    demo: Demo, telemetry: DuckDBStore
) -> None:
    beer = fund_the_lines(demo)
    ledger = demo.browser("finance").get(f"/finance/projects/{beer}")
    assert ledger.status_code == 200 and "/outcomes" not in ledger.text
