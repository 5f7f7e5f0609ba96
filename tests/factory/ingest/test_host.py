"""The gateway's host: the columnar fast path agrees with the Sparkplug state machine."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reind.factory.ingest.host import IngestHost
from reind.factory.ingest.points import BirthRecord, PointColumns, message_ordinal
from reind.factory.ingest.simulator import SimulatedEdgeNode
from reind.factory.sparkplug import (
    DataType,
    HostState,
    Metric,
    Payload,
    encode_payload,
    parse_topic,
)
from reind.factory.sparkplug import sparkplug_b_pb2 as pb
from reind.factory.sparkplug.datatypes import INTEGER_RANGES
from tests.factory.sparkplug.strategies import integers_on_the_wire

BASE_MS = 1_767_225_600_000


def born(node: SimulatedEdgeNode, host: IngestHost) -> None:
    for topic, payload in node.births(BASE_MS):
        assert host.handle(topic, payload, BASE_MS).birth


def test_in_order_data_gives_the_same_points_as_the_state_machine() -> None:
    host, reference = IngestHost("gw"), HostState("gw")
    node = SimulatedEdgeNode("plant", "oven", devices=2, metrics=4)
    births = node.births(BASE_MS)
    for topic, payload in births:
        host.handle(topic, payload, BASE_MS)
        reference.handle(parse_topic(topic), payload, BASE_MS)
    for step in range(300):  # across the seq wrap at 255
        topic, payload = node.data(step % 2, BASE_MS + step, [step - 1.5, 0.0, -7.0, 1e9])
        fast = host.handle(topic, payload, BASE_MS)
        slow = reference.handle(parse_topic(topic), payload, BASE_MS)
        assert list(fast.points) == [
            (p.series, p.timestamp_ms, p.value, None, None, None, p.datatype,
             message_ordinal(p.bdseq, p.seq, p.index))
            for p in slow.points
        ]  # fmt: skip
        assert not fast.dead_letters and not fast.rebirths
    assert host.state.counts["gaps"] == 0


def test_a_seq_gap_is_recorded_as_a_point_and_ends_in_a_rebirth_request() -> None:
    """tck-id-operational-behavior-host-reordering-rebirth"""
    host = IngestHost("gw", reorder_timeout_ms=100)
    node = SimulatedEdgeNode("plant", "press", devices=1, metrics=2)
    born(node, host)
    node.data(0, BASE_MS + 1, [1.0, 2.0])  # lost on the way
    topic, payload = node.data(0, BASE_MS + 2, [3.0, 4.0])
    held = host.handle(topic, payload, BASE_MS)
    assert host.holding(topic)
    assert [(p.series, p.value) for p in held.points] == [("plant/press/$host/seq_gap", 1.0)]
    later = host.tick(BASE_MS + 500)
    assert [p.value for p in later.points] == [3.0, 4.0]
    assert [r.edge_node_id for r in later.rebirths] == ["press"]
    assert not host.holding(topic)


def test_a_held_message_dead_lettered_after_the_reorder_timeout_keeps_its_topic_and_bytes() -> None:
    """tck-id-operational-behavior-host-reordering-rebirth: what is held and cannot be
    applied when the timer expires is a dead letter of its own, not an empty one."""
    host = IngestHost("gw", reorder_timeout_ms=100)
    node = SimulatedEdgeNode("plant", "drier", devices=1, metrics=2)
    born(node, host)
    node.data(0, BASE_MS + 1, [1.0, 2.0])  # lost on the way
    stranger = SimulatedEdgeNode("plant", "drier", devices=1, metrics=5)
    stranger.seq = node.seq
    topic, payload = stranger.data(0, BASE_MS + 2, [1.0] * 5)  # aliases the BIRTH never named
    assert not host.handle(topic, payload, BASE_MS).dead_letters  # held, not judged yet
    later = host.tick(BASE_MS + 500)
    assert [(r.topic, r.payload) for r in later.rejected] == [(topic, payload)]
    assert "unknown metric" in later.rejected[0].reason
    assert later.dead_letters == []


def test_unknown_alias_and_data_before_birth_are_dead_letters_with_a_rebirth() -> None:
    host = IngestHost("gw")
    node = SimulatedEdgeNode("plant", "kiln", devices=1, metrics=2)
    early = host.handle(*node.data(0, BASE_MS, [1.0, 2.0]), BASE_MS)
    assert "before NBIRTH" in early.dead_letters[0] and early.rebirths
    host = IngestHost("gw")
    born(node, host)
    stranger = SimulatedEdgeNode("plant", "kiln", devices=1, metrics=5)
    stranger.seq = node.seq
    outcome = host.handle(*stranger.data(0, BASE_MS, [1.0] * 5), BASE_MS)
    assert outcome.dead_letters and not list(outcome.points)


def test_a_restarted_host_takes_the_next_seq_it_sees_after_restoring_births() -> None:
    first = IngestHost("gw")
    node = SimulatedEdgeNode("plant", "mixer", devices=1, metrics=3)
    births = [BirthRecord(t, BASE_MS, p) for t, p in node.births(BASE_MS)]
    for step in range(40):
        node.data(0, BASE_MS + step, [1.0, 2.0, 3.0])  # acknowledged by the first run
    restarted = IngestHost("gw")
    restarted.restore(births)
    outcome = restarted.handle(*node.data(0, BASE_MS + 40, [4.0, 5.0, 6.0]), BASE_MS)
    assert [p.value for p in outcome.points] == [4.0, 5.0, 6.0]
    assert restarted.state.counts["gaps"] == 0
    assert first.connected_nodes == 0 and restarted.connected_nodes == 1


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_on_a_data_topic_never_raise(payload: bytes) -> None:
    host = IngestHost("gw")
    node = SimulatedEdgeNode("plant", "fuzz", devices=1, metrics=2)
    born(node, host)
    outcome = host.handle(node.topic("DDATA", "d0"), payload, BASE_MS)
    applied = len(outcome.points) > 0
    assert outcome.dead_letters or applied or host.holding(node.topic("DDATA", "d0"))


def integer_birth_and_data(
    datatype: DataType, wire: int, datatype_in_data: bool
) -> tuple[bytes, bytes]:
    """NBIRTH with one metric ``Count`` (alias 1) of ``datatype``, and NDATA carrying ``wire``."""
    metrics = (
        Metric("bdSeq", None, DataType.Int64, 0, BASE_MS),
        Metric("Node Control/Rebirth", None, DataType.Boolean, False, BASE_MS),
        Metric("Count", 1, datatype, 0, BASE_MS),
    )
    metric = pb.Payload.Metric(alias=1, timestamp=BASE_MS + 1)
    if datatype_in_data:
        metric.datatype = datatype
    if INTEGER_RANGES[datatype][0] == 64:
        metric.long_value = wire
    else:
        metric.int_value = wire
    data = pb.Payload(timestamp=BASE_MS + 1, seq=1, metrics=[metric])
    return encode_payload(Payload(BASE_MS, 0, metrics)), data.SerializeToString()


@settings(max_examples=400, deadline=None)
@given(integers_on_the_wire(), st.booleans())
def test_fast_decoder_reads_every_integer_datatype_as_the_full_decoder_does(
    case: tuple[DataType, int, int], datatype_in_data: bool
) -> None:
    """Negative Int8/Int16 in 32-bit two's complement (Tahu, reind's encoder): issue 14."""
    datatype, value, wire = case
    birth, data = integer_birth_and_data(datatype, wire, datatype_in_data)
    nbirth, ndata = "spBv1.0/plant/NBIRTH/press", "spBv1.0/plant/NDATA/press"
    host, reference = IngestHost("gw"), HostState("gw")
    host.handle(nbirth, birth, BASE_MS)
    reference.handle(parse_topic(nbirth), birth, BASE_MS)
    full = PointColumns()
    for p in reference.handle(parse_topic(ndata), data, BASE_MS).points:
        full.add(p.series, p.timestamp_ms, p.value, p.datatype,
                 message_ordinal(p.bdseq, p.seq, p.index))  # fmt: skip
    fast = host.handle(ndata, data, BASE_MS)
    assert not fast.dead_letters
    assert list(fast.points) == list(full)
    (point,) = fast.points
    # Int64 and UInt64 beyond 2**53 too: the exact integer, not its double (issue 14)
    assert (point.series, point.timestamp_ms, point.exact) == (
        "plant/press/Count",
        BASE_MS + 1,
        value,
    )
    assert type(point.exact) is int and point.datatype == datatype


@pytest.mark.parametrize("kind", [DataType.DataSet, DataType.Template])
def test_a_dataset_or_template_value_makes_the_message_a_dead_letter_with_a_reason(
    kind: DataType,
) -> None:
    """Issue 14: types reind keeps no point for are never dropped silently; the gateway keeps
    the whole message (its topic and bytes) as a dead letter with this reason."""
    metrics = [
        pb.Payload.Metric(name="bdSeq", datatype=DataType.UInt64, long_value=0),
        pb.Payload.Metric(name="Node Control/Rebirth", datatype=DataType.Boolean),
        pb.Payload.Metric(name="table", datatype=kind),
    ]
    if kind is DataType.DataSet:
        metrics[2].dataset_value.num_of_columns = 1
        metrics[2].dataset_value.columns.append("c")
        metrics[2].dataset_value.types.append(int(DataType.Int32))
    else:
        metrics[2].template_value.template_ref = "Motor"
    birth = pb.Payload(timestamp=BASE_MS, seq=0, metrics=metrics).SerializeToString()
    outcome = IngestHost("gw").handle("spBv1.0/plant/NBIRTH/table", birth, BASE_MS)
    assert not outcome.birth and not list(outcome.points)
    assert any(kind.name in reason for reason in outcome.dead_letters), outcome.dead_letters
