"""reind's edge node with pysparkplug as its primary host (in a process of its own).

pysparkplug's client decodes every message reind's edge node sends with its own
protobuf code and the BIRTH's aliases; it publishes the STATE reind waits for.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from reind.cli import app
from reind.factory.sparkplug import DataType
from reind.factory.sparkplug.edge import EdgeNode
from tests.factory.ingest.edge import wait_until
from tests.factory.sparkplug.peer import Peer
from tests.fixtures.servers import MosquittoBroker

pytestmark = pytest.mark.integration

HOST = "scada"


@pytest.fixture
def scada(mosquitto: MosquittoBroker) -> Iterator[Peer]:
    peer = Peer(mosquitto.port, role="host", host_id=HOST)
    peer.wait_for(lambda a: a.get("event") == "ready")
    yield peer
    peer.close()


@pytest.fixture
def edge(mosquitto: MosquittoBroker, tmp_path: Path) -> Iterator[EdgeNode]:
    node = EdgeNode("reind", "oven", broker_port=mosquitto.port, state_dir=tmp_path / "edge",
                    primary_host_id=HOST)  # fmt: skip
    node.define_metric("count", DataType.Int32, 0, device_id="line")
    node.define_metric("temp", DataType.Double, 20.5, device_id="line")
    node.define_metric("running", DataType.Boolean, False, device_id="line")
    node.define_metric("recipe", DataType.String, "plain", device_id="line")
    node.define_metric("total", DataType.UInt64, 2**64 - 1)
    node.start()
    yield node
    node.stop()


def metrics(message: dict[str, Any]) -> dict[str, Any]:
    return {m["name"]: m["value"] for m in message["metrics"]}


def bdseq(message: dict[str, Any]) -> int:
    return int(metrics(message)["bdSeq"])


def test_pysparkplug_decodes_reinds_births_and_data_with_aliases(
    scada: Peer, edge: EdgeNode
) -> None:
    """tck-id-message-flow-edge-node-birth-publish-phid-wait (no BIRTH before the host
    is online), tck-id-topics-nbirth-bdseq-included, tck-id-topics-nbirth-rebirth-metric,
    tck-id-payloads-alias-birth-requirement, tck-id-payloads-alias-data-cmd-requirement:
    an independent decoder resolves every DDATA alias from reind's BIRTH."""
    assert not edge.online.wait(1.0)  # waits for the primary host
    assert scada.messages("NBIRTH") == []
    scada.send(cmd="state", online=True)
    birth = scada.wait_for(lambda a: "/NBIRTH/" in a.get("topic", ""))
    assert birth["seq"] == 0 and metrics(birth)["Node Control/Rebirth"] is False
    assert metrics(birth)["total"] == 2**64 - 1
    dbirth = scada.wait_for(lambda a: "/DBIRTH/" in a.get("topic", ""))
    assert metrics(dbirth) == {"count": 0, "temp": 20.5, "running": False, "recipe": "plain"}
    assert all(m["alias"] for m in dbirth["metrics"])
    assert edge.online.wait(5)
    edge.update({"count": 7, "temp": -3.25, "running": True, "recipe": "檢查"}, "line")
    data = scada.wait_for(lambda a: "/DDATA/" in a.get("topic", ""))
    assert metrics(data) == {"count": 7, "temp": -3.25, "running": True, "recipe": "檢查"}
    assert data["seq"] == 2 and all(m["timestamp"] for m in data["metrics"])


def test_the_edge_node_dies_and_rebirths_with_a_new_bdseq_when_its_host_goes_offline(
    scada: Peer, edge: EdgeNode
) -> None:
    """tck-id-message-flow-edge-node-birth-publish-phid-offline: on its primary host's
    offline STATE the edge node publishes NDEATH and disconnects; on the host's return it
    connects again and births with the next bdSeq; values set meanwhile follow, historical
    (tck-id-operational-behavior-edge-node-intentional-disconnect-ndeath)."""
    scada.send(cmd="state", online=True)
    first = bdseq(scada.wait_for(lambda a: "/NBIRTH/" in a.get("topic", "")))
    assert edge.online.wait(5)
    scada.send(cmd="state", online=False)
    death = scada.wait_for(lambda a: "/NDEATH/" in a.get("topic", ""))
    assert bdseq(death) == first
    # disconnected: the next CONNECT carries the next bdSeq in its Will
    assert wait_until(lambda: edge.bdseq == (first + 1) % 256, timeout=10)
    assert not edge.online.is_set()
    edge.update({"count": 41}, "line")  # the host is away: kept for later
    scada.send(cmd="state", online=True)
    assert wait_until(lambda: len(scada.messages("NBIRTH")) == 2, timeout=15), scada.answers
    assert bdseq(scada.messages("NBIRTH")[1]) == (first + 1) % 256
    replay = scada.wait_for(
        lambda a: "/DDATA/" in a.get("topic", "") and any(m["historical"] for m in a["metrics"])
    )
    assert metrics(replay) == {"count": 41}


def test_reind_twin_run_waits_for_the_primary_host_it_is_given(
    scada: Peer, mosquitto: MosquittoBroker, tmp_path: Path
) -> None:
    """``reind twin run --primary-host``: tck-id-message-flow-edge-node-birth-publish-phid-wait
    from the command line; without the host online the twin's edge node never births."""

    def run(node: str, host: str) -> None:
        args = ["twin", "run", "waffle", "--speed", "0", "--hours", "0.05", "--node", node,
                "--broker", mosquitto.url, "--primary-host", host,
                "--state-dir", str(tmp_path / node)]  # fmt: skip
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output

    run("waffle-absent", "nobody")
    scada.send(cmd="state", online=True)
    scada.wait_for(lambda a: a.get("topic") == f"spBv1.0/STATE/{HOST}")
    run("waffle-served", HOST)
    scada.wait_for(lambda a: a.get("topic") == "spBv1.0/reind/DBIRTH/waffle-served/waffle")
    topics = {a["topic"] for a in scada.messages()}
    assert not any("waffle-absent" in topic for topic in topics), topics
