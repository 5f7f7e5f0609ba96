"""The Sparkplug topic namespace."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reind.factory.sparkplug import MessageType, SparkplugError, Topic, parse_topic

_ids = st.text(
    alphabet=st.characters(exclude_characters="/+#", exclude_categories=["Cs"]), min_size=1
)


@given(_ids, st.sampled_from(list(MessageType)), _ids, _ids)
def test_every_valid_topic_parses_back_to_itself(
    group: str, message_type: MessageType, node: str, device: str
) -> None:
    if message_type is MessageType.STATE:
        topic = Topic.state(node)
    else:
        topic = Topic(group, message_type, node, device if message_type.is_device else None)
    assert parse_topic(topic.text) == topic


def test_device_topic_fields() -> None:
    topic = parse_topic("spBv1.0/Plant1/DDATA/Line3/Filler")
    assert topic == Topic("Plant1", MessageType.DDATA, "Line3", "Filler")
    assert topic.series_prefix == "Plant1/Line3/Filler"
    assert topic.node_key == ("Plant1", "Line3")


def test_host_state_topic_carries_the_host_id() -> None:
    # tck-id-host-topic-phid-birth-topic: spBv1.0/STATE/<sparkplug_host_id>
    topic = parse_topic("spBv1.0/STATE/scada-1")
    assert topic.is_state and topic.host_id == "scada-1"
    assert topic.text == "spBv1.0/STATE/scada-1"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("spAv1.0/G/NDATA/N", "not a Sparkplug B topic"),
        ("spBv1.0/G/NFOO/N", "unknown Sparkplug message type"),
        ("spBv1.0/G/NDATA/N/D", "must not carry a device_id"),
        ("spBv1.0/G/DDATA/N", "need a device_id"),
        ("spBv1.0/G/NDATA/N/D/E", "4 or 5 levels"),
        ("spBv1.0/G/NDATA/", "must not be empty"),
        ("spBv1.0/G/STATE/N", "STATE topics are"),
    ],
)
def test_bad_topics_are_refused_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(SparkplugError, match=reason):
        parse_topic(text)


@pytest.mark.parametrize("char", ["+", "#", "/"])
@pytest.mark.parametrize("field", ["group_id", "edge_node_id", "device_id"])
def test_an_id_holding_a_reserved_character_is_refused(field: str, char: str) -> None:
    """tck-id-topic-structure-namespace-valid-group-id, -valid-edge-node-id, -valid-device-id,
    tck-id-intro-group-id-chars, tck-id-intro-edge-node-id-chars, tck-id-intro-device-id-chars:
    + / # never reach a topic level, whether reind builds the topic or reads it."""
    ids = {"group_id": "G", "edge_node_id": "N", "device_id": "D"}
    ids[field] = f"a{char}b"
    with pytest.raises(SparkplugError, match="must not contain"):
        Topic(ids["group_id"], MessageType.DDATA, ids["edge_node_id"], ids["device_id"])
