"""State-based suppression (ISA-18.2): a heat-up raises no nuisance alarm, an excursion
in production still does, and an alarm still active after the heat-up annunciates."""

from __future__ import annotations

from reind.factory.control.packml import PackMLCommand, PackMLState
from reind.factory.monitoring.engine import AlarmEngine
from reind.factory.monitoring.events import AlarmEvent, AlarmState
from reind.factory.monitoring.rules import LimitRule, RuleScope
from reind.factory.monitoring.suppression import AT_REST, HEAT_UP
from reind.factory.twins.clock import SimulatedClock
from reind.factory.twins.waffle import WaffleMachine
from reind.serve import demo_alarm_rules

UNIT = "reind/waffle-1/waffle/"
PLATE = UNIT + "Plate A/Temperature"


def cold_rule() -> LimitRule:
    return LimitRule(
        "plate too cold", low=150.0, scope=RuleScope(metric="Temperature"),
        suppressed_in=HEAT_UP,
    )  # fmt: skip


def state(engine: AlarmEngine, at: int, packml: PackMLState) -> list[AlarmEvent]:
    return engine.evaluate(UNIT + "PackML/State", at, float(packml))


def test_a_cold_plate_while_resetting_raises_no_alarm_but_does_in_execute() -> None:
    engine = AlarmEngine([cold_rule()], clock=lambda: 0)
    state(engine, 0, PackMLState.RESETTING)
    events = [e for t in range(1, 20) for e in engine.evaluate(PLATE, t, 25.0 + t * 5)]
    assert AlarmState.UNACKNOWLEDGED not in [e.state for e in events]
    assert engine.get(f"{PLATE}|plate too cold").state is AlarmState.SUPPRESSED
    engine.evaluate(PLATE, 20, 185.0)  # heated up
    restored = state(engine, 21, PackMLState.EXECUTE)
    assert [e.state for e in restored] == [AlarmState.NORMAL]
    (excursion,) = engine.evaluate(PLATE, 22, 120.0)
    assert excursion.state is AlarmState.UNACKNOWLEDGED


def test_an_alarm_still_active_when_the_heat_up_ends_annunciates_then() -> None:
    engine = AlarmEngine([cold_rule()], clock=lambda: 0)
    state(engine, 0, PackMLState.STARTING)
    engine.evaluate(PLATE, 1, 60.0)
    (event,) = state(engine, 2, PackMLState.EXECUTE)
    assert event.state is AlarmState.UNACKNOWLEDGED and "Execute" in event.note


def test_a_series_under_no_unit_and_a_persons_shelf_are_left_alone() -> None:
    engine = AlarmEngine([cold_rule()], clock=lambda: 0)
    (tank,) = engine.evaluate("reind/brewery-1/brewery/FV1/Temperature", 0, 10.0)
    assert tank.state is AlarmState.UNACKNOWLEDGED  # no unit publishes a state over FV1
    state(engine, 0, PackMLState.EXECUTE)
    engine.evaluate(PLATE, 1, 100.0)
    engine.act(f"{PLATE}|plate too cold", lambda a, now: a.shelve("kit", now, now + 60_000))
    state(engine, 2, PackMLState.RESETTING)
    state(engine, 3, PackMLState.EXECUTE)
    assert engine.get(f"{PLATE}|plate too cold").state is AlarmState.SHELVED


def test_a_unit_state_picks_the_longest_unit_prefix() -> None:
    engine = AlarmEngine([cold_rule()], clock=lambda: 0)
    line = "reind/brewery-1/brewery/"
    engine.evaluate(line + "Brewhouse/PackML/State", 0, float(PackMLState.EXECUTE))
    engine.evaluate(line + "PackML/State", 0, float(PackMLState.RESETTING))
    (event,) = engine.evaluate(line + "Brewhouse/Temperature", 1, 20.0)
    assert event.state is AlarmState.UNACKNOWLEDGED  # its own unit executes


def unit_state(machine: WaffleMachine) -> PackMLState:
    """The machine's state now (a call, so mypy does not narrow it across steps)."""
    return machine.machine.state


def run_waffle(seconds: int, engine: AlarmEngine, machine: WaffleMachine) -> list[AlarmEvent]:
    """Step the real twin and feed every numeric tag to the engine, as the gateway does."""
    events = []
    for _ in range(seconds):
        machine.step()
        now = int(machine.clock.now().timestamp() * 1000)
        for name, value in machine.tags.snapshot().items():
            if isinstance(value, bool | int | float):
                events.extend(engine.evaluate(UNIT + name, now, float(value)))
    return events


def test_a_waffle_heat_up_raises_no_nuisance_alarm_and_a_failing_heater_in_execute_does() -> None:
    clock = SimulatedClock()
    machine = WaffleMachine(clock, 7)
    engine = AlarmEngine(demo_alarm_rules(), clock=lambda: int(clock.now().timestamp() * 1000))
    assert unit_state(machine) is PackMLState.STOPPED and machine.plate_a.measured < 30
    machine.command("", PackMLCommand.RESET)  # plates from 25 °C to 185 °C, heaters flat out
    heat_up = run_waffle(400, engine, machine)
    assert unit_state(machine) is PackMLState.IDLE
    machine.command("", PackMLCommand.START)
    heat_up += run_waffle(300, engine, machine)
    assert unit_state(machine) is PackMLState.EXECUTE
    assert [e.alarm for e in heat_up if e.state is AlarmState.UNACKNOWLEDGED] == []
    assert any(e.state is AlarmState.SUPPRESSED for e in heat_up)  # recorded, not annunciated
    machine.inject_fault("heater_degradation", plate=0, health=0.05)
    excursion = run_waffle(600, engine, machine)
    raised = {e.rule for e in excursion if e.state is AlarmState.UNACKNOWLEDGED}
    assert "plate too cold" in raised
    assert AT_REST.isdisjoint({unit_state(machine)})
