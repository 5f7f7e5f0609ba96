"""Online anomaly detection on telemetry with river: one more alarm source.

Why this shape: telemetry arrives by exception (a value is sent only when it
moves), so each watched series is *sampled and held* on a fixed cadence
(every ``sample_seconds`` of telemetry time) before it is scored. Each watch
keeps river's running mean and variance (``StandardAbsoluteDeviation``) of
its feature, the value itself or its rate of change, and scores ``z = |x − μ| /
max(σ, noise floor)``. Watches are *gated* on the context in which normal is
learnt (the unit in Execute, a fermenter fermenting): a stopped machine's
cold plate is not an anomaly. The model learns only from samples it finds
normal (so a slow fault is not learnt away), scores only after a warm-up,
and raises after ``persistence`` consecutive anomalous samples, which keeps
single spikes from paging anyone.

Alarms use the monitoring package's ISA-18.2 ``Alarm`` lifecycle (rule
``anomaly``) and are published on an ``AlarmStream``, so dashboards and the
store treat them like any other alarm (docs/decisions/0082).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from river.anomaly import StandardAbsoluteDeviation

from reind.factory.ingest.points import TelemetryPoint
from reind.factory.monitoring.events import AlarmEvent
from reind.factory.monitoring.lifecycle import Alarm
from reind.factory.monitoring.stream import AlarmStream

logger = logging.getLogger(__name__)

RULE = "anomaly"


@dataclass(frozen=True, slots=True)
class Watch:
    """One series to watch (its name after the twin's prefix) and how."""

    series: str
    noise_floor: float
    """Smallest σ used, in the series' units: changes below it are never anomalous."""
    gate_series: str | None = None
    """Score only while this series holds one of ``gate_values``."""
    gate_values: frozenset[float | str] = frozenset()
    rate_window_s: float = 0.0
    """0 scores the value; otherwise its rate of change per hour over this window."""
    threshold: float = 4.0
    persistence: int = 6


@dataclass(slots=True)
class _WatchState:
    watch: Watch
    model: StandardAbsoluteDeviation = field(default_factory=StandardAbsoluteDeviation)
    alarm: Alarm | None = None
    learnt: int = 0
    run: int = 0
    calm: int = 0
    history: deque[tuple[int, float]] = field(default_factory=deque)
    opened_ms: int | None = None


class AnomalyDetector:
    """Scores watched series on a fixed cadence and raises ``anomaly`` alarms."""

    def __init__(
        self,
        watches: Sequence[Watch],
        prefix: str,
        stream: AlarmStream | None = None,
        sample_seconds: float = 10.0,
        warmup_samples: int = 360,
    ) -> None:
        """Watch ``prefix + watch.series`` for each watch; publish alarms on ``stream``."""
        self.prefix = prefix
        self.stream = stream or AlarmStream()
        self.sample_ms = round(sample_seconds * 1000)
        self.warmup = warmup_samples
        self._states = [_WatchState(w) for w in watches]
        self._wanted = {prefix + w.series for w in watches} | {
            prefix + w.gate_series for w in watches if w.gate_series
        }
        self._held: dict[str, float | str] = {}
        self._next_ms: int | None = None
        self.raised: list[AlarmEvent] = []

    def observe(self, points: Iterable[TelemetryPoint]) -> list[AlarmEvent]:
        """Feed points in time order; return the alarm events they caused."""
        events: list[AlarmEvent] = []
        wanted, held = self._wanted, self._held
        for point in points:
            at = point.timestamp_ms
            if self._next_ms is None:
                self._next_ms = at - at % self.sample_ms + self.sample_ms
            while at >= self._next_ms:
                events.extend(self._sample(self._next_ms))
                self._next_ms += self.sample_ms
            if point.series in wanted:
                value = point.text if point.value is None else point.value
                if value is not None:
                    held[point.series] = value
        for event in events:
            self.stream.publish(event)
        return events

    def _feature(self, state: _WatchState, at_ms: int) -> float | None:
        watch = state.watch
        value = self._held.get(self.prefix + watch.series)
        if not isinstance(value, float):
            return None
        if not watch.rate_window_s:
            return value
        history = state.history
        window_ms = watch.rate_window_s * 1000
        if state.opened_ms is None:
            state.opened_ms = at_ms
        if at_ms - state.opened_ms < window_ms:
            return None  # let start-up transients (birth values, a filling tank) pass first
        history.append((at_ms, value))
        while history and at_ms - history[0][0] > window_ms:
            history.popleft()
        first_ms, first = history[0]
        if at_ms - first_ms < window_ms:
            return None
        return (value - first) * 3_600_000 / (at_ms - first_ms)

    def _gated_open(self, watch: Watch) -> bool:
        if watch.gate_series is None:
            return True
        return self._held.get(self.prefix + watch.gate_series) in watch.gate_values

    def _sample(self, at_ms: int) -> list[AlarmEvent]:
        events: list[AlarmEvent] = []
        for state in self._states:
            watch = state.watch
            if not self._gated_open(watch):
                state.history.clear()
                state.opened_ms = None
                state.run = 0
                continue
            x = self._feature(state, at_ms)
            if x is None:
                continue
            model = state.model
            if state.learnt < self.warmup:
                model.learn_one(None, x)  # type: ignore[no-untyped-call]  # river is untyped here
                state.learnt += 1
                continue
            sigma = max(model.variance.get() ** 0.5, watch.noise_floor)
            z = abs(x - (model.sub_stat.get() or 0.0)) / sigma
            if z > watch.threshold:
                state.run += 1
                state.calm = 0
            else:
                state.run = 0
                state.calm += 1
                model.learn_one(None, x)  # type: ignore[no-untyped-call]
            event = self._update_alarm(state, at_ms, x)
            if event is not None:
                events.append(event)
        return events

    def _update_alarm(self, state: _WatchState, at_ms: int, x: float) -> AlarmEvent | None:
        watch = state.watch
        if state.alarm is None:
            state.alarm = Alarm(self.prefix + watch.series, RULE, priority=4)  # advisory
        alarm = state.alarm
        if not alarm.active and state.run >= watch.persistence:
            event = alarm.condition(True, at_ms, x, at_ms)
            if event is not None:
                self.raised.append(event)
                logger.info("anomaly on %s at %d: %.3f", alarm.series, at_ms, x)
            return event
        if alarm.active and state.calm >= watch.persistence:
            return alarm.condition(False, at_ms, x, at_ms)
        return None
