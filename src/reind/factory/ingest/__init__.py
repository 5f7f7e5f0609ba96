"""Ingest: the Sparkplug B gateway and the telemetry stores behind it.

The gateway subscribes over MQTT, resolves points with the Sparkplug host
state machine, evaluates alarms and SPC in the receive path, and hands
points to a batching writer that commits to a :class:`TelemetryStore`
(DuckDB or PostgreSQL) and only then acknowledges the MQTT messages.
May import: ``reind.core`` (and sibling ``reind.factory`` packages).
"""

from reind.factory.ingest.gateway import Gateway, GatewayConfig
from reind.factory.ingest.points import (
    BirthRecord,
    DeadLetter,
    PointColumns,
    Rollup,
    TelemetryPoint,
)
from reind.factory.ingest.service import run_gateway
from reind.factory.ingest.store import TelemetryStore, open_store

__all__ = [
    "BirthRecord",
    "DeadLetter",
    "Gateway",
    "GatewayConfig",
    "PointColumns",
    "Rollup",
    "TelemetryPoint",
    "TelemetryStore",
    "open_store",
    "run_gateway",
]
