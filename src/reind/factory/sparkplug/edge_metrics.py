"""An edge node's metric catalogue: definitions, aliases, report by exception, commands.

This is the part of an edge node that knows *what* it publishes, kept apart
from :mod:`reind.factory.sparkplug.edge`, which knows *when* (MQTT sessions,
bdSeq, the primary host, store and forward). It touches no network, so the
rules it holds (aliases handed out once, only changed values reported, a
command checked against the metric's BIRTH datatype and writability) are
tested without a broker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reind.factory.sparkplug.codec import Metric
from reind.factory.sparkplug.datatypes import DataType, to_datatype
from reind.factory.sparkplug.errors import SparkplugError
from reind.factory.sparkplug.nodes import BDSEQ, REBIRTH
from reind.factory.sparkplug.wire import metric_value

WriteHandler = Callable[[object], object]
"""Called with a commanded value; returns the value actually applied (None: as commanded)."""


@dataclass(slots=True)
class MetricDefinition:
    """One metric as declared: its alias for life, its latest value and when it was set."""

    name: str
    datatype: DataType
    alias: int
    value: object
    timestamp: int
    on_write: WriteHandler | None

    def birth_metric(self) -> Metric:
        """The metric as a BIRTH carries it: name, alias, datatype and current value."""
        return Metric(self.name, self.alias, self.datatype, self.value, self.timestamp)


class MetricCatalogue:
    """The metrics of one edge node (``None``) and its devices, by name and by alias."""

    def __init__(self) -> None:
        self._metrics: dict[str | None, dict[str, MetricDefinition]] = {None: {}}
        self._by_alias: dict[int, tuple[str | None, str]] = {}
        self._next_alias = 1

    def define(
        self,
        name: str,
        datatype: DataType,
        value: object,
        now: int,
        *,
        device_id: str | None = None,
        on_write: WriteHandler | None = None,
    ) -> None:
        """Declare a metric with the next free alias (``bdSeq`` and Rebirth are reserved)."""
        if name in (BDSEQ, REBIRTH) and device_id is None:
            raise SparkplugError(f"{name!r} is managed by the edge node itself")
        metrics = self._metrics.setdefault(device_id, {})
        if name in metrics:
            raise SparkplugError(f"metric {name!r} is already defined")
        alias = self._next_alias
        self._next_alias += 1
        metrics[name] = MetricDefinition(name, datatype, alias, value, now, on_write)
        self._by_alias[alias] = (device_id, name)

    @property
    def devices(self) -> list[str]:
        """The device ids defined on this node."""
        return [device for device in self._metrics if device is not None]

    def has(self, device_id: str | None) -> bool:
        """Whether ``device_id`` (None: the node itself) has metrics here."""
        return device_id in self._metrics

    def birth_metrics(self, device_id: str | None) -> tuple[Metric, ...]:
        """Every metric of the node or a device, as its BIRTH lists them."""
        return tuple(d.birth_metric() for d in self._metrics[device_id].values())

    def changes(
        self, values: Mapping[str, object], device_id: str | None, now: int
    ) -> list[Metric]:
        """Record ``values``; the DATA metrics of those that changed (report by exception).

        A value equal to the last one but of another type (``1`` after ``True``)
        counts as a change: the datatype decides how it is published.
        """
        metrics = self._metrics.get(device_id)
        if metrics is None:
            raise SparkplugError(f"no device {device_id!r} on this edge node")
        changed: list[Metric] = []
        for name, value in values.items():
            definition = metrics.get(name)
            if definition is None:
                raise SparkplugError(f"metric {name!r} was not defined before the BIRTH")
            if definition.value == value and type(definition.value) is type(value):
                continue
            definition.value, definition.timestamp = value, now
            changed.append(Metric(None, definition.alias, definition.datatype, value, now))
        return changed

    def name_of(self, alias: int | None) -> str:
        """The metric name an alias stands for ('' if unknown)."""
        if alias is None:
            return ""
        return self._by_alias.get(alias, (None, ""))[1]

    def apply_writes(self, device_id: str | None, metrics: Iterable[Any]) -> dict[str, object]:
        """Run the write handlers of an NCMD/DCMD's metrics; the values they applied.

        Each metric must name (or alias) a writable metric of that node or
        device and carry a value of its BIRTH datatype; anything else raises
        SparkplugError before any handler of a later metric runs.
        """
        writes: dict[str, object] = {}
        for metric in metrics:
            name = metric.name or self.name_of(metric.alias)
            definition = self._metrics.get(device_id, {}).get(name)
            if definition is None:
                raise SparkplugError(f"command for unknown metric {name or metric.alias!r}")
            if definition.on_write is None:
                raise SparkplugError(f"metric {name!r} is not writable")
            datatype = to_datatype(metric.datatype) if metric.datatype else definition.datatype
            if datatype != definition.datatype:
                raise SparkplugError(f"metric {name!r} is a {definition.datatype.name}")
            commanded = metric_value(metric, datatype)
            applied = definition.on_write(commanded)
            writes[name] = commanded if applied is None else applied
        return writes
