"""DATA read by its byte layout gives exactly what the per-metric fast path gives (ADR 0143)."""

from __future__ import annotations

import struct
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reind.factory.ingest.host import IngestHost, Outcome
from reind.factory.ingest.packed import PackedPoints, SeriesCodes
from reind.factory.ingest.points import TelemetryPoint
from reind.factory.sparkplug import DataType, Metric, Payload, encode_payload
from reind.factory.sparkplug import sparkplug_b_pb2 as pb
from reind.factory.sparkplug.fast_layout import Layout

BASE_MS = 1_767_225_600_000
NBIRTH, DBIRTH = "spBv1.0/plant/NBIRTH/oven", "spBv1.0/plant/DBIRTH/oven/d0"
DDATA = "spBv1.0/plant/DDATA/oven/d0"
KINDS = (DataType.Double, DataType.Float, DataType.Boolean)


class PerMetricHost(IngestHost):
    """The gateway's host with the layout path switched off: the reference."""

    def _by_layout(self, *_args: Any) -> bool:
        return False


def key(point: TelemetryPoint) -> tuple[object, ...]:
    """A point with its value as bits, so NaN equals NaN and -0.0 differs from 0.0."""
    bits = struct.pack("<d", point.value) if isinstance(point.value, float) else point.value
    return (*point[:2], type(point.value), bits, *point[3:])


def born(host: IngestHost, kinds: list[DataType], name: str = "m") -> None:
    node = Payload(BASE_MS, 0, metrics=(
        Metric("bdSeq", None, DataType.Int64, 0, BASE_MS),
        Metric("Node Control/Rebirth", None, DataType.Boolean, False, BASE_MS),
    ))  # fmt: skip
    assert host.handle(NBIRTH, encode_payload(node), BASE_MS).birth
    metrics = tuple(
        Metric(f"{name}{k}", k + 1, kind, False if kind is DataType.Boolean else 0.0, BASE_MS)
        for k, kind in enumerate(kinds)
    )
    assert host.handle(DBIRTH, encode_payload(Payload(BASE_MS, 1, metrics=metrics)), BASE_MS).birth


floats = st.floats(allow_nan=True, allow_infinity=True)
singles = st.floats(width=32, allow_nan=True, allow_infinity=True)
stamps = st.sampled_from([0, 1, BASE_MS - 5, BASE_MS + 7, (1 << 49) + 3])


@st.composite
def shapes(draw: st.DrawFn) -> tuple[list[DataType], bool, bool, bool, list[list[Any]]]:
    """Metric types, (datatype in DATA, metric timestamps, payload timestamp), messages."""
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=12))
    values = {DataType.Double: floats, DataType.Float: singles, DataType.Boolean: st.booleans()}
    messages = draw(
        st.lists(
            st.tuples(*(st.tuples(values[kind], stamps) for kind in kinds), stamps),
            min_size=2,
            max_size=6,
        )
    )
    flags = draw(st.tuples(st.booleans(), st.booleans(), st.booleans()))
    return kinds, *flags, [list(m) for m in messages]


def data(kinds: list[DataType], seq: int, message: list[Any], flags: tuple[bool, ...]) -> bytes:
    with_datatype, metric_stamps, payload_stamp = flags
    payload = pb.Payload(seq=seq)
    if payload_stamp:
        payload.timestamp = message[-1]
    for k, (kind, (value, stamp)) in enumerate(zip(kinds, message[:-1], strict=True)):
        metric = payload.metrics.add(alias=k + 1)
        if with_datatype:
            metric.datatype = kind
        if metric_stamps:
            metric.timestamp = stamp
        field = {DataType.Double: "double_value", DataType.Float: "float_value"}.get(kind)
        setattr(metric, field or "boolean_value", value)
    return payload.SerializeToString()


