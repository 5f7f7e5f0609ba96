"""Record a twin's telemetry as the gateway would store it, without MQTT.

Why: KPI cross-checks, anomaly evaluation and benchmarks need days of
realistic telemetry quickly. A twin's tag table already does report by
exception; this turns the birth snapshot and each step's changes into
``TelemetryPoint``s named like the gateway names Sparkplug metrics
(``<group>/<edge node>/<device>/<tag>``), stamped with the twin's clock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from reind.factory.ingest.points import TelemetryPoint
from reind.factory.twins.base import Twin
from reind.factory.twins.tags import TagValue


def series_prefix(twin: Twin, group: str = "reind") -> str:
    """``group/<kind>-1/<kind>/``, as ``reind twin run`` publishes a twin."""
    return f"{group}/{twin.kind}-1/{twin.kind}/"


def point(series: str, timestamp_ms: int, value: TagValue) -> TelemetryPoint:
    """A stored point for one tag value (booleans as 0/1, strings as text)."""
    if isinstance(value, str):
        return TelemetryPoint(series, timestamp_ms, None, value)
    return TelemetryPoint(series, timestamp_ms, float(value))


def birth(twin: Twin, prefix: str) -> list[TelemetryPoint]:
    """Every tag's current value, as a DBIRTH carries them; clears pending changes."""
    at = round(twin.clock.now().timestamp() * 1000)
    twin.tags.drain()
    return [point(prefix + name, at, value) for name, value in twin.tags.snapshot().items()]


Action = Callable[[Twin], object]


def record(
    twin: Twin,
    seconds: float,
    prefix: str,
    sink: Callable[[list[TelemetryPoint]], object],
    actions: Mapping[int, Sequence[Action]] | None = None,
    every: int = 3600,
) -> None:
    """Step ``twin`` for ``seconds`` and hand what it reports to ``sink`` in batches.

    ``actions[n]`` (commands, faults) run before step ``n``; what they change is
    reported at once, stamped with the moment they ran, as an edge node would.
    """
    batch: list[TelemetryPoint] = []
    steps = round(seconds / twin.dt)
    todo = actions or {}
    pending: dict[str, TagValue] = {}

    def emit() -> None:
        # one value per tag and moment: a command right after a step is the same moment
        if pending:
            at = round(twin.clock.now().timestamp() * 1000)
            batch.extend(point(prefix + name, at, value) for name, value in pending.items())
            pending.clear()

    for index in range(steps):
        for action in todo.get(index, ()):
            action(twin)
            pending.update(twin.tags.drain())
        emit()
        twin.step()
        pending.update(twin.tags.drain())
        if (index + 1) % every == 0:
            emit()
            if batch:
                sink(batch)
                batch = []
    emit()
    if batch:
        sink(batch)
