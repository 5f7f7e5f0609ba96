"""Online anomaly detection (river) as an alarm source, evaluated on the twins' faults."""

from __future__ import annotations

from reind.factory.ingest.points import TelemetryPoint
from reind.factory.kpi.anomaly import RULE, AnomalyDetector, Watch
from reind.factory.kpi.anomaly_eval import evaluate
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


def test_injected_faults_are_caught_with_no_false_alarms_on_fault_free_days() -> None:
    outcomes = evaluate()
    faulted = [o for o in outcomes if o.scenario.fault is not None]
    caught = {o.scenario.fault for o in faulted if o.caught}
    false_alarms = sum(o.false_alarms for o in outcomes)
    assert len(faulted) == 8
    # measured: every fault but a stuck fermentation (a days-long, slow signal) is caught
    assert len(caught) >= 7, caught
    assert {"heater_degradation", "jammed_flipper", "glycol_chiller_failure"} <= caught
    assert false_alarms == 0
