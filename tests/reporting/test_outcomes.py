"""Outcomes of funded lines: before and after from hand-computed rollups, never averaged ratios.

The synthetic line publishes never-resetting accumulators once an hour into
a DuckDB store (which keeps the hour rollups), like a twin does:

- before commissioning (2026-01-10), 10 hours: 8 h Execute making 30 an
  hour, 2 h Held; 240 made, 24 scrap, 40 kWh; 3 operators.
- after, two days of different length: 2 h Execute making 45 an hour
  (90 made, none scrap, 9 kWh), then 20 h: 10 h Execute, 10 h Held, 400 made,
  40 scrap, 50 kWh; 1 operator.

Planned run time per unit 80 s.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from reind.core.db import Database
from reind.factory.control.packml import PackMLState
from reind.factory.ingest.duckdb_store import DuckDBStore
from reind.factory.ingest.points import TelemetryPoint
from reind.factory.kpi import WorkUnit
from reind.programme.funded_lines.services import (
    DeclaredBaseline,
    FundedLine,
    LinkedProject,
    declare_baseline,
    link_line,
)
from reind.reporting.outcomes import (
    Source,
    Window,
    ceil_hour,
    measure_all,
    measure_line,
    start_of_day,
    summarise,
)
from reind.reporting.progress import build_report
from tests.programme.conftest import sqlite_template
from tests.programme.factories import OFFICER, funded_rfs_project

__all__ = ["sqlite_template"]  # fixture

H = 3600
COMMISSIONED = date(2026, 1, 10)  # 2026-01-09 16:00 UTC
LINE_1 = "reind/waffle-1/waffle/"
LINE_2 = "reind/waffle-2/waffle/"
BEFORE_START = datetime(2026, 1, 9, 0, tzinfo=UTC)
DAY_A = datetime(2026, 1, 10, 0, tzinfo=UTC)
DAY_B = datetime(2026, 1, 11, 0, tzinfo=UTC)
AFTER = Window(start_of_day(COMMISSIONED), datetime(2026, 1, 12, 0, tzinfo=UTC))
NOW = datetime(2026, 1, 20, 3, 30, tzinfo=UTC)

Hour = tuple[PackMLState, float, float, float]
"""(state for the whole hour, made, scrap, kWh)."""
X, HELD = PackMLState.EXECUTE, PackMLState.HELD


def _publish(store: DuckDBStore, prefix: str, start: datetime, hours: list[Hour]) -> None:
    """Accumulators at the end of each hour from ``start``, after a zero two days before."""
    unit = WorkUnit("line", prefix, 80.0)
    zero_at = int((start - timedelta(days=2)).timestamp() * 1000)
    series = (unit.state_time(X), unit.state_time(HELD), unit.processed, unit.defective)
    store.write_batch([TelemetryPoint(s, zero_at, 0.0) for s in (*series, unit.energy)])
    _publish_continuation(store, prefix, start, [], hours)


BEFORE_HOURS: list[Hour] = [(X, 30.0, 3.0, 5.0)] * 8 + [(HELD, 0.0, 0.0, 0.0)] * 2
DAY_A_HOURS: list[Hour] = [(X, 45, 0, 4.5)] * 2
DAY_B_HOURS: list[Hour] = [(X, 40.0, 4.0, 5.0)] * 10 + [(HELD, 0.0, 0.0, 0.0)] * 10


@pytest.fixture(scope="module")
def store() -> Iterator[DuckDBStore]:
    """Line 1 with telemetry before and after commissioning; line 2 only after."""
    telemetry = DuckDBStore()
    _publish(telemetry, LINE_1, BEFORE_START, BEFORE_HOURS)
    # one series per line: write the after-days as a continuation of the same accumulators
    _publish_after(telemetry, LINE_1, before=BEFORE_HOURS)
    _publish(telemetry, LINE_2, DAY_A, DAY_A_HOURS)
    _publish_continuation(telemetry, LINE_2, DAY_B, DAY_A_HOURS, DAY_B_HOURS)
    yield telemetry
    telemetry.close()


def _publish_after(store: DuckDBStore, prefix: str, before: list[Hour]) -> None:
    _publish_continuation(store, prefix, DAY_A, before, DAY_A_HOURS)
    _publish_continuation(store, prefix, DAY_B, before + DAY_A_HOURS, DAY_B_HOURS)


def _publish_continuation(
    store: DuckDBStore, prefix: str, start: datetime, earlier: list[Hour], hours: list[Hour]
) -> None:
    """More hours from ``start``, continuing the accumulators after ``earlier``."""
    unit = WorkUnit("line", prefix, 80.0)
    totals: dict[str, float] = {
        unit.state_time(X): H * sum(1.0 for h in earlier if h[0] is X),
        unit.state_time(HELD): H * sum(1.0 for h in earlier if h[0] is HELD),
        unit.processed: sum(h[1] for h in earlier),
        unit.defective: sum(h[2] for h in earlier),
        unit.energy: sum(h[3] for h in earlier),
    }
    points = []
    for index, (state, made, scrap, kwh) in enumerate(hours):
        at = int((start + timedelta(hours=index)).timestamp() * 1000) + (H - 1) * 1000
        totals[unit.state_time(state)] += H
        totals[unit.processed] += made
        totals[unit.defective] += scrap
        totals[unit.energy] += kwh
        points += [TelemetryPoint(series, at, float(value)) for series, value in totals.items()]
    store.write_batch(points)


def _project(
    prefix: str = LINE_1,
    declared: DeclaredBaseline | None = None,
    operators_before: float | None = 3.0,
) -> LinkedProject:
    line = FundedLine(
        application_id="app-1",
        series_prefix=prefix,
        line_name_en="Egg-waffle line",
        line_name_zh="雞蛋仔生產線",
        commissioned_on=COMMISSIONED,
        pru_seconds=80.0,
        operators=1.0,
        operators_before=operators_before,
    )
    return LinkedProject("RFS-1", "Line", "Golden Egg", "金蛋", line, declared)


def test_the_before_side_is_the_lines_own_telemetry_before_commissioning(
    store: DuckDBStore,
) -> None:
    outcome = measure_line(store, _project(), NOW, after=AFTER, baseline_days=2)
    assert outcome.before.source is Source.TELEMETRY
    before = outcome.before.elements
    assert before is not None
    assert (before.apt, before.adet, before.pq, before.sq) == (8 * H, 2 * H, 240, 24)
    throughput = outcome.metric("throughput")
    assert throughput.before == pytest.approx(240 * 3600 / (10 * H))  # 24 an hour
    # availability 0.8 × effectiveness (240 × 80 / 28 800) × quality 0.9
    assert outcome.metric("oee").before == pytest.approx(0.8 * (19_200 / 28_800) * 0.9)
    assert outcome.metric("labour").before == pytest.approx(3 * 10 / 240)
    assert outcome.metric("energy").before == pytest.approx(40 / 240)
    assert outcome.metric("yield").before == pytest.approx(0.9)
    assert "PQ 240" in throughput.before_basis


def test_after_sums_the_elements_of_both_days_and_divides_once(store: DuckDBStore) -> None:
    outcome = measure_line(store, _project(), NOW, after=AFTER, baseline_days=2)
    after = outcome.after.elements
    assert after is not None
    assert (after.apt, after.adet, after.pq, after.sq) == (12 * H, 10 * H, 490, 40)
    throughput = outcome.metric("throughput")
    assert throughput.after == pytest.approx(490 * 3600 / (22 * H))  # 22.3 an hour
    assert throughput.change == pytest.approx(490 / 22 - 24)
    assert throughput.improved is False
    oee = outcome.metric("oee")
    assert oee.after == pytest.approx((43_200 / 79_200) * (39_200 / 43_200) * (450 / 490))
    assert outcome.metric("labour").after == pytest.approx(1 * 22 / 490)
    assert outcome.metric("labour").improved is True  # fewer hours a unit is better
    assert outcome.metric("energy").after == pytest.approx(59 / 490)
    assert outcome.metric("yield").after == pytest.approx(450 / 490)


def test_averaging_the_two_days_ratios_would_give_a_different_answer(
    store: DuckDBStore,
) -> None:
    """Day A: OEE 1.0, 45 an hour over 2 h; day B: OEE 0.4, 20 an hour over 20 h."""
    whole = measure_line(store, _project(), NOW, after=AFTER, baseline_days=2)
    day_a = measure_line(store, _project(), NOW, after=Window(DAY_A, DAY_A + 2 * H * _S))
    day_b = measure_line(store, _project(), NOW, after=Window(DAY_B, DAY_B + 20 * H * _S))
    oees = [day_a.metric("oee").after, day_b.metric("oee").after]
    assert oees == [pytest.approx(1.0), pytest.approx(0.4)]
    averaged = (1.0 + 0.4) / 2
    assert whole.metric("oee").after == pytest.approx(0.4545, abs=1e-4)
    assert whole.metric("oee").after != pytest.approx(averaged)
    rates = [day_a.metric("throughput").after, day_b.metric("throughput").after]
    assert rates == [pytest.approx(45.0), pytest.approx(20.0)]
    assert whole.metric("throughput").after != pytest.approx(sum(r or 0 for r in rates) / 2)


_S = timedelta(seconds=1)


def test_without_telemetry_before_commissioning_the_declared_baseline_is_used(
    store: DuckDBStore,
) -> None:
    declared = DeclaredBaseline(
        throughput_per_hour=30.0, labour_hours_per_unit=2 / 30, yield_ratio=0.95
    )
    outcome = measure_line(store, _project(LINE_2, declared), NOW, after=AFTER, baseline_days=2)
    assert outcome.before.source is Source.DECLARED
    throughput = outcome.metric("throughput")
    assert throughput.before == 30.0 and throughput.before_basis == "declared by applicant"
    assert throughput.relative_change == pytest.approx((490 / 22 - 30) / 30)
    assert outcome.metric("labour").before == pytest.approx(2 / 30)
    oee = outcome.metric("oee")
    assert oee.before is None and oee.change is None and oee.after is not None


def test_a_line_with_neither_telemetry_nor_declaration_has_no_baseline(
    store: DuckDBStore,
) -> None:
    outcome = measure_line(store, _project(LINE_2), NOW, after=AFTER, baseline_days=2)
    assert outcome.before.source is Source.NONE
    assert not outcome.measured
    assert all(metric.before is None for metric in outcome.metrics)


def test_telemetry_without_staffing_before_falls_back_to_declared_labour(
    store: DuckDBStore,
) -> None:
    declared = DeclaredBaseline(labour_hours_per_unit=0.2)
    project = _project(declared=declared, operators_before=None)
    outcome = measure_line(store, project, NOW, after=AFTER, baseline_days=2)
    assert outcome.before.source is Source.TELEMETRY
    labour = outcome.metric("labour")
    assert labour.before == 0.2 and labour.before_basis == "declared by applicant"


def test_the_summary_sums_elements_like_for_like_and_takes_the_median_change(
    store: DuckDBStore,
) -> None:
    first = measure_line(store, _project(), NOW, after=AFTER, baseline_days=2)
    declared = DeclaredBaseline(throughput_per_hour=20.0)
    second = measure_line(store, _project(LINE_2, declared), NOW, after=AFTER, baseline_days=2)
    summary = summarise([first, second])
    assert (summary.lines_linked, summary.lines_measured, summary.like_for_like) == (2, 2, 1)
    assert summary.median_throughput_change == pytest.approx(
        ((490 / 22 - 24) / 24 + (490 / 22 - 20) / 20) / 2
    )
    assert summary.throughput_improved == 1
    assert summary.oee_before == first.metric("oee").before
    assert summary.oee_after == first.metric("oee").after
    assert summary.elements_after.pq == 490
    # both lines ran the same after-days, so the all-lines OEE equals each line's
    assert summary.oee_after_all == pytest.approx(first.metric("oee").after)


def test_the_page_window_runs_to_the_end_of_the_current_hour(store: DuckDBStore) -> None:
    assert ceil_hour(datetime(2026, 1, 11, 5, 0, tzinfo=UTC)) == datetime(
        2026, 1, 11, 5, tzinfo=UTC
    )
    now = datetime(2026, 1, 11, 5, 20, tzinfo=UTC)
    outcome = measure_line(store, _project(), now, baseline_days=2)
    assert outcome.after.window == Window(AFTER.start, datetime(2026, 1, 11, 6, tzinfo=UTC))
    assert outcome.after.elements is not None and outcome.after.elements.pq == 90 + 6 * 40


@pytest.fixture
def db(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh migrated programme database."""
    path = tmp_path / "reind.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


