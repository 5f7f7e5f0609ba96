"""The edge node's metric catalogue, without a broker: aliases, report by exception, commands."""

from __future__ import annotations

import pytest

from reind.factory.sparkplug import DataType, SparkplugError
from reind.factory.sparkplug import sparkplug_b_pb2 as pb
from reind.factory.sparkplug.edge_metrics import MetricCatalogue


def _command(name: str | None, alias: int | None, datatype: DataType, value: int) -> object:
    metric = pb.Payload.Metric()
    if name is not None:
        metric.name = name
    if alias is not None:
        metric.alias = alias
    metric.datatype = int(datatype)
    metric.int_value = value
    return metric


def test_aliases_are_unique_across_the_node_and_its_devices() -> None:
    catalogue = MetricCatalogue()
    catalogue.define("speed", DataType.Int32, 0, 1, device_id="press")
    catalogue.define("speed", DataType.Int32, 0, 1, device_id="oven")
    catalogue.define("mode", DataType.String, "auto", 1)
    aliases = [m.alias or 0 for d in (None, "press", "oven") for m in catalogue.birth_metrics(d)]
    assert sorted(aliases) == [1, 2, 3]
    assert catalogue.devices == ["press", "oven"]


def test_bdseq_and_rebirth_are_reserved_for_the_node() -> None:
    catalogue = MetricCatalogue()
    with pytest.raises(SparkplugError):
        catalogue.define("bdSeq", DataType.Int64, 0, 1)
    with pytest.raises(SparkplugError):
        catalogue.define("Node Control/Rebirth", DataType.Boolean, False, 1)


def test_only_changed_values_are_reported_and_a_new_type_is_a_change() -> None:
    # tck-id-operational-behavior-edge-node-report-by-exception (RBE is the node's choice)
    catalogue = MetricCatalogue()
    catalogue.define("run", DataType.Boolean, True, 1)
    catalogue.define("count", DataType.Int64, 5, 1)
    assert catalogue.changes({"run": True, "count": 5}, None, 2) == []
    changed = catalogue.changes({"run": True, "count": 6}, None, 3)
    assert [(m.alias, m.value, m.timestamp) for m in changed] == [(2, 6, 3)]
    assert catalogue.birth_metrics(None)[1].value == 6  # a rebirth carries the latest value


def test_a_command_reaches_only_a_writable_metric_of_its_birth_datatype() -> None:
    seen: list[object] = []
    catalogue = MetricCatalogue()
    catalogue.define("setpoint", DataType.Int32, 10, 1, device_id="oven", on_write=seen.append)
    catalogue.define("actual", DataType.Int32, 10, 1, device_id="oven")
    assert catalogue.apply_writes("oven", [_command(None, 1, DataType.Int32, 20)]) == {
        "setpoint": 20
    }
    assert seen == [20]
    with pytest.raises(SparkplugError, match="not writable"):
        catalogue.apply_writes("oven", [_command("actual", None, DataType.Int32, 1)])
    with pytest.raises(SparkplugError, match="is a Int32"):
        catalogue.apply_writes("oven", [_command("setpoint", None, DataType.Int64, 1)])
    with pytest.raises(SparkplugError, match="unknown metric"):
        catalogue.apply_writes(None, [_command("setpoint", None, DataType.Int32, 1)])
