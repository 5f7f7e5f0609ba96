"""Every sample kept, in its exact type: the store contract on DuckDB and PostgreSQL (issue 14).

Samples of one series that share a millisecond are all kept, ordered by their
ordinal (the message's identity, ``message_ordinal``); the same message
written again is kept once. Each Sparkplug datatype reads back as the Python
value it was sent as, Int64/UInt64 beyond 2**53 included.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reind.factory.ingest.points import PointColumns, message_ordinal, to_ms
from reind.factory.ingest.store import TelemetryStore
from reind.factory.ingest.typed import MAX_BLOB_BYTES
from reind.factory.sparkplug.datatypes import DataType

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
MS0 = to_ms(T0)
FAR = T0 + timedelta(days=2)

VALUES: list[tuple[DataType, object]] = [
    (DataType.Int8, -128),
    (DataType.Int16, -2),
    (DataType.Int32, -(2**31)),
    (DataType.Int64, 2**53 + 1),
    (DataType.Int64, -(2**63)),
    (DataType.UInt8, 255),
    (DataType.UInt16, 65_535),
    (DataType.UInt32, 2**32 - 1),
    (DataType.UInt64, 2**64 - 1),
    (DataType.Float, 0.1 + 0.2),
    (DataType.Double, -1e-300),
    (DataType.Boolean, True),
    (DataType.Boolean, False),
    (DataType.String, "début 檢查\ttab"),
    (DataType.Text, ""),
    (DataType.UUID, "0f8fad5b-d9cb-469f-a165-70867728950e"),
    (DataType.DateTime, datetime(2026, 3, 1, 8, 0, 0, 123_000, tzinfo=UTC)),
    (DataType.Bytes, bytes(range(256))),
    (DataType.File, b""),
    (DataType.Int8Array, (-1, 0, 127)),
    (DataType.UInt64Array, (2**64 - 1, 0)),
    (DataType.DoubleArray, (0.1, -2.5e300)),
    (DataType.BooleanArray, (True, False, True)),
    (DataType.StringArray, ("a", "檢", "")),
    (DataType.DateTimeArray, (datetime(2026, 1, 1, tzinfo=UTC),)),
    (DataType.Int32, None),
]


def test_every_sparkplug_datatype_reads_back_exactly_in_its_python_type(
    store: TelemetryStore,
) -> None:
    columns = PointColumns()
    for index, (datatype, value) in enumerate(VALUES):
        assert columns.add(f"t/{index}", MS0, value, int(datatype), index)
    assert store.write_batch(columns) == len(VALUES)
    for index, (datatype, value) in enumerate(VALUES):
        (point,) = store.query_raw(f"t/{index}", T0, FAR)
        assert point.datatype == datatype
        assert point.exact == value and type(point.exact) is type(value), (datatype, point)


def test_a_wide_integer_keeps_its_rounded_double_for_rollups(store: TelemetryStore) -> None:
    columns = PointColumns()
    columns.add("t/wide", MS0, 2**64 - 1, int(DataType.UInt64))
    store.write_batch(columns)
    (point,) = store.query_raw("t/wide", T0, FAR)
    assert point.value == float(2**64 - 1) and point.int_value == 2**64 - 1


def test_a_bytes_value_over_the_limit_is_not_a_point(store: TelemetryStore) -> None:
    """The caller keeps its message as a dead letter instead (the gateway does)."""
    columns = PointColumns()
    assert not columns.add("t/big", MS0, bytes(MAX_BLOB_BYTES + 1), int(DataType.Bytes))
    assert len(columns) == 0


def test_samples_sharing_a_millisecond_are_all_kept_in_the_order_sent(
    store: TelemetryStore,
) -> None:
    """A metric going 1 -> 2 -> 3 inside one millisecond is stored as 1, 2, 3."""
    columns = PointColumns()
    for seq, value in enumerate([1.0, 2.0, 3.0], start=1):
        columns.add("n/count", MS0, value, int(DataType.Double), message_ordinal(0, seq, 0))
    assert store.write_batch(columns) == 3
    assert [p.value for p in store.query_raw("n/count", T0, FAR)] == [1.0, 2.0, 3.0]
    (minute,) = store.query_rollups("n/count", T0, FAR, "minute")
    assert (minute.count, minute.total, minute.last) == (3, 6.0, 3.0)


def test_the_same_message_written_again_is_kept_once(store: TelemetryStore) -> None:
    """Idempotent on the message's identity (bdSeq, seq, metric index), not the timestamp."""
    columns = PointColumns()
    for index in range(2):  # one metric twice in one message, same millisecond
        columns.add(
            "n/state", MS0, float(index + 5), int(DataType.Int32), message_ordinal(3, 9, index)
        )
    assert store.write_batch(columns) == 2
    assert store.write_batch(columns) == 0
    assert [p.exact for p in store.query_raw("n/state", T0, FAR)] == [5, 6]
    (minute,) = store.query_rollups("n/state", T0, FAR, "minute")
    assert (minute.count, minute.last) == (2, 6.0)


