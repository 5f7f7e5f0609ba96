"""How well the anomaly detector does on the twins' injected faults.

Each fault scenario runs a fresh, seeded twin into steady production,
injects one fault and watches for a while; the fault is *caught* if an
anomaly alarm is raised after the injection. Alarms raised before the
injection, and every alarm on a fault-free run of the same length, are
*false alarms*. The figures are printed by ``bench/kpi.py`` and asserted
by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from reind.factory.control.packml import PackMLCommand, PackMLState
from reind.factory.evaluation.replay import record, series_prefix
from reind.factory.kpi.anomaly import AnomalyDetector, Watch
from reind.factory.twins.base import Twin
from reind.factory.twins.brewery import BeerLine
from reind.factory.twins.clock import SimulatedClock
from reind.factory.twins.waffle import WaffleMachine

S = PackMLState
START = datetime(2026, 3, 2, tzinfo=UTC)
HOUR = 3600

_RUNNING = frozenset(float(s) for s in (S.EXECUTE,))
_PRODUCING = frozenset(
    float(s)
    for s in (
        S.EXECUTE,
        S.HOLDING,
        S.HELD,
        S.UNHOLDING,
        S.SUSPENDING,
        S.SUSPENDED,
        S.UNSUSPENDING,
    )
)
_FERMENTING = frozenset({"fermenting"})


def waffle_watches() -> list[Watch]:
    """Plates, heaters, batter, flipper and output of the waffle machine."""
    state = "PackML/State"
    watches = [
        Watch(f"Plate {p}/{tag}", floor, state, _RUNNING)
        for p in ("A", "B")
        for tag, floor in (("Heater Output", 4.0), ("Temperature", 1.5))
    ]
    watches += [
        Watch("Batter/Tank Level", 1.0, state, _PRODUCING),
        Watch("Flipper/Busy Seconds", 2.0, state, _PRODUCING),
        Watch("PackML/Processed Acc", 8.0, state, _PRODUCING, rate_window_s=1800),
        Watch("PackML/Defective Acc", 2.0, state, _PRODUCING, rate_window_s=1800),
    ]
    return watches


def beer_watches() -> list[Watch]:
    """Glycol, fermenters and the bottling line's output of the beer line."""
    watches = [Watch("Glycol/Supply Temperature", 0.3)]
    for n in range(1, 7):
        tank = f"FV{n}"
        watches.append(Watch(f"{tank}/Temperature", 0.3, f"{tank}/State", _FERMENTING))
        watches.append(Watch(f"{tank}/Glycol Valve", 5.0, f"{tank}/State", _FERMENTING))
        watches.append(
            Watch(
                f"{tank}/Gravity",
                0.0001,
                f"{tank}/State",
                _FERMENTING,
                rate_window_s=3 * HOUR,
            )
        )
    watches.append(
        Watch(
            "Bottling/PackML/Processed Acc",
            300.0,
            "Bottling/PackML/State",
            _PRODUCING,
            rate_window_s=900,
        )
    )
    return watches


@dataclass(frozen=True, slots=True)
class Scenario:
    """One run: a twin, an optional fault injected after ``warm_hours``."""

    twin_kind: str
    fault: str | None
    warm_hours: float
    watch_hours: float
    params: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the detector did in one scenario."""

    scenario: Scenario
    alarms_after_fault: int
    false_alarms: int

    @property
    def caught(self) -> bool:
        """At least one anomaly alarm after the fault was injected."""
        return self.scenario.fault is not None and self.alarms_after_fault > 0


def _twin(kind: str, seed: int) -> Twin:
    clock = SimulatedClock(START)
    if kind == "waffle":
        waffle = WaffleMachine(clock, seed=seed)
        waffle.command("", PackMLCommand.RESET)
        waffle.run(1200)
        waffle.command("", PackMLCommand.START)
        return waffle
    return BeerLine(clock, seed=seed)


def run_scenario(scenario: Scenario, seed: int = 3) -> Outcome:
    """Run one scenario and count the alarms before and after the fault."""
    twin = _twin(scenario.twin_kind, seed)
    prefix = series_prefix(twin)
    watches = waffle_watches() if scenario.twin_kind == "waffle" else beer_watches()
    detector = AnomalyDetector(watches, prefix)
    fault_at = round(scenario.warm_hours * HOUR)
    actions = {}
    if scenario.fault is not None:
        fault, params = scenario.fault, dict(scenario.params)
        actions[fault_at] = [lambda t: t.inject_fault(fault, **params)]
    fault_ms = round((twin.clock.now().timestamp() + fault_at) * 1000)
    seconds = (scenario.warm_hours + scenario.watch_hours) * HOUR
    record(twin, seconds, prefix, detector.observe, actions, every=600)
    before = sum(1 for e in detector.raised if e.at_ms < fault_ms)
    after = len(detector.raised) - before
    if scenario.fault is None:
        return Outcome(scenario, 0, len(detector.raised))
    return Outcome(scenario, after, before)


WAFFLE_FAULTS = ("heater_degradation", "thermocouple_drift", "jammed_flipper", "batter_shortage")
BEER_FAULTS = (
    "stuck_fermentation",
    "glycol_chiller_failure",
    "filler_jam",
    "labeller_out_of_labels",
)


def evaluate(seed: int = 3) -> list[Outcome]:
    """Every fault of both twins, plus a fault-free day of each."""
    scenarios = [Scenario("waffle", f, 4.0, 6.0) for f in WAFFLE_FAULTS]
    scenarios.append(Scenario("waffle", None, 24.0, 0.0))
    # the most active fermenter sticks (one near its end would barely change)
    scenarios += [
        Scenario("brewery", f, 8.0, 12.0, (("tank", 3.0),) if f == "stuck_fermentation" else ())
        for f in BEER_FAULTS
    ]
    scenarios.append(Scenario("brewery", None, 24.0, 0.0))
    return [run_scenario(s, seed) for s in scenarios]
