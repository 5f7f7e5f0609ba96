"""The fast paths give what the row-by-row Python paths give (ADR 0083).

* Rollups: one ``query_rollups_many`` and numpy must equal the per-series
  loop over ``query_rollups`` exactly, float for float.
* Raw: differencing and integration in the store must equal the Python
  integration over ``query_raw``: times and counts exactly, fractional sums
  (energy) to rounding.
Both on DuckDB and on PostgreSQL.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import astuple, fields
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reind.factory.ingest.points import Resolution, Rollup, TelemetryPoint
from reind.factory.ingest.store import TelemetryStore, open_store
from reind.factory.kpi import THREE_SHIFTS, Period, ProductionElements, Shift, ShiftCalendar
from reind.factory.kpi import raw as raw_kpi
from reind.factory.kpi import rollups as rollup_kpi
from reind.factory.kpi.calendar import BucketLabeller
from reind.factory.kpi.units import WorkUnit
from tests.factory.kpi.waffle_day import DAY_END, DAY_START, WAFFLE, H, record_waffle_day
from tests.fixtures.servers import PostgresServer

_databases = itertools.count()


class OnlyQueryRollups:
    """A reader with the per-series query alone: forces the row-by-row rollup path."""

    def __init__(self, store: TelemetryStore) -> None:
        self.store = store

    def query_rollups(
        self, series: str, start: datetime, end: datetime, resolution: Resolution
    ) -> list[Rollup]:
        return self.store.query_rollups(series, start, end, resolution)


@pytest.fixture(
    scope="module",
    params=["duckdb", pytest.param("postgresql", marks=pytest.mark.integration)],
)
def waffle_day(request: pytest.FixtureRequest) -> Iterator[TelemetryStore]:
    """A Hong Kong day of the waffle machine (a jam, a batter shortage) in each store."""
    if request.param == "duckdb":
        store = open_store("duckdb::memory:")
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        store = open_store(server.create_database(f"kpi_paths_{next(_databases)}"))
    record_waffle_day(store)
    yield store
    store.close()


def assert_equal_but_energy(
    a: dict[str, ProductionElements], b: dict[str, ProductionElements]
) -> None:
    assert list(a) == list(b)
    for label in a:
        for field in fields(ProductionElements):
            mine, theirs = getattr(a[label], field.name), getattr(b[label], field.name)
            if field.name == "energy_kwh":
                assert mine == pytest.approx(theirs, rel=1e-12, abs=1e-9), label
            else:
                assert mine == theirs, (label, field.name)


@pytest.mark.parametrize("period", list(Period))
def test_rollups_from_one_query_equal_the_per_series_loop_exactly(
    waffle_day: TelemetryStore, period: Period
) -> None:
    for only in (None, rollup_kpi.OEE_FIELDS):
        fast = rollup_kpi.elements_by_period(
            waffle_day, [WAFFLE], DAY_START, DAY_END, period, only=only
        )
        slow = rollup_kpi.elements_by_period(
            OnlyQueryRollups(waffle_day), [WAFFLE], DAY_START, DAY_END, period, only=only
        )
        assert list(fast) == list(slow)
        assert [astuple(e) for e in fast.values()] == [astuple(e) for e in slow.values()]
    assert fast  # the day produced something


def test_a_window_that_starts_after_a_long_still_spell_takes_the_baseline_from_before_it(
    waffle_day: TelemetryStore,
) -> None:
    # a window a fortnight later: no row in the lookback, baselines from before it
    later = DAY_START + timedelta(days=14)
    lean = rollup_kpi.elements_by_period(waffle_day, [WAFFLE], later, later + timedelta(hours=2),
                                         Period.HOUR)  # fmt: skip
    assert lean == {}
    # two units sharing nothing: each is read once, sums add up
    other = WorkUnit("ghost", "nowhere/", pru_seconds=1.0)
    both = rollup_kpi.elements_by_period(
        waffle_day, [WAFFLE, other], DAY_START, DAY_END, Period.DAY
    )
    alone = rollup_kpi.elements_by_period(waffle_day, [WAFFLE], DAY_START, DAY_END, Period.DAY)
    assert both == alone


@pytest.mark.parametrize("period", [Period.HOUR, Period.SHIFT, Period.DAY])
def test_raw_elements_in_the_store_equal_the_python_integration(
    waffle_day: TelemetryStore, period: Period
) -> None:
    for step in (0.0, 1.0):
        in_store = raw_kpi.elements_in_store(
            waffle_day, [WAFFLE], DAY_START, DAY_END, period, step_seconds=step
        )
        in_python = raw_kpi.elements_from_points(
            waffle_day, [WAFFLE], DAY_START, DAY_END, period, step_seconds=step
        )
        assert_equal_but_energy(in_store, in_python)
    # the public entry point takes the store path, and still agrees with the rollups per shift
    by_raw = raw_kpi.elements_by_period(
        waffle_day, [WAFFLE], DAY_START, DAY_END, Period.SHIFT, step_seconds=1.0
    )
    by_rollups = rollup_kpi.elements_by_period(
        waffle_day, [WAFFLE], DAY_START, DAY_END, Period.SHIFT
    )
    assert list(by_raw) == list(by_rollups)
    for label, elements in by_rollups.items():
        for field in fields(ProductionElements):
            assert getattr(by_raw[label], field.name) == pytest.approx(
                getattr(elements, field.name), abs=1e-6
            )


LINE = WorkUnit("line", "plant/line/", pru_seconds=2.0)
WINDOW_START = datetime(2026, 3, 1, 16, tzinfo=UTC)


@settings(max_examples=30, deadline=None)
@given(
    states=st.lists(
        st.tuples(st.integers(-30 * H, 6 * H), st.sampled_from([0, *range(1, 18)]) | st.none()),
        max_size=30,
        unique_by=lambda sample: sample[0],
    ),
    counts=st.lists(
        st.tuples(st.integers(-30 * H, 6 * H), st.integers(0, 40)),
        max_size=30,
        unique_by=lambda sample: sample[0],
    ),
    batches=st.integers(1, 3),
    step=st.sampled_from([0.0, 1.0]),
)
def test_raw_paths_agree_on_any_state_events_and_counter_resets(
    states: list[tuple[int, int | None]],
    counts: list[tuple[int, int]],
    batches: int,
    step: float,
) -> None:
    base = int(WINDOW_START.timestamp() * 1000)
    points = [
        TelemetryPoint(LINE.state, base + t * 1000, None if v is None else float(v))
        for t, v in states
    ] + [TelemetryPoint(LINE.processed, base + t * 1000, float(v)) for t, v in counts]
    store = open_store("duckdb::memory:")
    try:
        for start in range(batches):
            store.write_batch(points[start::batches])
        end = WINDOW_START + timedelta(hours=5)
        for period in (Period.HOUR, Period.SHIFT):
            in_store = raw_kpi.elements_in_store(
                store, [LINE], WINDOW_START, end, period, step_seconds=step
            )
            in_python = raw_kpi.elements_from_points(
                store, [LINE], WINDOW_START, end, period, step_seconds=step
            )
            assert_equal_but_energy(in_store, in_python)
    finally:
        store.close()


NIGHTS_ONLY = ShiftCalendar(
    (
        Shift("Day", time(8), 10, weekdays=frozenset({0, 1, 2, 3, 4})),
        Shift("Night", time(22), 9, weekdays=frozenset({4, 5})),
    ),
    ZoneInfo("Europe/London"),  # a zone whose offset changes twice a year
)


@pytest.mark.parametrize("calendar", [THREE_SHIFTS, NIGHTS_ONLY], ids=["hong-kong", "london"])
@pytest.mark.parametrize("period", list(Period))
def test_labelling_many_buckets_at_once_equals_labelling_each(
    calendar: ShiftCalendar, period: Period
) -> None:
    # a year around both of London's 2026 clock changes, hour by hour, shuffled
    first = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1000)
    buckets = np.arange(first, first + 370 * 24 * H * 1000, H * 1000, dtype=np.int64)
    np.random.default_rng(7).shuffle(buckets)
    codes, labels = BucketLabeller(period, calendar).label_many(buckets)
    one_by_one = BucketLabeller(period, calendar)
    assert [labels[c] for c in codes] == [one_by_one.label(int(b)) for b in buckets]
    assert len(set(labels)) == len(labels)
    assert BucketLabeller(period, calendar).label_many(np.zeros(0, dtype=np.int64))[1] == []
