"""``reind twin run`` and ``reind twin fault``: the digital twins from the command line."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import urlparse

import typer
from rich.table import Table

from reind.cli import app, console
from reind.core.errors import InvalidInputError

if TYPE_CHECKING:
    from reind.factory.sparkplug.edge import EdgeNode
    from reind.factory.twins.sparkplug_link import SparkplugLink

logger = logging.getLogger(__name__)

twin_app = typer.Typer(help="Digital twins: the egg-waffle machine and the beer line.")
app.add_typer(twin_app, name="twin")

GROUP = "reind"
Kind = Annotated[str, typer.Argument(help="waffle or brewery")]
Broker = Annotated[
    str | None, typer.Option("--broker", help="mqtt://host:port of a Sparkplug broker.")
]


def _broker(url: str) -> tuple[str, int]:
    parsed = urlparse(url if "://" in url else f"mqtt://{url}")
    if parsed.scheme not in ("mqtt", "tcp") or not parsed.hostname:
        raise InvalidInputError(f"--broker must look like mqtt://host:port, not {url!r}")
    return parsed.hostname, parsed.port or 1883


def _kind(kind: str) -> str:
    from reind.factory.twins.catalogue import TWINS

    if kind not in TWINS:
        raise InvalidInputError(f"twin must be one of {', '.join(TWINS)}, not {kind!r}")
    return kind


@twin_app.command("run")
def run(
    kind: Kind,
    speed: Annotated[
        float, typer.Option(help="Simulated seconds per wall second; 0 runs flat out.")
    ] = 60.0,
    broker: Broker = None,
    opcua: Annotated[int | None, typer.Option("--opcua", help="Serve OPC UA on this port.")] = None,
    opcua_host: Annotated[str, typer.Option(help="Address the OPC UA server binds.")] = "127.0.0.1",
    opcua_user: Annotated[
        str, typer.Option(help="OPC UA user name (password from REIND_OPCUA_PASSWORD).")
    ] = "operator",
    opcua_password: Annotated[
        str | None,
        typer.Option(envvar="REIND_OPCUA_PASSWORD", help="OPC UA password.", show_default=False),
    ] = None,
    opcua_certificates: Annotated[
        Path, typer.Option(help="Where the OPC UA server's key and certificate are made.")
    ] = Path("var/opcua"),
    opcua_insecure: Annotated[
        bool,
        typer.Option(
            help="Offer SecurityPolicy None and anonymous sessions instead (tests, demo)."
        ),
    ] = False,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same run.")] = 0,
    hours: Annotated[
        float | None, typer.Option(help="Stop after this many simulated hours.")
    ] = None,
    node: Annotated[str | None, typer.Option(help="Sparkplug edge node id.")] = None,
    manual: Annotated[
        bool, typer.Option(help="No shift scheduler: every PackML command comes from outside.")
    ] = False,
    state_dir: Annotated[
        Path, typer.Option(help="Where the edge node keeps bdSeq and store-and-forward.")
    ] = Path("var/edge"),
    primary_host: Annotated[
        str | None,
        typer.Option(
            help="Sparkplug host id to wait for: birth only while its STATE is online, "
            "NDEATH and start over when it goes offline (a gateway's host id is its client id)."
        ),
    ] = None,
) -> None:
    """Run a twin; publish it over Sparkplug B and/or serve it over OPC UA."""
    # imported here, as every command's services are: start-up is for the command run
    from reind.core.clock import utcnow
    from reind.factory.sparkplug.edge import EdgeNode
    from reind.factory.twins.catalogue import AutoStart, make_twin
    from reind.factory.twins.clock import SimulatedClock, TwinRunner
    from reind.factory.twins.sparkplug_link import SparkplugLink

    kind = _kind(kind)
    clock = SimulatedClock(utcnow())
    twin = make_twin(kind, clock, seed, scheduled=not manual)
    runner = TwinRunner(twin, clock, speed or None)
    autostart = AutoStart(twin, enabled=not manual)
    edge: EdgeNode | None = None
    link: SparkplugLink | None = None
    if broker is not None:
        host, port = _broker(broker)
        node_id = node or f"{kind}-1"
        edge = EdgeNode(
            GROUP,
            node_id,
            host,
            port,
            state_dir=state_dir / node_id,
            clock=clock,
            primary_host_id=primary_host,
        )
        link = SparkplugLink(twin, edge, runner.lock)
        edge.start()
        console.print(f"Sparkplug: spBv1.0/{GROUP}/DDATA/{node_id}/{link.device_id} on {broker}")
    import asyncio  # only a twin run needs them: not at start-up of every command
    import threading

    stop_opcua = threading.Event()
    opcua_thread: threading.Thread | None = None
    if opcua is not None:
        # imported here: asyncua takes ~0.4 s to import, which every other command would pay
        from reind.factory.opcua import OpcUaSecurity, TwinOpcUaServer

        if opcua_insecure:
            security = OpcUaSecurity.insecure()
        elif not opcua_password:
            raise InvalidInputError(
                "OPC UA is secured by default: set REIND_OPCUA_PASSWORD (or --opcua-password),"
                " or pass --opcua-insecure",
                zh="OPC UA 預設須加密及登入：請設定 REIND_OPCUA_PASSWORD（或 --opcua-password），"
                "或加上 --opcua-insecure",
            )
        else:
            security = OpcUaSecurity(opcua_certificates, {opcua_user: opcua_password})
        server = TwinOpcUaServer(twin, runner.lock, opcua, security=security, host=opcua_host)
        opcua_thread = threading.Thread(
            target=asyncio.run, args=(server.serve(stop_opcua),), daemon=True
        )
        opcua_thread.start()
        console.print(f"OPC UA: {server.endpoint}")
        if not security.allow_none:  # a refused client's certificate is filed for review
            console.print(f"OPC UA trusts client certificates in {security.trusted_dir}")

    def after_step() -> None:
        with runner.lock:
            autostart()
        if link is not None:
            link.publish()

    console.print(f"{kind} twin, seed {seed}, speed {speed or 'flat out'}; Ctrl-C stops")
    wall = time.monotonic()
    try:
        if hours is not None:
            runner.run_for(hours * 3600, after_step)
        else:
            while True:
                runner.run_for(600, after_step)
                _status(twin.kind, twin.tags.snapshot())
    except KeyboardInterrupt:
        console.print("stopping")
    finally:
        runner.stop()
        stop_opcua.set()
        if opcua_thread is not None:
            opcua_thread.join(timeout=5)
        if edge is not None:
            edge.stop()
    _status(twin.kind, twin.tags.snapshot())
    console.print(f"{clock.elapsed:.0f} simulated s in {time.monotonic() - wall:.1f} wall s")


def _status(kind: str, values: Mapping[str, object]) -> None:
    keys: tuple[str, ...]
    if kind == "waffle":
        keys = ("PackML/State Name", "PackML/Processed", "PackML/Defective", "Plate A/Temperature")
    else:
        keys = (
            "Brewhouse/PackML/State Name",
            "Brewhouse/Step",
            "Bottling/PackML/State Name",
            "Bottling/Bottles Good",
            "Bottling/Rejected Fill Level",
        )
    console.print("  ".join(f"{k}={values[k]}" for k in keys), highlight=False)


@twin_app.command("fault")
def fault(
    kind: Kind,
    name: Annotated[str | None, typer.Argument(help="Fault to inject; omit to list.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Clear the fault instead.")] = False,
    broker: Broker = None,
    node: Annotated[str | None, typer.Option(help="Sparkplug edge node id.")] = None,
) -> None:
    """List a twin's faults, or inject/clear one in a running twin by Sparkplug DCMD."""
    from reind.factory.twins.catalogue import TWINS

    kind = _kind(kind)
    faults = TWINS[kind].faults
    if name is None:
        table = Table(title=f"{kind} faults / 可模擬故障")
        table.add_column("fault")
        table.add_column("what happens")
        table.add_column("故障")
        for spec in faults.values():
            table.add_row(spec.name, spec.description_en, spec.description_zh)
        console.print(table)
        return
    if name not in faults:
        raise InvalidInputError(f"{kind} has no fault {name!r} (faults: {', '.join(faults)})")
    if broker is None:
        raise InvalidInputError("--broker is needed to reach a running twin")
    _send_fault(_broker(broker), node or f"{kind}-1", kind, name, not clear)
    console.print(f"{'cleared' if clear else 'injected'} {name} on {node or f'{kind}-1'}")


def _send_fault(address: tuple[str, int], node: str, device: str, name: str, on: bool) -> None:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    from reind.factory.sparkplug import (
        DataType,
        MessageType,
        Metric,
        Payload,
        Topic,
        encode_payload,
    )
    from reind.factory.twins.base import FAULT_PREFIX

    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"reind-cli-{node}")
    client.connect(*address)
    client.loop_start()
    try:
        metric = Metric(f"{FAULT_PREFIX}{name}", None, DataType.Boolean, on)
        payload = encode_payload(Payload(int(time.time() * 1000), None, (metric,)))
        topic = Topic(GROUP, MessageType.DCMD, node, device).text
        client.publish(topic, payload, qos=0).wait_for_publish(timeout=5)
    finally:
        client.loop_stop()
        client.disconnect()
