"""A simulated waffle day in DuckDB: KPIs from hour rollups equal KPIs from raw state events."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from datetime import datetime

import pytest

from reind.factory.control.packml import PackMLState
from reind.factory.ingest.duckdb_store import DuckDBStore
from reind.factory.ingest.points import Resolution, Rollup
from reind.factory.kpi import Period, ProductionElements, availability, oee
from reind.factory.kpi import raw as raw_kpi
from reind.factory.kpi import rollups as rollup_kpi
from tests.factory.kpi.waffle_day import DAY_END, DAY_START, WAFFLE, H, record_waffle_day


@pytest.fixture(scope="module")
def waffle_day() -> Iterator[DuckDBStore]:
    """One Hong Kong day of the waffle machine: warm-up, a flipper jam, a batter shortage."""
    store = DuckDBStore()
    record_waffle_day(store)
    yield store
    store.close()


def assert_same(a: ProductionElements, b: ProductionElements) -> None:
    for field in fields(ProductionElements):
        assert getattr(a, field.name) == pytest.approx(getattr(b, field.name), abs=1e-6), field.name


def test_the_simulated_day_has_production_a_hold_and_a_suspension(waffle_day: DuckDBStore) -> None:
    seconds = rollup_kpi.seconds_by_state(waffle_day, WAFFLE, DAY_START, DAY_END)
    assert seconds[PackMLState.EXECUTE] > 10 * H
    assert seconds[PackMLState.HELD] > 10 * 60
    assert seconds[PackMLState.SUSPENDED] > 10 * 60
    assert sum(seconds.values()) == pytest.approx(86400 - 1)  # the birth second has no step


def test_rollups_and_raw_state_events_give_the_same_day(waffle_day: DuckDBStore) -> None:
    from_rollups = rollup_kpi.elements_total(waffle_day, [WAFFLE], DAY_START, DAY_END)
    from_raw = raw_kpi.elements_total(waffle_day, [WAFFLE], DAY_START, DAY_END, step_seconds=1.0)
    assert_same(from_rollups, from_raw)
    assert from_rollups.failures == 1
    assert from_rollups.pq > 500
    assert from_rollups.energy_kwh > 10
    day_oee = oee(from_rollups).value
    assert day_oee is not None and 0.3 < day_oee < 1.0
    # Suspended (batter ran out) is not charged to the machine; Held (jam) is
    assert from_rollups.asbt > 60 and from_rollups.adet > 10 * 60


def test_rollups_and_raw_agree_shift_by_shift(waffle_day: DuckDBStore) -> None:
    by_rollups = rollup_kpi.elements_by_period(
        waffle_day, [WAFFLE], DAY_START, DAY_END, Period.SHIFT
    )
    by_raw = raw_kpi.elements_by_period(
        waffle_day, [WAFFLE], DAY_START, DAY_END, Period.SHIFT, step_seconds=1.0
    )
    assert list(by_rollups) == [
        "2026-01-04 Night",
        "2026-01-05 Morning",
        "2026-01-05 Evening",
        "2026-01-05 Night",
    ]
    assert list(by_raw) == list(by_rollups)
    for label, elements in by_rollups.items():
        assert_same(elements, by_raw[label])
    morning = availability(by_rollups["2026-01-05 Morning"]).value
    assert morning is not None and morning < 1.0


def test_hourly_rollups_sum_to_the_daily_figure(waffle_day: DuckDBStore) -> None:
    hours = rollup_kpi.elements_by_period(waffle_day, [WAFFLE], DAY_START, DAY_END, Period.HOUR)
    day = rollup_kpi.elements_by_period(waffle_day, [WAFFLE], DAY_START, DAY_END, Period.DAY)
    assert list(day) == ["2026-01-05"]
    assert_same(ProductionElements.total(hours.values()), day["2026-01-05"])


class FakeRollups:
    """Hour rollups of one accumulator that restarts from zero (a twin restart)."""

    def __init__(self, lasts: list[tuple[int, float, float]]) -> None:
        self.rows = [
            Rollup("s", b * H * 1000, 1, low, last, last, b * H * 1000, last)
            for b, low, last in lasts
        ]

    def query_rollups(
        self, series: str, start: datetime, end: datetime, resolution: Resolution
    ) -> list[Rollup]:
        lo, hi = start.timestamp() * 1000, end.timestamp() * 1000
        return [r for r in self.rows if lo <= r.bucket_ms < hi]


def test_a_counter_reset_counts_from_zero_instead_of_going_negative() -> None:
    store = FakeRollups([(0, 0.0, 100.0), (1, 100.0, 160.0), (2, 0.0, 25.0), (3, 25.0, 40.0)])
    gained = list(rollup_kpi.increments(store.rows, 0))
    assert gained == [(0, 100.0), (H * 1000, 60.0), (2 * H * 1000, 25.0), (3 * H * 1000, 15.0)]
    # with a baseline from before the window, the first bucket is a plain difference
    assert list(rollup_kpi.increments(store.rows[1:], H * 1000, baseline=100.0))[0] == (
        H * 1000,
        60.0,
    )


def test_reading_only_the_oee_series_gives_the_same_oee(waffle_day: DuckDBStore) -> None:
    full = rollup_kpi.elements_by_period(waffle_day, [WAFFLE], DAY_START, DAY_END, Period.SHIFT)
    lean = rollup_kpi.elements_by_period(
        waffle_day, [WAFFLE], DAY_START, DAY_END, Period.SHIFT, only=rollup_kpi.OEE_FIELDS
    )
    # a shift with nothing but Stopped time has no OEE elements at all, so it is absent
    assert set(full) - set(lean) == {"2026-01-05 Night"}
    assert oee(full["2026-01-05 Night"]).value is None
    assert {k: oee(e).value for k, e in lean.items()} == {k: oee(full[k]).value for k in lean}
    assert all(e.energy_kwh == 0 and e.asbt == 0 for e in lean.values())
