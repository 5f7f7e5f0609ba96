"""Builders for Sparkplug messages used by the host tests."""

from __future__ import annotations

from reind.factory.sparkplug import (
    DataType,
    MessageType,
    Metric,
    Payload,
    Topic,
    encode_payload,
)

GROUP, NODE, DEVICE = "Plant1", "Line3", "Filler"
NODE_KEY = (GROUP, NODE)


def topic(kind: MessageType, device: str | None = None) -> Topic:
    """A topic for the standard test edge node."""
    return Topic(GROUP, kind, NODE, device)


def nbirth(bdseq: int = 0, seq: int = 0, ts: int = 1000) -> bytes:
    """NBIRTH with bdSeq, Rebirth, a Double temperature (alias 1), an Int16 count (alias 2)."""
    return encode_payload(
        Payload(
            ts,
            seq,
            (
                Metric("bdSeq", None, DataType.Int64, bdseq, ts),
                Metric("Node Control/Rebirth", None, DataType.Boolean, False, ts),
                Metric("Temperature", 1, DataType.Double, 20.5, ts),
                Metric("Count", 2, DataType.Int16, -3, ts),
            ),
        )
    )


def dbirth(seq: int, ts: int = 1000) -> bytes:
    """DBIRTH of the filler: Speed (alias 10, Float)."""
    return encode_payload(Payload(ts, seq, (Metric("Speed", 10, DataType.Float, 1.5, ts),)))


def ndata(seq: int, temperature: float = 21.0, ts: int = 2000, alias: int = 1) -> bytes:
    """NDATA carrying only the alias and the value (datatype left to the BIRTH)."""
    from reind.factory.sparkplug import sparkplug_b_pb2 as pb

    metric = pb.Payload.Metric(alias=alias, timestamp=ts, double_value=temperature)
    return pb.Payload(timestamp=ts, seq=seq, metrics=[metric]).SerializeToString()


def ndeath(bdseq: int) -> bytes:
    """NDEATH (the Will) with its bdSeq and no seq."""
    return encode_payload(Payload(None, None, (Metric("bdSeq", None, DataType.Int64, bdseq),)))
