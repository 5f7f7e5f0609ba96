"""The alarm engine: rules and SPC bound to series, evaluated point by point.

The engine finds the rules that apply to a series the first time it sees
it and caches them, so a series without rules costs one dict look-up per
point. Every lifecycle transition becomes an :class:`AlarmEvent` that is
published on the stream at once and kept for the store until drained.

The engine also watches every unit's ``PackML/State`` and suppresses, by
design, the alarms whose rule names that state (``suppression.py``): a
heat-up raises no nuisance alarm, and an alarm still active when its unit
leaves such a state annunciates then.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reind.core.errors import NotFoundError
from reind.factory.control.packml import PackMLState
from reind.factory.monitoring.events import SYSTEM, AlarmEvent, AlarmState
from reind.factory.monitoring.lifecycle import Alarm
from reind.factory.monitoring.rules import AlarmRule, Condition, RuleScope, StaleCondition
from reind.factory.monitoring.spc import ControlLimits, SpcMonitor, SpcRule
from reind.factory.monitoring.stream import AlarmStream
from reind.factory.monitoring.suppression import UnitStates, state_of, unit_of_state_series

ADVISORY = 4
"""ISA-18.2 priority of SPC signals: a process drifting, not yet out of its limits."""


def wall_clock_ms() -> int:
    """Milliseconds since the epoch, from the machine's clock."""
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, slots=True)
class SpcBinding:
    """SPC for the series in ``scope``: fixed limits or a baseline of N points."""

    scope: RuleScope
    rules: tuple[SpcRule, ...] = tuple(SpcRule)
    limits: ControlLimits | None = None
    baseline_points: int = 30


@dataclass(slots=True)
class _SeriesWatch:
    conditions: list[tuple[Condition, Alarm]] = field(default_factory=list)
    stale: list[tuple[StaleCondition, Alarm]] = field(default_factory=list)
    spc: _SpcWatch | None = None
    state_of_unit: str | None = None
    """The unit prefix whose PackML state this series reports, if it is a state series."""


@dataclass(slots=True)
class _SpcWatch:
    binding: SpcBinding
    alarms: dict[SpcRule, Alarm]
    baseline: list[float] = field(default_factory=list)
    monitor: SpcMonitor | None = None


