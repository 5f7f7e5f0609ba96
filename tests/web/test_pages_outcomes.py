"""The project's monitoring page: before and after for its line, in English and Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from reind.core.clock import hk_today
from reind.factory.control.packml import PackMLState
from reind.factory.ingest.duckdb_store import DuckDBStore
from reind.factory.ingest.points import TelemetryPoint
from reind.factory.kpi import WorkUnit
from reind.programme.actors import Actor, Role
from reind.programme.funded_lines.services import DeclaredBaseline, declare_baseline, link_line
from reind.reporting.outcomes import start_of_day
from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures

PREFIX = "reind/waffle-1/waffle/"
OFFICER = Actor("officer-page", Role.OFFICER)
COMMISSIONED = hk_today() - timedelta(days=1)  # a whole day of data, whatever the hour now


@pytest.fixture
def telemetry() -> Iterator[DuckDBStore]:
    """Since commissioning: 2 hours of Execute making 40 an hour (8 scrap), 6 kWh."""
    store = DuckDBStore()
    unit = WorkUnit("waffle", PREFIX, 80.0)
    start = start_of_day(COMMISSIONED)
    zero = int((start - timedelta(hours=2)).timestamp() * 1000)
    names = [unit.state_time(PackMLState.EXECUTE), unit.processed, unit.energy, unit.defective]
    points = [TelemetryPoint(name, zero, 0.0) for name in names]
    for hour in (1, 2):
        at = int((start + timedelta(hours=hour, seconds=-1)).timestamp() * 1000)
        values = (3600.0 * hour, 40.0 * hour, 3.0 * hour, 4.0 * hour)
        points += [TelemetryPoint(n, at, v) for n, v in zip(names, values, strict=True)]
    store.write_batch(points)
    yield store
    store.close()


def _link(demo: Demo) -> str:
    app_id = demo.app_id("RFS-DEMO-0004")
    with demo.db.unit_of_work() as session:
        link_line(
            session,
            app_id,
            OFFICER,
            series_prefix=PREFIX,
            line_name_en="Egg-waffle machine",
            line_name_zh="雞蛋仔機",
            commissioned_on=COMMISSIONED,
            pru_seconds=80.0,
            operators=1.0,
        )
        declare_baseline(
            session,
            app_id,
            OFFICER,
            DeclaredBaseline(throughput_per_hour=24.0, labour_hours_per_unit=2 / 24),
        )
    return app_id


def test_the_officer_sees_before_and_after_from_the_declared_baseline_and_telemetry(
    demo: Demo, telemetry: DuckDBStore
) -> None:
    app_id = _link(demo)
    web = demo.browser("officer", telemetry=telemetry)
    answer = web.get(f"/projects/{app_id}/outcomes")
    assert answer.status_code == 200, answer.text[:500]
    text = text_of(answer)
    # 80 made in 2 h of Execute: 40 an hour against the declared 24 (+66.7%)
    assert "Throughput (units per hour) 24.0 40.0 +66.7% ▲" in text
    # labour: 1 operator × 2 h / 80 = 0.025 h a unit, against 2/24 = 0.083 (−70%)
    assert "Labour per unit (labour hours per unit) 0.083 0.025 -70.0% ▲" in text
    assert "Yield (first pass) not known 90.0%" in text  # 72 good of 80
    assert "Energy per unit (kWh per unit) not known 0.075" in text
    assert "the figures the applicant declared" in text
    assert "PQ 80 × 3600 / AOET 7,200 s" in text


def test_the_page_in_traditional_chinese(demo: Demo, telemetry: DuckDBStore) -> None:
    app_id = _link(demo)
    web = demo.browser("applicant", telemetry=telemetry)
    text = text_of(web.get(f"/projects/{app_id}/outcomes?lang=zh-Hant"))
    assert "成效" in text and "產量 （件／小時） 24.0 40.0 +66.7% ▲" in text
    assert "申請人申報的數字" in text and "雞蛋仔機" in text and "由申請人申報" in text
    # full-width brackets and no space after a full stop, as Chinese is written
    assert "基線：申請人申報的數字。之後：" in text
    main = text[text.index("成效：") :]  # the header's user name is as typed: Wong Ka Yan (...)
    assert "小時）。" in main and " (" not in main


def test_the_applicant_of_another_enterprise_and_finance_are_refused(demo: Demo) -> None:
    app_id = _link(demo)
    assert demo.browser("applicant.b").get(f"/projects/{app_id}/outcomes").status_code == 403
    assert demo.browser("finance").get(f"/projects/{app_id}/outcomes").status_code == 403
    assert demo.browser("analyst").get(f"/projects/{app_id}/outcomes").status_code == 200


def test_without_a_telemetry_store_or_a_link_the_page_says_so(demo: Demo) -> None:
    app_id = demo.app_id("RFS-DEMO-0004")
    web = demo.browser("officer")
    assert "No production line is linked" in web.get(f"/projects/{app_id}/outcomes").text
    _link(demo)
    assert "telemetry store is not connected" in web.get(f"/projects/{app_id}/outcomes").text


def test_the_case_pages_link_to_the_outcomes(demo: Demo) -> None:
    app_id = demo.app_id("RFS-DEMO-0004")
    link = f'href="/projects/{app_id}/outcomes"'
    assert link in demo.browser("officer").get(f"/workbench/applications/{app_id}").text
    assert link in demo.browser("applicant").get(f"/portal/applications/{app_id}").text
    unfunded = demo.app_id("RFS-DEMO-0002")
    page = demo.browser("officer").get(f"/workbench/applications/{unfunded}").text
    assert "/outcomes" not in page
