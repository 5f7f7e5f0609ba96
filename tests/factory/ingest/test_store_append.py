"""DuckDB's numpy path for plain live numbers stores exactly what the general SQL path does.

Also through the packed hand-off to the writer process (:mod:`reind.factory.ingest.packed`).

The general path (``DuckDBStore._write_points``) is the reference: the same
batches, with repeats inside a batch, replays across batches, samples sharing
a millisecond, late data and bucket edges, must leave the same points, minute
and hour rollups and ``series_seen`` in both (ADR 0142).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reind.factory.ingest import duckdb_append
from reind.factory.ingest.duckdb_append import plan
from reind.factory.ingest.duckdb_store import DuckDBStore
from reind.factory.ingest.packed import PackedPoints, SeriesCodes
from reind.factory.ingest.points import PointColumns, TelemetryPoint

MS0 = 1_772_352_000_000  # 2026-03-01T08:00Z
SERIES = ("line/a/temp", "line/a/speed", "line/b/temp")

# (series index, ms offset, ordinal, value): the ordinal is the message's identity, so a
# replayed sample repeats all four; the value follows from the key (a replay is the same)
samples = st.tuples(
    st.integers(0, 2),
    st.sampled_from([0, 1, 2, 59_999, 60_000, 60_001, 3_599_999, 3_600_000, 7_300_000]),
    st.integers(0, 3),
)


def _value(key: tuple[int, int, int]) -> float:
    return float((key[0] * 7 + key[1] * 3 + key[2] * 11) % 97 - 40)


def _columns(keys: list[tuple[int, int, int]]) -> PointColumns:
    columns = PointColumns()
    for key in keys:
        columns.add(SERIES[key[0]], MS0 + key[1], _value(key), 10, key[2])
    return columns


def _contents(store: DuckDBStore) -> dict[str, Any]:
    store.last_seen()  # a read: folds what is pending first
    fetch = store._fetch  # noqa: SLF001 - the test compares the tables themselves
    assert fetch("SELECT count(*) FROM rollup_pending") == [(0,)]
    return {
        "points": sorted(fetch("SELECT series, ts, ord, datatype, value FROM points")),
        "minute": sorted(fetch("SELECT * FROM rollup_minute")),
        "hour": sorted(fetch("SELECT * FROM rollup_hour")),
        "seen": sorted(fetch("SELECT * FROM series_seen")),
    }


def _general(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(duckdb_append, "plan", lambda *_: None)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.lists(samples, min_size=1, max_size=25), min_size=1, max_size=6),
    st.sampled_from([0.0, 1e9]),  # buckets folded after every batch, or only when read
    st.sets(st.integers(0, 5)),  # batches that take the general path in the fast stores
)
def test_the_numpy_path_stores_what_the_sql_path_stores(
    batches: list[list[tuple[int, int, int]]], fold_seconds: float, general: set[int]
) -> None:
    fast, packed, reference = DuckDBStore(), DuckDBStore(), DuckDBStore()
    codes = SeriesCodes()  # the gateway's side of the pipe keeps its own codes
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(duckdb_append, "FOLD_SECONDS", fold_seconds)
            news_fast, news_packed = [], []
            for k, keys in enumerate(batches):
                columns = _columns(keys)
                if k in general:  # a null beside the numbers: the whole batch goes by SQL
                    columns.others.append(TelemetryPoint(SERIES[2], MS0 + 11, None))
                news_fast.append(fast.write_batch(columns))
                news_packed.append(packed.write_batch(PackedPoints.pack(columns, codes)))
        with pytest.MonkeyPatch.context() as patch:
            _general(patch)
            news_reference = []
            for k, keys in enumerate(batches):
                columns = _columns(keys)
                if k in general:
                    columns.others.append(TelemetryPoint(SERIES[2], MS0 + 11, None))
                news_reference.append(reference.write_batch(columns))
        assert news_fast == news_packed == news_reference
        assert _contents(fast) == _contents(packed) == _contents(reference)
    finally:
        for store in (fast, packed, reference):
            store.close()


def test_packed_points_unpack_to_the_same_columns() -> None:
    columns = _columns([(2, 5, 1), (0, 0, 0), (2, 5, 1), (1, 60_000, 3)])
    columns.others.append(TelemetryPoint("line/a/temp", MS0, None))
    codes = SeriesCodes()
    PackedPoints.pack(_columns([(1, 0, 0)]), codes)  # codes not starting at this batch's
    packed = PackedPoints.pack(columns, codes)
    assert sorted(packed.names) == sorted(set(columns.series))
    assert packed.columns() == columns
    assert len(packed) == len(columns)


def test_plain_live_numbers_take_the_numpy_path() -> None:
    assert plan(_columns([(0, 0, 0), (0, 0, 0), (1, 5, 2)]), SeriesCodes()) is not None


@pytest.mark.parametrize(
    "odd",
    [
        TelemetryPoint("line/a/temp", MS0, None),  # a null: not a plain number
        TelemetryPoint("line/a/temp", MS0, 1.0, ordinal=-5),  # historical
        TelemetryPoint("line/a/temp", MS0, float("nan")),  # NaN orders differently in numpy
    ],
)
def test_anything_else_takes_the_general_path(odd: TelemetryPoint) -> None:
    columns = _columns([(0, 0, 0)])
    if odd.value is None:
        columns.others.append(odd)
    else:
        columns.series.append(odd.series)
        columns.timestamps.append(odd.timestamp_ms)
        columns.values.append(odd.value)
        columns.datatypes.append(10)
        columns.ordinals.append(odd.ordinal)
    assert plan(columns, SeriesCodes()) is None


def test_a_sample_stored_before_the_store_opened_is_not_stored_again(tmp_path: Any) -> None:
    path = str(tmp_path / "t.duckdb")
    first = DuckDBStore(path)
    first.write_batch(_columns([(0, 5, 1), (0, 9, 0)]))
    first.close()
    again = DuckDBStore(path)  # new series codes, the same file
    try:
        assert again.write_batch(_columns([(0, 5, 1), (0, 5, 2), (0, 9, 0)])) == 1
        assert len(again._fetch("SELECT * FROM points")) == 3  # noqa: SLF001
    finally:
        again.close()


def test_pending_buckets_are_read_before_they_are_folded() -> None:
    store = DuckDBStore()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(duckdb_append, "FOLD_SECONDS", 1e9)
            store.write_batch(_columns([(0, 0, 0)]))
            store.write_batch(_columns([(0, 1, 0), (0, 60_000, 1)]))
            pending = store._fetch("SELECT count(*) FROM rollup_pending")  # noqa: SLF001
            assert pending == [(3,)]  # a minute bucket per batch, nothing folded
            assert store.last_seen() == {SERIES[0]: MS0 + 60_000}
        minutes = store.query_rollups_many([SERIES[0]], *_span(), "minute")
        assert minutes.count.tolist() == [2, 1]
    finally:
        store.close()


def _span() -> tuple[Any, Any]:
    from reind.factory.ingest.points import from_ms

    return from_ms(MS0 - 3_600_000), from_ms(MS0 + 86_400_000)


_CRASH = """
import os, sys
from reind.factory.ingest import duckdb_append
from reind.factory.ingest.duckdb_store import DuckDBStore
from reind.factory.ingest.points import TelemetryPoint
duckdb_append.FOLD_SECONDS = 1e9
store = DuckDBStore(sys.argv[1])
store.write_batch([TelemetryPoint("s", 1_772_352_000_000, 1.0)])
store.write_batch([TelemetryPoint("s", 1_772_352_000_001, 5.0, ordinal=1)])
os._exit(0)  # killed: no close, the second batch's buckets still pending
"""


def test_buckets_pending_when_the_writer_died_are_folded_when_the_file_opens_again(
    tmp_path: Any,
) -> None:
    import os
    import subprocess
    import sys

    path = str(tmp_path / "t.duckdb")
    subprocess.run([sys.executable, "-c", _CRASH, path], check=True, env=dict(os.environ))
    store = DuckDBStore(path)
    try:
        assert store._fetch("SELECT count(*) FROM rollup_pending") == [(0,)]  # noqa: SLF001
        (hour,) = store.query_rollups("s", *_span(), "hour")
        assert (hour.count, hour.total, hour.last) == (2, 6.0, 5.0)
        assert store.last_seen() == {"s": 1_772_352_000_001}
    finally:
        store.close()
