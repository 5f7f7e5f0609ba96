"""The pure host state machine, labelled with Sparkplug 3.0 assertion ids."""

from __future__ import annotations

from reind.factory.sparkplug import (
    DataType,
    MessageType,
    Metric,
    Payload,
    decode_payload,
    encode_payload,
)
from reind.factory.sparkplug import sparkplug_b_pb2 as pb
from reind.factory.sparkplug.host_state import HostState
from tests.factory.sparkplug.messages import (
    DEVICE,
    GROUP,
    NODE,
    dbirth,
    nbirth,
    ndata,
    ndeath,
    topic,
)


def _born(**kwargs: int) -> HostState:
    host = HostState("scada", **kwargs)
    result = host.handle(topic(MessageType.NBIRTH), nbirth(bdseq=3), 1000)
    assert result.dead_letters == []
    return host


def test_nbirth_makes_the_node_online_and_yields_its_metrics_as_series() -> None:
    host = HostState("scada")
    result = host.handle(topic(MessageType.NBIRTH), nbirth(bdseq=3), 1000)
    assert host.node(GROUP, NODE).online
    assert host.node(GROUP, NODE).bdseq == 3
    series = {p.series: p.value for p in result.points}
    assert series["Plant1/Line3/Temperature"] == 20.5
    assert series["Plant1/Line3/Count"] == -3
    assert [s.online for s in result.status] == [True]


def test_data_aliases_resolve_to_birth_names_and_datatypes() -> None:
    # tck-id-payloads-alias-data-cmd-requirement: DATA carries only the alias
    host = _born()
    result = host.handle(topic(MessageType.NDATA), ndata(seq=1, temperature=22.0), 2000)
    assert [(p.series, p.value, p.timestamp_ms) for p in result.points] == [
        ("Plant1/Line3/Temperature", 22.0, 2000)
    ]


def test_signed_value_without_datatype_is_read_with_the_birth_datatype() -> None:
    host = _born()
    metric = pb.Payload.Metric(alias=2, timestamp=5, int_value=0xFFFF_FFFB)
    data = pb.Payload(timestamp=5, seq=1, metrics=[metric]).SerializeToString()
    result = host.handle(topic(MessageType.NDATA), data, 2000)
    assert [p.value for p in result.points] == [-5]


def test_device_data_is_named_group_node_device_metric() -> None:
    host = _born()
    host.handle(topic(MessageType.DBIRTH, DEVICE), dbirth(seq=1), 1500)
    data = encode_payload(Payload(3000, 2, (Metric(None, 10, DataType.Float, 2.5, 3000),)))
    result = host.handle(topic(MessageType.DDATA, DEVICE), data, 3000)
    assert [(p.series, p.value) for p in result.points] == [("Plant1/Line3/Filler/Speed", 2.5)]


def test_ndeath_with_matching_bdseq_marks_node_and_devices_offline() -> None:
    # tck-id-operational-behavior-edge-node-termination-host-action-ndeath-node-offline
    # tck-id-operational-behavior-edge-node-termination-host-action-ndeath-devices-offline
    host = _born()
    host.handle(topic(MessageType.DBIRTH, DEVICE), dbirth(seq=1), 1500)
    result = host.handle(topic(MessageType.NDEATH), ndeath(bdseq=3), 4000)
    assert not host.node(GROUP, NODE).online
    assert not host.node(GROUP, NODE).devices[DEVICE].online
    assert {(s.prefix, s.online) for s in result.status} == {
        ("Plant1/Line3", False),
        ("Plant1/Line3/Filler", False),
    }


def test_ndeath_whose_bdseq_does_not_match_the_nbirth_is_ignored() -> None:
    # bdSeq rule: a stale Will from an earlier session must not kill the new session
    host = _born()
    result = host.handle(topic(MessageType.NDEATH), ndeath(bdseq=2), 4000)
    assert host.node(GROUP, NODE).online
    assert result.ignored is not None and "bdSeq 2" in result.ignored


def test_ddeath_marks_only_that_device_offline() -> None:
    # tck-id-operational-behavior-edge-node-termination-host-action-ddeath-devices-offline
    host = _born()
    host.handle(topic(MessageType.DBIRTH, DEVICE), dbirth(seq=1), 1500)
    death = encode_payload(Payload(1600, 2, ()))
    result = host.handle(topic(MessageType.DDEATH, DEVICE), death, 1600)
    assert not host.node(GROUP, NODE).devices[DEVICE].online
    assert host.node(GROUP, NODE).online
    assert [(s.prefix, s.online) for s in result.status] == [("Plant1/Line3/Filler", False)]


def test_data_before_birth_is_dead_lettered_and_asks_for_rebirth() -> None:
    host = HostState("scada")
    result = host.handle(topic(MessageType.NDATA), ndata(seq=1), 2000)
    assert result.dead_letter is not None and "before NBIRTH" in result.dead_letter
    assert [(r.group_id, r.edge_node_id) for r in result.rebirths] == [(GROUP, NODE)]


