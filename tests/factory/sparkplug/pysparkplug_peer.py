"""pysparkplug as the other side of reind's Sparkplug tests, in a process of its own.

Run by :mod:`tests.factory.sparkplug.peer`, never imported by a test: pysparkplug
registers its own ``sparkplug_b.proto`` in protobuf's default descriptor pool,
which refuses a second, different file of that name (reind's), and it drives
paho through the deprecated version 1 callback API (docs/decisions/0096).

Commands (read from stdin, one JSON object a line; answers on stdout, one a line):

- ``edge``: an EdgeNode ``group``/``node`` with ``metrics`` (name, datatype name,
  value); connects, births, then for each of ``updates`` (a list of
  ``[[name, value, timestamp_ms], ...]``) publishes one NDATA; prints ``sent``.
  ``{"cmd": "disconnect"}`` sends NDEATH and disconnects. ``{"cmd": "ndata", "skip": k,
  "metrics": [[name, datatype name, value, timestamp_ms], ...]}`` publishes one NDATA
  encoded by pysparkplug, ``k`` seq numbers further on (as if ``k`` messages were lost),
  with any metric, born or not, and prints its bytes as ``hex``. Every NCMD the node
  receives is printed (``event: ncmd``) with its metrics.
- ``host``: a Client subscribed to ``spBv1.0/#`` that prints every message
  it decodes (or the error it raised); ``{"cmd": "state", "online": b}``
  publishes its STATE (retained, QoS 1) as host ``host_id``.
"""

from __future__ import annotations

import datetime
import json
import sys
import threading
import time
from typing import Any

import paho.mqtt.client as paho
import pysparkplug as sp

# pysparkplug 0.6.1 asks for paho-mqtt < 2 and calls ``message_retry_set``, a no-op
# kept by paho 1.6 for compatibility and removed in 2.0; reind pins paho 2 (0096)
if not hasattr(paho.Client, "message_retry_set"):
    paho.Client.message_retry_set = lambda self, retry: None  # type: ignore[attr-defined]

_out = threading.Lock()


def say(**fields: Any) -> None:
    """One JSON line on stdout."""
    with _out:
        sys.stdout.write(json.dumps(fields, default=_jsonable) + "\n")
        sys.stdout.flush()


def _jsonable(value: object) -> object:
    if isinstance(value, bytes):
        return {"hex": value.hex()}
    if isinstance(value, datetime.datetime):
        return {"ms": round(value.timestamp() * 1000)}
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot send {value!r}")


def _value(datatype: sp.DataType, raw: object) -> Any:
    """A JSON value as the Python value pysparkplug expects for ``datatype``."""
    if datatype in (sp.DataType.BYTES, sp.DataType.FILE) and isinstance(raw, str):
        return bytes.fromhex(raw)
    if datatype is sp.DataType.DATETIME and isinstance(raw, int):
        return datetime.datetime.fromtimestamp(raw / 1000, tz=datetime.UTC)
    if datatype is sp.DataType.DATETIME_ARRAY and isinstance(raw, list):
        return tuple(datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.UTC) for ms in raw)
    if datatype.name.endswith("_ARRAY") and isinstance(raw, list):
        return tuple(raw)
    return raw


