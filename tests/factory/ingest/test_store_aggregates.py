"""Multi-series rollups and aggregations over raw points, against DuckDB and PostgreSQL alike.

Each aggregate is held to a plain Python recomputation from the points, the
definition the KPI code used before the stores did the work (ADR 0083).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reind.factory.ingest.points import TelemetryPoint, to_ms
from reind.factory.ingest.store import TelemetryStore, open_store

T0 = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
MS0 = to_ms(T0)
H = 3_600_000
DAY = 24 * H


def p(series: str, offset_ms: int, value: float | None) -> TelemetryPoint:
    return TelemetryPoint(series, MS0 + offset_ms, value)


def at(offset_ms: int) -> datetime:
    return T0 + timedelta(milliseconds=offset_ms)


def reference_increase(
    points: list[TelemetryPoint], series: str, start_ms: int, end_ms: int
) -> dict[int, float]:
    """The definition: consecutive numeric points from the context before start, reset from 0.

    Context: the points of the day before start, or else the single last point before it.
    """
    mine = sorted(
        (q for q in {(q.series, q.timestamp_ms): q for q in points}.values() if q.series == series),
        key=lambda q: q.timestamp_ms,
    )
    before = [q for q in mine if q.timestamp_ms < start_ms]
    recent = [q for q in before if q.timestamp_ms >= start_ms - DAY]
    context = recent if recent else before[-1:]
    gains: dict[int, float] = defaultdict(float)
    previous: float | None = None
    for q in [*context, *(q for q in mine if start_ms <= q.timestamp_ms < end_ms)]:
        if q.value is None:
            continue
        if q.timestamp_ms >= start_ms and previous is not None:
            gains[q.timestamp_ms - q.timestamp_ms % H] += (
                q.value - previous if q.value >= previous else q.value
            )
        previous = q.value
    return dict(gains)


def increase_of(store: TelemetryStore, series: str, start_ms: int, end_ms: int) -> dict[int, float]:
    found = store.query_increase([series], at(start_ms - MS0), at(end_ms - MS0), "hour")
    return {b: amount for (_, b, _), amount in found.as_dict().items()}


def test_many_series_rollups_come_back_in_one_query_equal_to_one_by_one(
    store: TelemetryStore,
) -> None:
    store.write_batch(
        [p("a", 0, 1.0), p("a", 10, 4.0), p("a", H + 5, 2.0), p("b", 7, 9.0), p("c", 3 * H, 1.0)]
    )
    columns = store.query_rollups_many(["b", "a", "missing"], T0, at(2 * H), "hour")
    assert columns.series == ("b", "a", "missing")
    assert columns.index.tolist() == [0, 1, 1]  # by series position, then bucket
    for name in ("a", "b", "missing"):
        assert columns.rollups(name) == store.query_rollups(name, T0, at(2 * H), "hour")
    minute = store.query_rollups_many(["a"], T0, at(2 * H), "minute")
    assert minute.rollups("a") == store.query_rollups("a", T0, at(2 * H), "minute")
    assert len(store.query_rollups_many([], T0, at(2 * H), "hour")) == 0


def test_a_counter_increase_is_the_sum_of_differences_with_a_reset_counted_from_zero(
    store: TelemetryStore,
) -> None:
    points = [
        p("n", -2 * H, 90.0),  # the day before: the context
        p("n", 0, 100.0),
        p("n", 1_000, 103.0),
        p("n", 2_000, None),  # a null reading breaks nothing
        p("n", H + 1_000, 110.0),
        p("n", H + 2_000, 4.0),  # restarted: counts 4, not -106
        p("n", H + 3_000, 10.0),
        p("n", 3 * H, 10.0),  # no change: an hour with a zero increase
    ]
    store.write_batch(points)
    got = increase_of(store, "n", MS0, MS0 + 4 * H)
    assert got == {MS0: 13.0, MS0 + H: 7.0 + 4.0 + 6.0, MS0 + 3 * H: 0.0}
    assert got == reference_increase(points, "n", MS0, MS0 + 4 * H)


def test_a_counter_that_last_moved_weeks_before_the_window_still_has_its_baseline(
    store: TelemetryStore,
) -> None:
    points = [p("slow", -40 * DAY, 5.0), p("slow", -20 * DAY, 7.0), p("slow", H, 9.0)]
    store.write_batch(points)
    assert increase_of(store, "slow", MS0, MS0 + 2 * H) == {MS0 + H: 2.0}
    # with nothing before it, the first point of the window has nothing to differ from
    store.write_batch([p("new", H, 9.0), p("new", H + 1, 12.0)])
    assert increase_of(store, "new", MS0, MS0 + 2 * H) == {MS0 + H: 3.0}


@pytest.mark.parametrize(
    "order",
    [
        pytest.param([0, 1, 2], id="in-time-order"),
        pytest.param([2, 0, 1], id="a-later-batch-first"),  # disjoint runs in storage
        pytest.param([1, 0, 2], id="late-data-inside-an-earlier-range"),  # overlapping runs
    ],
)
def test_the_increase_does_not_depend_on_the_order_batches_were_written_in(
    store: TelemetryStore, order: list[int]
) -> None:
    values = [float(v if v < 150 else v - 150) for v in range(300)]  # one reset at 150
    points = [p("c", i * 30_000, v) for i, v in enumerate(values)]
    if order == [1, 0, 2]:  # every other point of the first two hours arrives late
        batches = [points[1:240:2] + points[240:], points[0:240:2]]
    else:
        batches = [points[:100], points[100:200], points[200:]]
    for index in order[: len(batches)]:
        store.write_batch(batches[index])
    expected = reference_increase(points, "c", MS0, MS0 + 3 * H)
    got = increase_of(store, "c", MS0, MS0 + 3 * H)
    assert got.keys() == expected.keys()
    for bucket, amount in expected.items():
        assert got[bucket] == pytest.approx(amount, abs=1e-9)


def test_time_in_each_state_is_split_at_hours_and_entries_are_counted(
    store: TelemetryStore,
) -> None:
    store.write_batch(
        [
            p("s", -H, 2.0),  # Stopped since before the window
            p("s", H // 2, 6.0),  # Execute at 00:30
            p("s", H // 2 + 60_000, 0.0),  # 0 is no reading: skipped
            p("s", H + H // 4, 11.0),  # Held at 01:15
            p("s", H + H // 4 + 1, None),
            p("s", 2 * H, 11.0),  # Held again: no new entry
        ]
    )
    found = store.query_state_time(["s"], T0, at(3 * H), "hour", delay_ms=1_000)
    held = {(b - MS0, k): v for (_, b, k), v in found.held_seconds.as_dict().items()}
    assert held == {
        (0, 2.0): 1801.0,  # 00:00 to 00:30:01 (each point starts one step later)
        (0, 6.0): 1799.0,
        (H, 6.0): 901.0,
        (H, 11.0): 2699.0,
        (2 * H, 11.0): 3600.0,  # the last value holds until the end
    }
    entries = {(b - MS0, k): v for (_, b, k), v in found.entries.as_dict().items()}
    assert entries == {(0, 6.0): 1.0, (H, 11.0): 1.0}


def test_a_state_series_with_nothing_before_the_window_starts_at_its_first_point(
    store: TelemetryStore,
) -> None:
    store.write_batch([p("s", H, 6.0), p("t", 0, 4.0)])
    found = store.query_state_time(["t", "s"], T0, at(2 * H), "hour")
    assert found.held_seconds.as_dict() == {
        ("t", MS0, 4.0): 3600.0,
        ("t", MS0 + H, 4.0): 3600.0,
        ("s", MS0 + H, 6.0): 3600.0,
    }
    assert found.entries.as_dict() == {("t", MS0, 4.0): 1.0, ("s", MS0 + H, 6.0): 1.0}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-DAY - 2 * H, 3 * H), st.integers(0, 50) | st.none()),
        min_size=1,
        max_size=60,
        unique_by=lambda sample: sample[0],
    ),
    st.integers(1, 4),
)
def test_the_duckdb_increase_equals_the_definition_whatever_the_points_and_batches(
    samples: list[tuple[int, int | None]], batches: int
) -> None:
    store = open_store("duckdb::memory:")
    try:
        points = [p("x", t, None if v is None else float(v)) for t, v in samples]
        for start in range(batches):  # the same points spread over batches in odd orders
            store.write_batch(points[start::batches])
        got = increase_of(store, "x", MS0, MS0 + 2 * H)
        assert got == reference_increase(points, "x", MS0, MS0 + 2 * H)
    finally:
        store.close()