def test_unknown_alias_asks_for_rebirth() -> None:
    host = _born()
    result = host.handle(topic(MessageType.NDATA), ndata(seq=1, alias=99), 2000)
    assert result.dead_letter is not None and "alias 99" in result.dead_letter
    assert len(result.rebirths) == 1


def test_at_most_one_rebirth_is_pending_per_node() -> None:
    host = _born()
    first = host.handle(topic(MessageType.NDATA), ndata(seq=1, alias=99), 2000)
    second = host.handle(topic(MessageType.NDATA), ndata(seq=2, alias=98), 2100)
    assert len(first.rebirths) == 1 and second.rebirths == []
    host.handle(topic(MessageType.NBIRTH), nbirth(bdseq=3), 2200)  # the rebirth arrives
    third = host.handle(topic(MessageType.NDATA), ndata(seq=1, alias=97), 2300)
    assert len(third.rebirths) == 1


def test_rebirth_request_is_ncmd_node_control_rebirth_true() -> None:
    # tck-id-operational-behavior-data-commands-ncmd-rebirth-verb / -name / -value
    host = _born()
    request = host.handle(topic(MessageType.NDATA), ndata(seq=1, alias=99), 2000).rebirths[0]
    assert request.topic.text == "spBv1.0/Plant1/NCMD/Line3"
    metric = decode_payload(request.payload(2000)).metric("Node Control/Rebirth")
    assert (metric.datatype, metric.value) == (DataType.Boolean, True)


def test_out_of_order_message_is_held_until_the_missing_one_arrives() -> None:
    # tck-id-operational-behavior-host-reordering-start / -success
    host = _born(reorder_timeout_ms=1000)
    early = host.handle(topic(MessageType.NDATA), ndata(seq=2, temperature=2.0), 2000)
    assert early.points == [] and host.node(GROUP, NODE).gap_since == 2000
    late = host.handle(topic(MessageType.NDATA), ndata(seq=1, temperature=1.0), 2500)
    assert [p.value for p in late.points] == [1.0, 2.0]
    assert late.rebirths == [] and host.node(GROUP, NODE).gap_since is None
    assert [(g.expected, g.received) for g in host.gaps] == [(1, 2)]


def test_reorder_timeout_applies_held_data_and_asks_for_rebirth() -> None:
    # tck-id-operational-behavior-host-reordering-param / -rebirth
    host = _born(reorder_timeout_ms=1000)
    host.handle(topic(MessageType.NDATA), ndata(seq=2, temperature=2.0), 2000)
    assert host.tick(2999).rebirths == []
    expired = host.tick(3000)
    assert [p.value for p in expired.points] == [2.0]
    assert [r.reason for r in expired.rebirths] == ["seq gap"]
    after = host.handle(topic(MessageType.NDATA), ndata(seq=3, temperature=3.0), 3100)
    assert [p.value for p in after.points] == [3.0]


def test_seq_wraps_from_255_to_0() -> None:
    # tck-id-payloads-sequence-num-incrementing
    host = HostState("scada")
    host.handle(topic(MessageType.NBIRTH), nbirth(bdseq=0, seq=254), 1000)
    a = host.handle(topic(MessageType.NDATA), ndata(seq=255, temperature=1.0), 1001)
    b = host.handle(topic(MessageType.NDATA), ndata(seq=0, temperature=2.0), 1002)
    assert [p.value for p in a.points + b.points] == [1.0, 2.0]
    assert list(host.gaps) == []


def test_nbirth_without_bdseq_is_dead_lettered() -> None:
    # tck-id-payloads-nbirth-bdseq
    data = encode_payload(
        Payload(1, 0, (Metric("Node Control/Rebirth", None, DataType.Boolean, False),))
    )
    result = HostState("scada").handle(topic(MessageType.NBIRTH), data, 1)
    assert result.dead_letter is not None and "bdSeq" in result.dead_letter


def test_duplicate_alias_in_birth_is_dead_lettered() -> None:
    # tck-id-payloads-alias-uniqueness
    metrics = (
        Metric("bdSeq", None, DataType.Int64, 0),
        Metric("Node Control/Rebirth", None, DataType.Boolean, False),
        Metric("A", 1, DataType.Double, 1.0),
        Metric("B", 1, DataType.Double, 2.0),
    )
    data = encode_payload(Payload(1, 0, metrics))
    result = HostState("scada").handle(topic(MessageType.NBIRTH), data, 1)
    assert result.dead_letter is not None and "alias 1 is used twice" in result.dead_letter


def test_offline_state_for_our_own_id_makes_us_republish_online() -> None:
    # tck-id-message-flow-hid-sparkplug-state-message-delivered
    from reind.factory.sparkplug import Topic

    host = HostState("scada")
    result = host.handle(Topic.state("scada"), b'{"online":false,"timestamp":5}', 10)
    assert result.republish_state
    other = host.handle(Topic.state("other"), b'{"online":false,"timestamp":5}', 10)
    assert not other.republish_state
