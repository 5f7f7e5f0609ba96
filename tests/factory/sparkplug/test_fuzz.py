"""Random and mutated bytes never crash the decoder or the host with anything but SparkplugError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reind.factory.sparkplug import (
    MessageType,
    Payload,
    SparkplugError,
    decode_payload,
    decode_points,
    encode_payload,
)
from reind.factory.sparkplug.host_state import HostState
from tests.factory.sparkplug.messages import dbirth, nbirth, ndata, topic
from tests.factory.sparkplug.strategies import payloads

_SEEDS = [nbirth(), dbirth(1), ndata(1)]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid payload with a few bytes flipped, cut or inserted."""
    base = bytearray(draw(st.sampled_from(_SEEDS) | payloads.map(encode_payload)))
    for _ in range(draw(st.integers(1, 4))):
        if not base:
            break
        at = draw(st.integers(0, len(base) - 1))
        action = draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            base[at] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del base[at:]
        else:
            base[at:at] = draw(st.binary(min_size=1, max_size=4))
    return bytes(base)


_inputs = st.binary(max_size=200) | mutated()


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(_inputs)
def test_decoder_only_ever_raises_sparkplug_errors(data: bytes) -> None:
    for decode in (decode_payload, decode_points):
        try:
            decode(data)
        except SparkplugError as error:
            assert str(error)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(list(MessageType)), _inputs), max_size=6))
def test_host_never_raises_and_explains_every_rejected_message(
    messages: list[tuple[MessageType, bytes]],
) -> None:
    host = HostState("scada", reorder_timeout_ms=10)
    host.handle(topic(MessageType.NBIRTH), nbirth(), 0)
    for at, (kind, data) in enumerate(messages, start=1):
        if kind is MessageType.STATE:
            continue
        device = "Filler" if kind.is_device else None
        result = host.handle(topic(kind, device), data, at)
        try:
            decode_payload(data)
        except SparkplugError:
            # refused now, ignored on purpose, or held for reordering (refused when applied)
            held = any(node.held for node in host.nodes.values())
            assert result.dead_letters or result.ignored or held or kind in _NOT_DECODED
        host.tick(at)


_NOT_DECODED = {MessageType.NDEATH}  # the host reads only bdSeq from a Will


def test_a_truncated_payload_is_dead_lettered_with_a_reason() -> None:
    host = HostState("scada")
    result = host.handle(topic(MessageType.NBIRTH), nbirth()[:-3], 0)
    assert result.dead_letter is not None and "Sparkplug" in result.dead_letter
    assert decode_payload(encode_payload(Payload(1, 0))) == Payload(1, 0)