def test_measure_all_reads_the_links_and_stops_at_the_report_date(
    db: Database, store: DuckDBStore
) -> None:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session)
        link_line(
            session,
            app.id,
            OFFICER,
            series_prefix=LINE_2,
            line_name_en="Egg-waffle line",
            line_name_zh="雞蛋仔生產線",
            commissioned_on=COMMISSIONED,
            pru_seconds=80.0,
            operators=1.0,
        )
        declare_baseline(session, app.id, OFFICER, DeclaredBaseline(throughput_per_hour=30.0))
    with db.unit_of_work() as session:
        summary = measure_all(session, store, date(2026, 1, 10), NOW, baseline_days=2)
        early = measure_all(session, store, date(2026, 1, 9), NOW, baseline_days=2)
    assert summary.lines_measured == 1
    (outcome,) = summary.outcomes
    assert outcome.after.window == Window(AFTER.start, start_of_day(date(2026, 1, 11)))
    assert outcome.metric("throughput").after == pytest.approx(45.0)  # day A only
    assert early.lines_linked == 0  # commissioned after that report's date


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("en", "Outcomes of funded smart lines"),
        ("zh-Hant", "資助智能生產線的成效"),
    ],
)
def test_the_progress_report_shows_the_outcomes_with_their_provenance(
    db: Database, store: DuckDBStore, lang: str, heading: str
) -> None:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session)
        link_line(
            session,
            app.id,
            OFFICER,
            series_prefix=LINE_2,
            line_name_en="Egg-waffle line",
            line_name_zh="雞蛋仔生產線",
            commissioned_on=COMMISSIONED,
            pru_seconds=80.0,
            operators=1.0,
        )
        declare_baseline(session, app.id, OFFICER, DeclaredBaseline(throughput_per_hour=20.0))
    with db.unit_of_work() as session:
        plain = build_report(session, date(2026, 1, 12), lang=lang).content.decode()
        built = build_report(session, date(2026, 1, 12), lang=lang, telemetry=store)
    html = built.content.decode()
    assert heading not in plain
    assert heading in html and 'id="prov-outcomes"' in html
    # 490 made in 22 h against the declared 20 an hour: +11.4%
    assert "+11.4%" in html and "22.3" in html and "PQ 490 × 3600 / AOET 79,200 s" in html
    assert "<svg" in html  # the before/after chart
