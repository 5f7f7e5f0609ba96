"""An OPC UA server (asyncua) with a PackML-shaped address space for a twin.

Layout under ``Objects/<Twin>``::

    [<Unit>/]PackML/   StateCurrent, StateCurrentName, UnitModeCurrent,
                       ProdProcessedCount, ProdProcessedAccCount, ProdDefectiveCount,
                       ProdDefectiveAccCount, StopReasonId, StopReasonMessage,
                       LastCommandResult; methods Reset, Start, Stop, Hold, Unhold,
                       Suspend, Unsuspend, Abort, Clear
    [<Unit>/]Recipe/<phase>/<parameter>   writable Double, limits enforced by the twin
    <everything else>                    read-only sensors, counters, alarms

Node ids are ``ns=<ns>;s=<tag name>``, so a client can address a tag
directly. A refused command returns ``BadInvalidState`` and puts the reason
in ``LastCommandResult``; a refused write (out of limits) fails with
``BadOutOfRange``. Values are pushed from the twin by ``sync()``, which
``serve()`` calls a few times a second.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import UTC, datetime
from typing import Any

from asyncua import ua
from asyncua.common.node import Node
from asyncua.server.address_space import NodeData
from asyncua.server.server import Server
from asyncua.ua.attribute_ids import AttributeIds
from asyncua.ua.status_codes import StatusCodes
from asyncua.ua.uaerrors import UaStatusCodeError

from reind.core.errors import ConflictError, InvalidInputError, ReindError
from reind.factory.control.packml import PackMLCommand
from reind.factory.opcua.security import OpcUaSecurity, secure
from reind.factory.twins.base import Twin
from reind.factory.twins.tags import Tag, TagKind, TagValue

logger = logging.getLogger(__name__)

NAMESPACE = "urn:reind:twins"
APPLICATION_URI = "urn:reind:twin"
VARIANTS = {
    TagKind.DOUBLE: ua.VariantType.Double,
    TagKind.INT: ua.VariantType.Int64,
    TagKind.BOOL: ua.VariantType.Boolean,
    TagKind.STRING: ua.VariantType.String,
}
PACKTAGS = {
    "State": "StateCurrent",
    "State Name": "StateCurrentName",
    "Mode": "UnitModeCurrent",
    "Processed": "ProdProcessedCount",
    "Processed Acc": "ProdProcessedAccCount",
    "Defective": "ProdDefectiveCount",
    "Defective Acc": "ProdDefectiveAccCount",
    "Stop Reason": "StopReasonId",
    "Stop Reason Text": "StopReasonMessage",
}
METHODS = (
    PackMLCommand.RESET,
    PackMLCommand.START,
    PackMLCommand.STOP,
    PackMLCommand.HOLD,
    PackMLCommand.UNHOLD,
    PackMLCommand.SUSPEND,
    PackMLCommand.UNSUSPEND,
    PackMLCommand.ABORT,
    PackMLCommand.CLEAR,
)
TWIN_NAMES = {"waffle": "EggWaffleMachine", "brewery": "BeerLine"}


def _status(code: int) -> ua.StatusCode:
    return ua.StatusCode(ua.UInt32(code))


def _variant(tag: Tag, value: TagValue) -> ua.Variant:
    if tag.kind is TagKind.DOUBLE:
        value = float(value)
    return ua.Variant(value, VARIANTS[tag.kind])


def stamped(variant: ua.Variant, source: datetime | None) -> ua.DataValue:
    """A value with its timestamps: ``source`` when the value arose, the server's now.

    OPC UA Part 4 7.11: a client asking for both (TimestampsToReturn.Both)
    gets both; reind's values always carry them (issue 14).
    """
    now = ua.DateTime.now(UTC)
    when = now if source is None else ua.DateTime.fromtimestamp(source.timestamp(), UTC)
    return ua.DataValue(variant, SourceTimestamp=when, ServerTimestamp=now)


class TwinOpcUaServer:
    """Serves one twin over OPC UA on ``port`` (loopback by default)."""

    def __init__(
        self,
        twin: Twin,
        lock: threading.Lock,
        port: int,
        *,
        security: OpcUaSecurity,
        host: str = "127.0.0.1",
    ) -> None:
        """Nothing listens until ``start()``; ``security`` is always chosen by the caller."""
        self.twin = twin
        self.lock = lock
        self.security = security
        self.host = host
        self.endpoint = f"opc.tcp://{host}:{port}/reind/{twin.kind}/"
        self.server = Server()
        self.ns = 0
        self.nodes: dict[str, Node] = {}
        self.pushed: dict[str, TagValue] = {}
        self.results: dict[str, Node] = {}
        self._syncing = False

    def _now(self) -> datetime:
        return self.twin.clock.now()

    def _stamped(self, tag: Tag, value: TagValue) -> ua.DataValue:
        """The tag's value as the twin holds it now (its clock is the source time)."""
        return stamped(_variant(tag, value), self._now())

    def _id(self, name: str) -> ua.NodeId:
        return ua.NodeId(ua.String(name), ua.Int16(self.ns))

    async def start(self) -> None:
        """Build the address space and start listening."""
        server = self.server
        await server.init()
        server.set_endpoint(self.endpoint)
        server.set_server_name(f"reind {self.twin.kind} twin")
        await secure(server, self.security, f"{APPLICATION_URI}:{self.twin.kind}", self.host)
        self.ns = await server.register_namespace(NAMESPACE)
        root = await server.nodes.objects.add_object(
            self._id(self.twin.kind),
            ua.QualifiedName(TWIN_NAMES.get(self.twin.kind, self.twin.kind), self.ns),
        )
        folders: dict[str, Node] = {"": root}
        with self.lock:
            tags = list(self.twin.tags)
            for prefix in self.twin.units:
                await self._add_methods(await self._folder(folders, f"{prefix}PackML"), prefix)
            for tag in tags:
                if tag.name.endswith("PackML/Command"):
                    continue  # commands are methods here
                await self._add_variable(folders, tag)
        await server.start()
        logger.info("OPC UA server for %s on %s", self.twin.kind, self.endpoint)

    async def stop(self) -> None:
        """Stop listening."""
        await self.server.stop()

    async def _folder(self, folders: dict[str, Node], path: str) -> Node:
        if path in folders:
            return folders[path]
        parent_path, _, name = path.rpartition("/")
        parent = await self._folder(folders, parent_path)
        node = await parent.add_object(
            self._id(f"{path}/"), ua.QualifiedName(name.replace(" ", ""), self.ns)
        )
        folders[path] = node
        return node

    async def _add_variable(self, folders: dict[str, Node], tag: Tag) -> None:
        path, _, name = tag.name.rpartition("/")
        if path.endswith("PackML"):
            name = PACKTAGS.get(name, name)
        parent = await self._folder(folders, path)
        node = await parent.add_variable(
            self._id(tag.name),
            ua.QualifiedName(name.replace(" ", ""), self.ns),
            _variant(tag, tag.value),
        )
        await self.server.write_attribute_value(node.nodeid, self._stamped(tag, tag.value))
        if tag.writable:
            await node.set_writable()
            self.server.set_attribute_value_setter(node.nodeid, self._setter(tag.name))
        self.nodes[tag.name] = node
        self.pushed[tag.name] = tag.value

    async def _add_methods(self, folder: Node, prefix: str) -> None:
        result = await folder.add_variable(
            self._id(f"{prefix}PackML/LastCommandResult"),
            ua.QualifiedName("LastCommandResult", self.ns),
            ua.Variant("", ua.VariantType.String),
        )
        self.results[prefix] = result
        for command in METHODS:
            await folder.add_method(
                self._id(f"{prefix}PackML/{command.label}"),
                ua.QualifiedName(command.label, self.ns),
                self._method(prefix, command),
                [],
                [],
            )

    def _method(self, prefix: str, command: PackMLCommand) -> Any:
        async def call(parent: ua.NodeId) -> ua.StatusCode:
            with self.lock:
                try:
                    state = self.twin.command(prefix, command)
                    message = f"{command.label} accepted: {state.label}"
                    status = _status(StatusCodes.Good)
                except ConflictError as error:
                    message = str(error)
                    status = _status(StatusCodes.BadInvalidState)
                    logger.warning("OPC UA %s refused: %s", command.label, error)
            result = stamped(ua.Variant(message, ua.VariantType.String), self.twin.clock.now())
            await self.server.write_attribute_value(self.results[prefix].nodeid, result)
            await self.sync()
            return status

        return call

    def _setter(self, name: str) -> Any:
        def setter(node: NodeData, attr: AttributeIds, value: ua.DataValue) -> None:
            attribute = node.attributes[attr]
            if not self._syncing:
                written = value.Value.Value if value.Value is not None else None
                with self.lock:
                    try:
                        if not isinstance(written, float | int | bool | str):
                            raise InvalidInputError(f"{name} needs a number, not {written!r}")
                        self.twin.write(name, written, who="opcua", why="OPC UA write")
                    except ReindError as error:
                        logger.warning("OPC UA write %s=%r refused: %s", name, written, error)
                        raise UaStatusCodeError(StatusCodes.BadOutOfRange) from error  # type: ignore[no-untyped-call]
                    self.pushed[name] = self.twin.tags.value(name)
                # the client's source time if it sent one, else the moment the twin took it
                value = stamped(value.Value or ua.Variant(), value.SourceTimestamp or self._now())
            attribute.value = value
            attribute.value_callback = None

        return setter

    async def sync(self) -> None:
        """Push every tag that changed since the last push."""
        with self.lock:
            tags = self.twin.tags
            changed = [
                (tags[name], tags[name].value)
                for name, last in self.pushed.items()
                if tags[name].value != last
            ]
            for tag, value in changed:
                self.pushed[tag.name] = value
        self._syncing = True
        try:
            for tag, value in changed:
                await self.server.write_attribute_value(
                    self.nodes[tag.name].nodeid, self._stamped(tag, value)
                )
        finally:
            self._syncing = False

    async def serve(self, stop: threading.Event, period: float = 0.2) -> None:
        """Start, push changes every ``period`` seconds until ``stop`` is set, then stop."""
        await self.start()
        try:
            while not stop.is_set():
                try:
                    await self.sync()
                except Exception:
                    logger.exception("OPC UA sync failed; carrying on")
                await asyncio.sleep(period)
        finally:
            await self.stop()