def same(layout: Outcome, reference: Outcome) -> None:
    assert [key(p) for p in layout.points] == [key(p) for p in reference.points]
    assert (layout.dead_letters, layout.rebirths) == (reference.dead_letters, reference.rebirths)


@settings(max_examples=150, deadline=None)
@given(shapes())
def test_payloads_read_by_layout_give_the_per_metric_paths_points(
    case: tuple[list[DataType], bool, bool, bool, list[list[Any]]],
) -> None:
    kinds, *flags, messages = case
    host, reference = IngestHost("gw"), PerMetricHost("gw")
    born(host, kinds)
    born(reference, kinds)
    for step, message in enumerate(messages):
        payload = data(kinds, 2 + step, message, tuple(flags))
        got = host.handle(DDATA, payload, BASE_MS + 100)
        same(got, reference.handle(DDATA, payload, BASE_MS + 100))
        # packed for the writer process as the per-metric columns are
        packed = PackedPoints.pack(got.points, SeriesCodes()).columns()
        assert [key(p) for p in packed] == [key(p) for p in got.points]
        assert [key(p) for p in got.points.flat()] == [key(p) for p in got.points]


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_payload_changed_anywhere_is_read_as_the_per_metric_path_reads_it(
    draw: st.DataObject,
) -> None:
    """A flipped byte in a tag, length, alias or datatype must not be taken for a value."""
    kinds = [DataType.Double, DataType.Boolean, DataType.Float, DataType.Double]
    host, reference = IngestHost("gw"), PerMetricHost("gw")
    born(host, kinds)
    born(reference, kinds)
    message = [(1.5, BASE_MS + 1), (True, 0), (2.5, BASE_MS + 2), (-3.0, BASE_MS + 3), BASE_MS]
    first = data(kinds, 2, message, (True, True, True))
    same(host.handle(DDATA, first, BASE_MS), reference.handle(DDATA, first, BASE_MS))
    second = bytearray(data(kinds, 3, message, (True, True, True)))
    at = draw.draw(st.integers(0, len(second) - 1))
    second[at] ^= draw.draw(st.integers(1, 255))
    changed = bytes(second)
    same(host.handle(DDATA, changed, BASE_MS), reference.handle(DDATA, changed, BASE_MS))


def test_a_payload_outside_the_plain_shape_has_no_layout() -> None:
    """Names, integers, historical or null flags and properties take the per-metric path."""
    plain = pb.Payload(seq=1, metrics=[pb.Payload.Metric(alias=1, double_value=1.0)])
    assert Layout(plain.SerializeToString()).aliases == (1,)
    odd = [
        pb.Payload.Metric(name="m", alias=1, double_value=1.0),
        pb.Payload.Metric(alias=1, datatype=DataType.Int32, int_value=5),
        pb.Payload.Metric(alias=1, double_value=1.0, is_historical=True),
        pb.Payload.Metric(alias=1, is_null=True),
        pb.Payload.Metric(alias=1, datatype=DataType.Float, double_value=1.0),
    ]
    for metric in odd:
        payload = pb.Payload(seq=1, metrics=[metric]).SerializeToString()
        try:
            Layout(payload)
        except ValueError:
            continue
        raise AssertionError(f"learnt a layout of {metric}")


def test_a_new_birth_retires_the_layouts_learnt_before_it() -> None:
    """The same bytes after a rebirth that renamed alias 1 are stored under the new name."""
    host = IngestHost("gw")
    born(host, [DataType.Double])
    message = [(1.0, BASE_MS), BASE_MS]
    for seq in (2, 3):
        outcome = host.handle(DDATA, data([DataType.Double], seq, message, (True, False, True)), 0)
    assert outcome.layout is not None  # the second message of a shape is read by layout
    born(host, [DataType.Double], name="speed")  # a rebirth: alias 1 is another metric now
    after = host.handle(DDATA, data([DataType.Double], 2, message, (True, False, True)), 0)
    assert [p.series for p in after.points] == ["plant/oven/d0/speed0"]
