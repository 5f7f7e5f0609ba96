"""DuckDB's numpy path for plain live numbers stores exactly what the general SQL path does.

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
from reind.factory.ingest.duckdb_append import SeriesCodes, plan
from reind.factory.ingest.duckdb_store import DuckDBStore
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
    fetch = store._fetch  # noqa: SLF001 - the test compares the tables themselves
    return {
        "points": sorted(fetch("SELECT series, ts, ord, datatype, value FROM points")),
        "minute": sorted(fetch("SELECT * FROM rollup_minute")),
        "hour": sorted(fetch("SELECT * FROM rollup_hour")),
        "seen": sorted(fetch("SELECT * FROM series_seen")),
    }


def _general(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(duckdb_append, "plan", lambda *_: None)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(samples, min_size=1, max_size=25), min_size=1, max_size=6))
def test_the_numpy_path_stores_what_the_sql_path_stores(
    batches: list[list[tuple[int, int, int]]],
) -> None:
    fast, reference = DuckDBStore(), DuckDBStore()
    try:
        news_fast = [fast.write_batch(_columns(keys)) for keys in batches]
        with pytest.MonkeyPatch.context() as patch:
            _general(patch)
            news_reference = [reference.write_batch(_columns(keys)) for keys in batches]
        assert news_fast == news_reference
        assert _contents(fast) == _contents(reference)
    finally:
        fast.close()
        reference.close()


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
