"""An OPC UA client (asyncua) drives the waffle twin: reads state and counters, Start/Hold/Stop."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime, timedelta

import pytest
from asyncua import ua
from asyncua.client.client import Client
from asyncua.ua.attribute_ids import AttributeIds
from asyncua.ua.status_codes import StatusCodes
from asyncua.ua.uaerrors import UaStatusCodeError

from reind.factory.control.packml import PackMLCommand, PackMLState
from reind.factory.opcua.security import OpcUaSecurity
from reind.factory.opcua.server import NAMESPACE, TwinOpcUaServer
from reind.factory.twins.brewery import BeerLine
from reind.factory.twins.clock import SimulatedClock
from reind.factory.twins.waffle import WaffleMachine
from tests.fixtures.servers import free_port

pytestmark = pytest.mark.integration


async def drive_waffle_machine() -> dict[str, object]:
    seen: dict[str, object] = {}
    twin = WaffleMachine(SimulatedClock(), seed=5)
    twin.command("", PackMLCommand.RESET)
    twin.run(900)
    server = TwinOpcUaServer(
        twin, threading.Lock(), port=free_port(), security=OpcUaSecurity.insecure()
    )
    await server.start()
    try:
        async with Client(server.endpoint) as client:
            ns = await client.get_namespace_index(NAMESPACE)

            def node(name: str) -> ua.NodeId:
                return ua.NodeId(ua.String(name), ua.Int16(ns))

            state = client.get_node(node("PackML/State"))
            packml = client.get_node(node("PackML/"))
            seen["idle"] = await state.read_value()
            seen["state name"] = await client.get_node(node("PackML/State Name")).read_value()
            browse = await packml.get_child(f"{ns}:StateCurrent")
            seen["browsed"] = await browse.read_value()

            await packml.call_method(f"{ns}:Start")
            twin.run(3600)
            await server.sync()
            seen["started"] = await state.read_value()
            seen["processed"] = await client.get_node(node("PackML/Processed")).read_value()
            seen["plate"] = await client.get_node(node("Plate A/Temperature")).read_value()

            await packml.call_method(f"{ns}:Hold")
            twin.run(300)
            await server.sync()
            seen["held"] = await state.read_value()

            await packml.call_method(f"{ns}:Stop")
            twin.run(300)
            await server.sync()
            seen["stopped"] = await state.read_value()

            with pytest.raises(UaStatusCodeError) as refused:
                await packml.call_method(f"{ns}:Unhold")
            seen["refused code"] = refused.value.code
            seen["reason"] = await client.get_node(node("PackML/LastCommandResult")).read_value()

            bake = client.get_node(node("Recipe/baking_side_a/bake_time"))
            await bake.write_value(ua.Variant(90.0, ua.VariantType.Double))
            seen["bake written"] = twin.recipe.value("baking_side_a", "bake_time")
            with pytest.raises(UaStatusCodeError):
                await bake.write_value(ua.Variant(500.0, ua.VariantType.Double))
            seen["bake after refusal"] = twin.recipe.value("baking_side_a", "bake_time")
            seen["adjusted by"] = twin.recipe.adjustments[-1].who
    finally:
        await server.stop()
    return seen


def test_an_opcua_client_reads_state_and_counters_and_starts_holds_and_stops_the_twin() -> None:
    seen = asyncio.run(drive_waffle_machine())
    assert seen["idle"] == int(PackMLState.IDLE)
    assert seen["state name"] == "Idle"
    assert seen["browsed"] == int(PackMLState.IDLE)
    assert seen["started"] == int(PackMLState.EXECUTE)
    assert isinstance(seen["processed"], int) and seen["processed"] > 10
    assert isinstance(seen["plate"], float) and abs(seen["plate"] - 185) < 3
    assert seen["held"] == int(PackMLState.HELD)
    assert seen["stopped"] == int(PackMLState.STOPPED)
    assert seen["refused code"] == StatusCodes.BadInvalidState
    assert "Unhold is not allowed in state Stopped" in str(seen["reason"])
    assert seen["bake written"] == 90.0
    assert seen["bake after refusal"] == 90.0
    assert seen["adjusted by"] == "opcua"


async def browse_beer_line() -> list[str]:
    twin = BeerLine(SimulatedClock(), seed=1)
    server = TwinOpcUaServer(
        twin, threading.Lock(), port=free_port(), security=OpcUaSecurity.insecure()
    )
    await server.start()
    try:
        async with Client(server.endpoint) as client:
            ns = await client.get_namespace_index(NAMESPACE)
            bottling = client.get_node(ua.NodeId(ua.String("Bottling/PackML/"), ua.Int16(ns)))
            children = await bottling.get_children()
            return [(await c.read_browse_name()).Name for c in children]
    finally:
        await server.stop()


def test_the_beer_line_has_a_packml_object_per_unit_with_its_methods() -> None:
    names = asyncio.run(browse_beer_line())
    assert {"StateCurrent", "ProdProcessedCount", "ProdDefectiveAccCount", "StopReasonId"} <= set(
        names
    )
    assert {"Start", "Hold", "Unhold", "Suspend", "Stop", "Abort", "Clear"} <= set(names)


async def read_both(client: Client, node: ua.NodeId) -> ua.DataValue:
    """Read a Value asking for both timestamps (TimestampsToReturn.Both)."""
    target = ua.ReadValueId()
    target.NodeId = node
    target.AttributeId = AttributeIds.Value
    params = ua.ReadParameters()
    params.NodesToRead = [target]
    params.TimestampsToReturn = ua.TimestampsToReturn.Both
    (value,) = await client.uaclient.read(params)
    return value


async def read_with_timestamps() -> tuple[ua.DataValue, ua.DataValue, datetime]:
    clock = SimulatedClock()
    twin = WaffleMachine(clock, seed=5)
    server = TwinOpcUaServer(
        twin, threading.Lock(), port=free_port(), security=OpcUaSecurity.insecure()
    )
    await server.start()
    try:
        async with Client(server.endpoint) as client:
            ns = await client.get_namespace_index(NAMESPACE)
            state = ua.NodeId(ua.String("PackML/State"), ua.Int16(ns))
            first = await read_both(client, state)
            twin.command("", PackMLCommand.RESET)
            twin.run(60)
            await server.sync()
            return first, await read_both(client, state), clock.now()
    finally:
        await server.stop()


def test_every_value_carries_its_source_and_server_timestamps() -> None:
    """The asyncua client asks for both timestamps: the source one is the twin's clock
    when the value was pushed, the server one the server's wall clock."""
    before = datetime.now(UTC) - timedelta(seconds=1)
    first, later, twin_now = asyncio.run(read_with_timestamps())
    stamps = []
    for value in (first, later):
        source, server = value.SourceTimestamp, value.ServerTimestamp
        assert source is not None and server is not None, value
        assert before <= server.replace(tzinfo=UTC)
        stamps.append(source.replace(tzinfo=UTC))
    assert stamps[1] == twin_now and stamps[1] > stamps[0]