def run_edge(spec: dict[str, Any], port: int) -> None:
    types = {name: sp.DataType[kind] for name, kind, _ in spec["metrics"]}
    now = sp.get_current_timestamp()
    metrics = [
        sp.Metric(timestamp=now, name=name, datatype=types[name], value=_value(types[name], raw))
        for name, _, raw in spec["metrics"]
    ]
    if spec.get("rebirth_metric", True):
        # pysparkplug leaves Node Control/Rebirth to the application; Sparkplug 3.0 requires
        # it in every NBIRTH (tck-id-payloads-nbirth-rebirth-req), so a conformant one adds it
        rebirth = sp.Metric(now, "Node Control/Rebirth", sp.DataType.BOOLEAN, value=False)
        metrics.append(rebirth)
    client = sp.Client(client_id=spec.get("client_id", f"peer-{spec['node']}"))

    def on_command(_edge: sp.EdgeNode, message: sp.Message) -> None:
        names = [m.name for m in getattr(message.payload, "metrics", ())]
        say(event="ncmd", topic=str(message.topic), metrics=names)

    edge = sp.EdgeNode(spec["group"], spec["node"], metrics, client=client,
                       cmd_callback=on_command)  # fmt: skip
    edge.connect("127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    while not edge._connected and time.monotonic() < deadline:
        time.sleep(0.01)
    say(event="born", connected=edge._connected)
    for update in spec.get("updates", []):
        edge.update(
            [
                sp.Metric(
                    timestamp=ts, name=name, datatype=types[name], value=_value(types[name], v)
                )
                for name, v, ts in update
            ]
        )
    say(event="sent", messages=len(spec.get("updates", [])))
    for line in sys.stdin:
        command = json.loads(line)
        if command.get("cmd") == "disconnect":
            break
        if command.get("cmd") == "ndata":
            say(event="published", hex=_raw_ndata(edge, client, command).hex())
    edge.disconnect()
    say(event="disconnected")


def _raw_ndata(edge: sp.EdgeNode, client: sp.Client, command: dict[str, Any]) -> bytes:
    """One NDATA as pysparkplug encodes it, past ``EdgeNode.update``'s checks."""
    for _ in range(int(command.get("skip", 0))):
        _ = edge._seq  # each read takes the next seq: these messages are "lost"
    metrics = tuple(
        sp.Metric(timestamp=ts, name=name, datatype=sp.DataType[kind],
                  value=_value(sp.DataType[kind], value))
        for name, kind, value, ts in command["metrics"]
    )  # fmt: skip
    payload = sp.NData(timestamp=sp.get_current_timestamp(), seq=edge._seq, metrics=metrics)
    topic = sp.Topic(message_type=sp.MessageType.NDATA, group_id=edge.group_id,
                     edge_node_id=edge.edge_node_id)  # fmt: skip
    client.publish(sp.Message(topic, payload, sp.QoS.AT_MOST_ONCE, retain=False),
                   include_dtypes=True)  # fmt: skip
    return payload.encode(include_dtypes=True)


def _death_metrics(payload: object) -> tuple[sp.Metric, ...]:
    """An NDEATH's one metric (pysparkplug keeps it apart from ``metrics``)."""
    if isinstance(payload, sp.NDeath):
        return (payload.bd_seq_metric,)
    return ()


def run_host(spec: dict[str, Any], port: int) -> None:
    host_id = spec["host_id"]
    state_topic = sp.Topic(message_type=sp.MessageType.STATE, sparkplug_host_id=host_id)
    client = sp.Client(client_id=spec.get("client_id", f"peer-host-{host_id}"))
    will = sp.State(timestamp=sp.get_current_timestamp(), online=False)
    client.set_will(sp.Message(state_topic, will, sp.QoS.AT_LEAST_ONCE, retain=True))
    connected = threading.Event()
    client.connect("127.0.0.1", port=port, callback=lambda _c: connected.set())
    connected.wait(10)

    def on_message(_client: sp.Client, message: sp.Message | None) -> None:
        if message is None:
            return  # undecodable, reported by ``handle``
        payload = message.payload
        metrics = [
            {
                "name": m.name,
                "alias": m.alias,
                "datatype": m.datatype.name,
                "value": m.value,
                "timestamp": m.timestamp,
                "historical": m.is_historical,
            }
            for m in getattr(payload, "metrics", None) or _death_metrics(payload)
        ]
        say(
            event="message",
            topic=str(message.topic),
            seq=getattr(payload, "seq", None),
            timestamp=getattr(payload, "timestamp", None),
            online=getattr(payload, "online", None),
            metrics=metrics,
        )

    raw = sp.Client._handle_message

    def handle(self: sp.Client, mqtt_message: Any) -> sp.Message | None:
        try:
            return raw(self, mqtt_message)
        except Exception as error:  # the peer could not decode: say so, go on
            say(event="undecodable", topic=mqtt_message.topic, error=repr(error))
            return None

    sp.Client._handle_message = handle  # type: ignore[assignment,method-assign]
    everything = sp.Topic(group_id=sp.MULTI_LEVEL_WILDCARD)
    client.subscribe(everything, sp.QoS.AT_LEAST_ONCE, on_message)
    say(event="ready")
    for line in sys.stdin:
        command = json.loads(line)
        if command.get("cmd") == "state":
            state = sp.State(timestamp=sp.get_current_timestamp(), online=command["online"])
            client.publish(sp.Message(state_topic, state, sp.QoS.AT_LEAST_ONCE, retain=True))
            say(event="state", online=command["online"])
        elif command.get("cmd") == "quit":
            break
    client.disconnect()
    say(event="quit")


def main() -> None:
    spec = json.loads(sys.stdin.readline())
    port = int(spec["port"])
    if spec["role"] == "edge":
        run_edge(spec, port)
    else:
        run_host(spec, port)


if __name__ == "__main__":
    main()