class AlarmEngine:
    """Evaluates alarm rules and SPC on points; thread-safe."""

    def __init__(
        self,
        rules: Sequence[AlarmRule] = (),
        spc: Sequence[SpcBinding] = (),
        device_types: Mapping[str, str] | None = None,
        stream: AlarmStream | None = None,
        clock: Callable[[], int] = wall_clock_ms,
    ) -> None:
        self._rules = list(rules)
        self._spc = list(spc)
        self._device_types = dict(device_types or {})
        self.stream = stream or AlarmStream()
        self._clock = clock
        self._lock = threading.Lock()
        self._watches: dict[str, _SeriesWatch | None] = {}
        self._alarms: dict[str, Alarm] = {}
        self._pending: list[AlarmEvent] = []
        self._units = UnitStates()
        self._suppressible: dict[str, tuple[Alarm, frozenset[PackMLState]]] = {}
        self._by_state: set[str] = set()
        """Alarms the engine suppressed because of their unit's state (not a person)."""

    def _device_type(self, series: str) -> str | None:
        for prefix, kind in self._device_types.items():
            if series.startswith(prefix + "/"):
                return kind
        return None

    def _alarm(self, series: str, rule: str, priority: int = ADVISORY) -> Alarm:
        alarm = Alarm(series, rule, priority)
        self._alarms[alarm.alarm_id] = alarm
        return alarm

    def _watch(self, series: str) -> _SeriesWatch | None:
        kind = self._device_type(series)
        watch = _SeriesWatch()
        for rule in self._rules:
            if rule.scope.matches(series, kind):
                condition = rule.condition()
                pair = (condition, self._alarm(series, rule.name, rule.priority))
                if rule.suppressed_in:
                    self._suppressible[pair[1].alarm_id] = (pair[1], rule.suppressed_in)
                if isinstance(condition, StaleCondition):
                    watch.stale.append((condition, pair[1]))
                watch.conditions.append(pair)
        for binding in self._spc:
            if binding.scope.matches(series, kind):
                alarms = {r: self._alarm(series, r.value) for r in binding.rules}
                watch.spc = _SpcWatch(binding, alarms, monitor=_monitor(binding, []))
                break
        watch.state_of_unit = unit_of_state_series(series)
        if not watch.conditions and watch.spc is None and watch.state_of_unit is None:
            return None
        return watch

    def _settle(self, alarm: Alarm, states: frozenset[PackMLState], now: int) -> AlarmEvent | None:
        """Suppress ``alarm`` while its unit is in one of ``states``; restore it after."""
        state = self._units.state_for(alarm.series)
        if state is not None and state in states:
            if alarm.state in (AlarmState.SHELVED, AlarmState.SUPPRESSED):
                return None  # already hidden; a person's shelf is left alone
            if alarm.state is AlarmState.OUT_OF_SERVICE:
                return None
            self._by_state.add(alarm.alarm_id)
            return alarm.suppress(SYSTEM, now, f"suppressed by design: unit in {state.label}")
        if alarm.alarm_id not in self._by_state:
            return None
        self._by_state.discard(alarm.alarm_id)
        if alarm.state is not AlarmState.SUPPRESSED:
            return None
        left = "unit left the suppressing state" if state is None else f"unit in {state.label}"
        return alarm.restore(SYSTEM, now, left)

    def _on_unit_state(self, unit: str, value: float, now: int, out: list[AlarmEvent]) -> None:
        state = state_of(value)
        if state is None or not self._units.update(unit, state):
            return
        for alarm, states in self._suppressible.values():
            if alarm.series.startswith(unit):
                event = self._settle(alarm, states, now)
                if event is not None:
                    out.append(event)

    def evaluate(self, series: str, timestamp_ms: int, value: float) -> list[AlarmEvent]:
        """Evaluate one point; return (and publish) the transitions it caused."""
        watch = self._watches.get(series, False)
        if watch is None:
            return []
        with self._lock:
            events: list[AlarmEvent] = []
            now = self._clock()
            if watch is False:
                watch = self._watches[series] = self._watch(series)
                if watch is None:
                    return []
                for _condition, alarm in watch.conditions:
                    found = self._suppressible.get(alarm.alarm_id)
                    event = None if found is None else self._settle(alarm, found[1], now)
                    if event is not None:
                        events.append(event)
            assert isinstance(watch, _SeriesWatch)
            if watch.state_of_unit is not None:
                self._on_unit_state(watch.state_of_unit, value, now, events)
            for condition, alarm in watch.conditions:
                event = alarm.condition(
                    condition.update(timestamp_ms, value), now, value, timestamp_ms
                )
                if event is not None:
                    events.append(event)
            if watch.spc is not None:
                self._evaluate_spc(watch.spc, value, timestamp_ms, now, events)
            self._emit(events)
            return events

    def _evaluate_spc(
        self, spc: _SpcWatch, value: float, timestamp_ms: int, now: int, out: list[AlarmEvent]
    ) -> None:
        if spc.monitor is None:
            spc.baseline.append(value)
            spc.monitor = _monitor(spc.binding, spc.baseline)
            return
        broken = set(spc.monitor.update(value))
        for rule, alarm in spc.alarms.items():
            event = alarm.condition(rule in broken, now, value, timestamp_ms)
            if event is not None:
                out.append(event)

    def evaluate_many(self, points: Iterable[Sequence[Any]]) -> list[AlarmEvent]:
        """Evaluate ``(series, timestamp_ms, value, ...)`` points in order.

        Points whose value is None (text, null) are skipped.
        """
        events: list[AlarmEvent] = []
        watches = self._watches
        for point in points:
            value = point[2]
            if value is not None and watches.get(point[0], False) is not None:
                events.extend(self.evaluate(point[0], point[1], value))
        return events

    def evaluate_columns(
        self, series: Sequence[str], timestamps: Sequence[int], values: Sequence[float]
    ) -> list[AlarmEvent]:
        """Evaluate numeric points given as parallel columns (the gateway's hot path).

        A series without rules costs one dict look-up and no tuple per point.
        """
        events: list[AlarmEvent] = []
        watched = self._watches.get
        for index, name in enumerate(series):
            if watched(name, False) is not None:
                events.extend(self.evaluate(name, timestamps[index], values[index]))
        return events

    def watched(self, series: Sequence[str]) -> list[int]:
        """Indices of the series that have rules, SPC or a unit state, or are not seen yet.

        Rules are fixed once the engine is built, so a caller may keep the answer
        for series already seen (:meth:`evaluate` has met them).
        """
        watches = self._watches
        return [k for k, name in enumerate(series) if watches.get(name, False) is not None]

    def check_timers(self, now_ms: int | None = None) -> list[AlarmEvent]:
        """Raise stale-data alarms and expire shelves; call every second or so."""
        with self._lock:
            now = self._clock() if now_ms is None else now_ms
            events: list[AlarmEvent] = []
            for watch in self._watches.values():
                for condition, alarm in watch.stale if watch else ():
                    event = alarm.condition(condition.is_stale(now), now)
                    if event is not None:
                        events.append(event)
            for alarm in self._alarms.values():
                event = alarm.expire_shelf(now)
                if event is not None:
                    events.append(event)
            self._emit(events)
            return events

    def _emit(self, events: list[AlarmEvent]) -> None:
        if events:
            self._pending.extend(events)
            for event in events:
                self.stream.publish(event)

    def drain(self) -> list[AlarmEvent]:
        """Events not yet handed to the store; the caller stores them."""
        with self._lock:
            events, self._pending = self._pending, []
            return events

    def alarms(self) -> list[Alarm]:
        """Every alarm the engine has made so far."""
        with self._lock:
            return list(self._alarms.values())

    def get(self, alarm_id: str) -> Alarm:
        """The alarm with this id (``series|rule``)."""
        try:
            return self._alarms[alarm_id]
        except KeyError:
            raise NotFoundError(f"no alarm {alarm_id!r}", alarm=alarm_id) from None

    def act(self, alarm_id: str, action: Callable[[Alarm, int], AlarmEvent]) -> AlarmEvent:
        """Apply an operator action, e.g. ``lambda a, now: a.acknowledge("kit", now)``."""
        with self._lock:
            event = action(self.get(alarm_id), self._clock())
            self._emit([event])
            return event


def _monitor(binding: SpcBinding, baseline: list[float]) -> SpcMonitor | None:
    if binding.limits is not None:
        return SpcMonitor(binding.limits, binding.rules)
    if len(baseline) >= binding.baseline_points:
        return SpcMonitor(ControlLimits.from_baseline(baseline), binding.rules)
    return None
