"""The telemetry store contract, run against DuckDB and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from reind.factory.ingest.points import DeadLetter, TelemetryPoint, from_ms, to_ms
from reind.factory.ingest.store import TelemetryStore
from reind.factory.monitoring.events import AlarmEvent, AlarmState

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
MS0 = to_ms(T0)
FAR = T0 + timedelta(days=400)


def point(series: str, offset_ms: int, value: float) -> TelemetryPoint:
    return TelemetryPoint(series, MS0 + offset_ms, value)


def test_written_points_come_back_in_time_order(store: TelemetryStore) -> None:
    store.write_batch([point("a/temp", 2000, 3.0), point("a/temp", 1000, 2.0)])
    rows = store.query_raw("a/temp", T0, FAR)
    assert [(p.timestamp_ms - MS0, p.value) for p in rows] == [(1000, 2.0), (2000, 3.0)]


def test_raw_query_is_half_open_and_per_series(store: TelemetryStore) -> None:
    store.write_batch([point("a", 0, 1.0), point("a", 1000, 2.0), point("b", 500, 9.0)])
    rows = store.query_raw("a", T0, T0 + timedelta(seconds=1))
    assert [p.value for p in rows] == [1.0]


def test_writing_the_same_point_twice_stores_it_once(store: TelemetryStore) -> None:
    batch = [point("a", 0, 1.0), point("a", 1000, 2.0)]
    assert store.write_batch(batch) == 2
    assert store.write_batch(batch) == 0
    assert store.count_points() == 2


def test_duplicates_inside_one_batch_are_stored_once(store: TelemetryStore) -> None:
    assert store.write_batch([point("a", 0, 1.0), point("a", 0, 1.0)]) == 1
    assert store.count_points() == 1


def test_text_values_and_odd_series_names_are_kept(store: TelemetryStore) -> None:
    store.write_batch(
        [
            TelemetryPoint("line 1/state", MS0, None, "Execute\tnow"),
            TelemetryPoint("tab\there", MS0, 1.5),
        ]
    )
    assert store.query_raw("line 1/state", T0, FAR)[0].text == "Execute\tnow"
    assert store.query_raw("tab\there", T0, FAR)[0].value == 1.5


def test_minute_rollup_has_count_min_max_mean_last(store: TelemetryStore) -> None:
    store.write_batch([point("a", 10_000, 4.0), point("a", 50_000, 1.0), point("a", 30_000, 7.0)])
    store.write_batch([point("a", 61_000, 100.0)])
    minute, nxt = store.query_rollups("a", T0, FAR, "minute")
    assert (minute.count, minute.minimum, minute.maximum, minute.mean) == (3, 1.0, 7.0, 4.0)
    assert minute.last == 1.0 and minute.last_timestamp_ms == MS0 + 50_000
    assert nxt.count == 1 and nxt.bucket_ms == MS0 + 60_000


def test_hour_rollup_merges_across_batches(store: TelemetryStore) -> None:
    store.write_batch([point("a", 0, 5.0)])
    store.write_batch([point("a", 3_599_000, -5.0)])
    store.write_batch([point("a", 1_000, 20.0)])  # late but older: last stays -5
    (hour,) = store.query_rollups("a", T0, FAR, "hour")
    assert (hour.count, hour.minimum, hour.maximum, hour.total) == (3, -5.0, 20.0, 20.0)
    assert hour.last == -5.0


def test_replayed_points_do_not_change_rollups(store: TelemetryStore) -> None:
    first = [point("a", 0, 1.0), point("a", 1000, 3.0)]
    store.write_batch(first)
    # a replay of one old point mixed with one new point
    store.write_batch([point("a", 1000, 3.0), point("a", 2000, 5.0)])
    (minute,) = store.query_rollups("a", T0, FAR, "minute")
    assert (minute.count, minute.total, minute.last) == (3, 9.0, 5.0)


def test_dead_letters_keep_reason_topic_and_raw_bytes(store: TelemetryStore) -> None:
    letter = DeadLetter(MS0, "spBv1.0/g/NDATA/n", "malformed payload", b"\x00\xff\x10")
    store.write_batch([], dead_letters=[letter])
    assert store.dead_letters() == [letter]


def test_alarm_events_are_stored(store: TelemetryStore) -> None:
    event = AlarmEvent(
        MS0, "a|high", "a", "high", AlarmState.NORMAL, AlarmState.UNACKNOWLEDGED, "system",
        "above 10", 11.0, MS0 - 5,
    )  # fmt: skip
    store.write_batch([point("a", 0, 11.0)], alarm_events=[event])
    assert store.alarm_events() == [event]


def test_last_seen_is_the_newest_timestamp_per_series(store: TelemetryStore) -> None:
    store.write_batch([point("a", 5000, 1.0), point("b", 100, 1.0)])
    store.write_batch([point("a", 1000, 1.0)])
    assert store.last_seen() == {"a": MS0 + 5000, "b": MS0 + 100}


def test_points_spanning_days_and_months_are_all_stored(store: TelemetryStore) -> None:
    days = [0, 1, 31, 45]
    store.write_batch([point("a", d * 86_400_000, float(d)) for d in days])
    assert [p.value for p in store.query_raw("a", T0, FAR)] == [0.0, 1.0, 31.0, 45.0]
    assert len(store.query_rollups("a", T0, FAR, "minute")) == 4


@settings(max_examples=25, deadline=None)
@given(
    st.lists(  # a replay repeats a point as it was: one value per timestamp
        st.tuples(st.integers(0, 7_200_000), st.integers(-1000, 1000)),
        min_size=1,
        max_size=40,
        unique_by=lambda sample: sample[0],
    ),
    st.integers(1, 4),
)
def test_rollups_equal_a_recomputation_from_distinct_points_whatever_the_replays(
    samples: list[tuple[int, int]], replays: int
) -> None:
    from reind.factory.ingest.store import open_store

    store = open_store("duckdb::memory:")
    try:
        points = [TelemetryPoint("s", MS0 + t, float(v)) for t, v in samples]
        for start in range(replays):
            store.write_batch(points[start::replays] + points[: start + 1])
        store.write_batch(points)
        first: dict[int, float] = {}
        for p in points:
            first.setdefault(p.timestamp_ms, p.value or 0.0)
        for rollup in store.query_rollups("s", T0, FAR, "hour"):
            inside = {
                t: v
                for t, v in first.items()
                if rollup.bucket_ms <= t < rollup.bucket_ms + 3_600_000
            }
            assert rollup.count == len(inside)
            assert rollup.total == sum(inside.values())
            assert rollup.last == inside[max(inside)]
            assert from_ms(rollup.bucket_ms).minute == 0
    finally:
        store.close()


def test_the_latest_birth_per_topic_is_kept(store: TelemetryStore) -> None:
    from reind.factory.ingest.points import BirthRecord

    store.write_batch([], births=[BirthRecord("spBv1.0/g/NBIRTH/n", 1, b"old")])
    store.write_batch([], births=[BirthRecord("spBv1.0/g/NBIRTH/n", 2, b"new")])
    assert store.births() == [BirthRecord("spBv1.0/g/NBIRTH/n", 2, b"new")]
