"""Online anomaly detection (river) as an alarm source."""

from __future__ import annotations

from reind.factory.ingest.points import TelemetryPoint
from reind.factory.kpi.anomaly import RULE, AnomalyDetector, Watch
from reind.factory.monitoring.events import AlarmEvent, AlarmState
from reind.factory.monitoring.stream import AlarmStream

PREFIX = "reind/test-1/test/"


def series(values: list[float], state: float = 6.0) -> list[TelemetryPoint]:
    points = [TelemetryPoint(PREFIX + "PackML/State", 0, state)]
    points += [TelemetryPoint(PREFIX + "T", (i + 1) * 10_000, v) for i, v in enumerate(values)]
    return points


def detector(stream: AlarmStream | None = None) -> AnomalyDetector:
    watch = Watch("T", 0.5, "PackML/State", frozenset({6.0}), persistence=3)
    return AnomalyDetector([watch], PREFIX, stream, sample_seconds=10, warmup_samples=50)


def normal(n: int) -> list[float]:
    return [100.0 + (0.3 if i % 2 else -0.3) for i in range(n)]


def test_a_lasting_shift_raises_an_anomaly_alarm_on_the_stream() -> None:
    stream = AlarmStream()
    heard: list[AlarmEvent] = []
    stream.add_listener(heard.append)
    events = detector(stream).observe(series(normal(100) + [110.0] * 10))
    assert [e.state for e in events] == [AlarmState.UNACKNOWLEDGED]
    assert heard == events
    assert events[0].rule == RULE and events[0].series == PREFIX + "T"


def test_a_single_spike_does_not_raise_and_the_alarm_clears_when_values_return() -> None:
    assert detector().observe(series(normal(100) + [110.0] + normal(20))) == []
    events = detector().observe(series(normal(100) + [110.0] * 5 + normal(20)))
    assert [e.state for e in events] == [AlarmState.UNACKNOWLEDGED, AlarmState.RTN_UNACKNOWLEDGED]


def test_nothing_is_scored_while_the_gate_is_closed() -> None:
    stopped = series(normal(100) + [40.0] * 20, state=2.0)  # a cold, stopped machine
    assert detector().observe(stopped) == []