def test_a_later_batch_in_the_same_millisecond_is_the_last_value(store: TelemetryStore) -> None:
    for seq, value in ((1, 4.0), (2, 9.0)):
        columns = PointColumns()
        columns.add("n/level", MS0, value, int(DataType.Double), message_ordinal(0, seq, 0))
        store.write_batch(columns)
    (minute,) = store.query_rollups("n/level", T0, FAR, "minute")
    assert (minute.count, minute.minimum, minute.last) == (2, 4.0, 9.0)


@pytest.mark.parametrize("batches", [1, 3])
def test_a_counter_rising_inside_one_millisecond_counts_every_step(
    store: TelemetryStore, batches: int
) -> None:
    """Counter increase and state entries over samples ordered by (timestamp, ordinal)."""
    samples = [(MS0 + 1000, 1, 10.0), (MS0 + 2000, 2, 11.0), (MS0 + 2000, 3, 12.0),
               (MS0 + 2000, 4, 15.0), (MS0 + 3000, 5, 16.0)]  # fmt: skip
    for part in range(batches):
        columns = PointColumns()
        for ts, seq, value in samples[part::batches]:
            columns.add("n/total", ts, value, int(DataType.Double), message_ordinal(0, seq, 0))
        store.write_batch(columns)
    increase = store.query_increase(["n/total"], T0, FAR, "hour").as_dict()
    assert increase == {("n/total", MS0, 0.0): 6.0}
    entries = store.query_state_time(["n/total"], T0, FAR, "hour").entries.as_dict()
    assert sum(entries.values()) == 5


def test_a_value_sent_again_as_historical_is_kept_once(store: TelemetryStore) -> None:
    """Store and forward may state a past value again in a new message (new seq, historical):
    kept once per (series, timestamp, value), whether its first copy is stored already,
    in the same batch, or itself historical; a different historical value is kept."""
    live = PointColumns()
    live.add("n/flow", MS0, 1.5, int(DataType.Double), message_ordinal(0, 1, 0))
    store.write_batch(live)
    again = PointColumns()
    again.add("n/flow", MS0 + 1, 2.5, int(DataType.Double), message_ordinal(0, 2, 0))
    for seq in (7, 8):  # twice, as two new messages
        for ts, value in ((MS0, 1.5), (MS0 + 1, 2.5), (MS0 + 2, 3.5)):
            ordinal = message_ordinal(1, seq, 0, historical=True)
            again.add("n/flow", ts, value, int(DataType.Double), ordinal)
    again.add("n/text", MS0, "x", int(DataType.String), message_ordinal(1, 9, 0, historical=True))
    assert store.write_batch(again) == 3
    assert store.write_batch(again) == 0
    points = store.query_raw("n/flow", T0, FAR)
    assert [(p.timestamp_ms - MS0, p.value) for p in points] == [(0, 1.5), (1, 2.5), (2, 3.5)]
    assert [p.exact for p in store.query_raw("n/text", T0, FAR)] == ["x"]
