"""Publish a twin through the Sparkplug edge-node library, and take DCMD writes back.

Every tag becomes a metric of one Sparkplug device (the twin), so the
DBIRTH lists all of them; the tag table's report by exception decides what
goes into each DDATA. Recipe parameters and the PackML command tags are
writable: a DCMD reaches ``Twin.write`` under the runner's lock, and what
the twin actually holds afterwards is reported back (a refused write
reports the unchanged value, and the reason is logged).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from reind.core.errors import ReindError
from reind.factory.sparkplug import DataType, EdgeNode
from reind.factory.twins.base import Twin
from reind.factory.twins.tags import Tag, TagKind, TagValue

logger = logging.getLogger(__name__)

DATATYPES = {
    TagKind.DOUBLE: DataType.Double,
    TagKind.INT: DataType.Int64,
    TagKind.BOOL: DataType.Boolean,
    TagKind.STRING: DataType.String,
}


def metric_value(tag: Tag, value: TagValue) -> TagValue:
    """The value as the metric's datatype wants it (recipe defaults may be ints)."""
    if tag.kind is TagKind.DOUBLE and not isinstance(value, bool):
        return float(value)
    return value


class SparkplugLink:
    """Binds one twin to one edge node as device ``device_id``."""

    def __init__(
        self, twin: Twin, edge: EdgeNode, lock: threading.Lock, device_id: str | None = None
    ) -> None:
        """Define every tag as a metric; call before ``edge.start()``."""
        self.twin = twin
        self.edge = edge
        self.lock = lock
        self.device_id = device_id or twin.kind
        self.writes = 0
        self.refused = 0
        with lock:
            for tag in twin.tags:
                edge.define_metric(
                    tag.name,
                    DATATYPES[tag.kind],
                    metric_value(tag, tag.value),
                    device_id=self.device_id,
                    on_write=self._writer(tag.name) if tag.writable else None,
                )
            twin.tags.drain()  # the birth carries the current values

    def _writer(self, name: str) -> Callable[[object], object]:
        def write(value: object) -> object:
            with self.lock:
                try:
                    if not isinstance(value, float | int | bool | str):
                        raise ReindError(f"unsupported value {value!r}")
                    self.twin.write(name, value, who="sparkplug", why="DCMD")
                    self.writes += 1
                except ReindError as error:
                    self.refused += 1
                    logger.warning("DCMD %s=%r refused: %s", name, value, error)
                tag = self.twin.tags[name]
                return metric_value(tag, tag.value)

        return write

    def publish(self) -> int:
        """Send what changed since the last call; returns how many values."""
        with self.lock:
            changes = self.twin.tags.drain()
            tags = self.twin.tags
            values = {name: metric_value(tags[name], v) for name, v in changes.items()}
        if values:
            self.edge.update(values, self.device_id)
        return len(values)
