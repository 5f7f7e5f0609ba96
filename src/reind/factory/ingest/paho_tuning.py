"""Two socket-level tunings of paho for the ingest gateway: batched PUBACKs, no Nagle.

Measured in docs/decisions/0027: at thousands of messages a second, paho's
one-packet-per-ack and Nagle's delayed sends cost a third of the receive
process's time and milliseconds of alarm latency.
"""

from __future__ import annotations

import socket

import paho.mqtt.client as mqtt

_PUBACK = bytes((0x40, 0x02))
"""PUBACK with remaining length 2: the message id only, which MQTT 5 reads as Success."""


def acknowledge(client: mqtt.Client, mids: list[int]) -> None:
    """Send the PUBACKs of ``mids`` (QoS 1, in order) as one write.

    ``client.ack`` queues one packet per message and wakes paho's network
    thread through its socket pair for each: two system calls and a wake-up a
    message, a third of the receive process's time at 2,000 messages/s. The
    PUBACK of a successful QoS 1 delivery is the same four bytes in MQTT 3.1.1
    and 5, so a batch's acks go out as one packet on paho's queue (0027).
    Without that private queue (another paho), it falls back to ``ack``.
    """
    queue = getattr(client, "_packet_queue", None)
    if queue is None:
        for mid in mids:
            client.ack(mid, 1)
        return
    for start in range(0, len(mids), 16_384):
        chunk = mids[start : start + 16_384]
        packet = b"".join(_PUBACK + mid.to_bytes(2, "big") for mid in chunk)
        queue(0x40, packet, chunk[-1], 0)


def no_delay(client: mqtt.Client) -> None:
    """Switch Nagle's algorithm off: a batch of PUBACKs or a Rebirth goes out at once.

    The broker's side matters more for alarm latency: Mosquitto needs
    ``set_tcp_nodelay true``, or small PUBLISHes wait for delayed ACKs (0027).
    """
    sock = client.socket()
    if isinstance(sock, socket.socket) and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
