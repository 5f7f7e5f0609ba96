"""The egg-waffle twin: production, recipe changes mid-batch, faults as an operator sees them."""

from __future__ import annotations

import pytest

from reind.core.errors import ConflictError, InvalidInputError, NotFoundError
from reind.factory.control.packml import PackMLCommand, PackMLState
from reind.factory.twins.clock import SimulatedClock
from reind.factory.twins.waffle import WaffleMachine
from tests.factory.twins.conftest import Telemetry, producing_waffle_machine

HOUR = 3600


def state(machine: WaffleMachine) -> PackMLState:
    """The machine's PackML state (a call, so mypy does not narrow it between steps)."""
    return machine.machine.state


def test_reset_warms_both_plates_to_setpoint_before_idle() -> None:
    machine = WaffleMachine(SimulatedClock(), seed=1)
    machine.command("", PackMLCommand.RESET)
    machine.run(30)
    assert state(machine) is PackMLState.RESETTING
    machine.run(600)
    assert state(machine) is PackMLState.IDLE
    assert abs(machine.plate_a.temperature - 185) < 3
    assert abs(machine.plate_b.temperature - 185) < 3


def test_an_hour_at_default_settings_makes_mostly_good_waffles(waffle: WaffleMachine) -> None:
    waffle.run(2 * HOUR)
    processed = waffle.machine.processed.count
    assert processed > 60
    assert waffle.machine.defective.count <= processed * 0.05
    assert waffle.packs == waffle.good // 2


def test_plates_recover_to_setpoint_between_doses(waffle: WaffleMachine) -> None:
    waffle.run(HOUR)
    lows = []
    for _ in range(20 * 90):
        waffle.step()
        if waffle.stations.a_phase == "waiting":  # end of the first side, just before the flip
            lows.append(abs(waffle.plate_a.temperature - 185))
    assert lows and max(lows) <= 2.0


def test_a_phase_changed_mid_batch_changes_the_product_and_is_recorded(
    waffle: WaffleMachine,
) -> None:
    waffle.run(HOUR)
    assert waffle.defect_counts.get("over_baked", 0) == 0
    waffle.write("Recipe/baking_side_a/bake_time", 150, who="operator-3", why="darker crust trial")
    waffle.run(HOUR)
    assert waffle.defect_counts["over_baked"] > 10
    record = waffle.record
    used = {run.parameters["bake_time"] for run in record.runs_of("baking_side_a")}
    assert used == {75.0, 150.0}
    (adjustment,) = record.adjustments
    assert (adjustment.old, adjustment.new, adjustment.who) == (75.0, 150.0, "operator-3")
    assert waffle.tags.value("Recipe/baking_side_a/bake_time") == 150.0
    assert waffle.recipe.value("baking_side_b", "bake_time") == 70.0  # the other side untouched


def test_a_plate_setpoint_write_moves_the_pid_and_the_plate(waffle: WaffleMachine) -> None:
    waffle.write("Recipe/baking_side_b/plate_setpoint", 200, who="op", why="")
    waffle.run(300)
    assert waffle.loop_b.target_setpoint == 200
    assert abs(waffle.plate_b.temperature - 200) < 3
    assert abs(waffle.plate_a.temperature - 185) < 3


def test_writes_outside_limits_or_to_sensors_are_refused(waffle: WaffleMachine) -> None:
    with pytest.raises(InvalidInputError, match="outside the limits"):
        waffle.write("Recipe/dosing/dose_volume", 300, who="op")
    with pytest.raises(InvalidInputError, match="read-only"):
        waffle.write("Plate A/Temperature", 20.0)
    with pytest.raises(NotFoundError):
        waffle.write("Recipe/dosing/no_such_thing", 1)


def test_packml_commands_arrive_as_tag_writes_by_name_or_number(waffle: WaffleMachine) -> None:
    waffle.write("PackML/Command", "Hold")
    waffle.run(200)
    assert state(waffle) is PackMLState.HELD
    with pytest.raises(ConflictError, match="Start"):
        waffle.write("PackML/Command", int(PackMLCommand.START))
    waffle.write("PackML/Command", 5)  # Unhold
    waffle.run(5)
    assert state(waffle) is PackMLState.EXECUTE


def test_an_order_quantity_ends_in_complete_with_a_closed_batch_record() -> None:
    machine = WaffleMachine(SimulatedClock(), seed=2, order_quantity=5)
    machine.command("", PackMLCommand.RESET)
    machine.run(900)
    machine.command("", PackMLCommand.START)
    machine.run(HOUR)
    assert state(machine) is PackMLState.COMPLETE
    assert machine.record.ended_at is not None
    assert machine.dosed == 5
    machine.command("", PackMLCommand.RESET)
    assert machine.recipe.batch_id.endswith("-002")


def test_heater_degradation_shows_as_saturation_deviation_and_under_baking(
    waffle: WaffleMachine, telemetry: Telemetry
) -> None:
    waffle.inject_fault("heater_degradation", plate=0, health=0.3)
    telemetry.run(waffle, HOUR)
    assert telemetry.seen("Alarm/Heater A Saturated", True)
    assert telemetry.seen("Alarm/Plate A Temperature Deviation", True)
    assert int(telemetry.last("Quality/Under-baked")) > 5
    assert not telemetry.seen("Alarm/Heater B Saturated", True)


def test_thermocouple_drift_hides_in_the_reading_but_shows_in_heater_output_and_burning(
    waffle: WaffleMachine, telemetry: Telemetry
) -> None:
    telemetry.run(waffle, 600)
    baseline = waffle.plate_a.heater_output
    waffle.inject_fault("thermocouple_drift", plate=0, offset=-20, over=300)
    telemetry.run(waffle, HOUR)
    reading = float(telemetry.last("Plate A/Temperature"))
    assert abs(reading - 185) < 3  # the display looks fine...
    assert (
        float(telemetry.last("Plate A/Heater Output")) > baseline + 5
    )  # ...the heater works harder
    assert int(telemetry.last("Quality/Over-baked")) > 5  # ...and the product burns


def test_jammed_flipper_holds_the_machine_with_a_stop_reason_until_cleared(
    waffle: WaffleMachine, telemetry: Telemetry
) -> None:
    waffle.inject_fault("jammed_flipper")
    telemetry.run(waffle, 600)
    assert telemetry.last("PackML/State") == int(PackMLState.HELD)
    assert telemetry.last("PackML/Stop Reason Text") == "Flipper jammed"
    assert telemetry.seen("Alarm/Flipper Jammed", True)
    with pytest.raises(ConflictError, match="jammed"):
        waffle.command("", PackMLCommand.UNHOLD)
    waffle.clear_fault("jammed_flipper")
    waffle.command("", PackMLCommand.UNHOLD)
    telemetry.run(waffle, 600)
    assert telemetry.last("PackML/State") == int(PackMLState.EXECUTE)
    assert int(telemetry.last("Quality/Over-baked")) >= 1  # the stuck waffle was scrapped


def test_batter_shortage_empties_the_tank_short_fills_and_suspends(
    waffle: WaffleMachine, telemetry: Telemetry
) -> None:
    waffle.inject_fault("batter_shortage")
    telemetry.run(waffle, 8 * HOUR)
    assert int(telemetry.last("Quality/Incomplete fill")) >= 1  # the last dose came short
    assert telemetry.seen("Alarm/Batter Low", True)
    assert telemetry.last("PackML/State") == int(PackMLState.SUSPENDED)
    assert "Starved" in str(telemetry.last("PackML/Stop Reason Text"))
    waffle.clear_fault("batter_shortage")
    telemetry.run(waffle, 900)
    assert telemetry.last("PackML/State") == int(PackMLState.EXECUTE)


def test_unknown_or_repeated_faults_are_refused(waffle: WaffleMachine) -> None:
    with pytest.raises(NotFoundError, match="batter_shortage"):
        waffle.inject_fault("gremlins")
    waffle.inject_fault("jammed_flipper")
    with pytest.raises(ConflictError):
        waffle.inject_fault("jammed_flipper")


def test_the_same_seed_gives_the_same_day_and_another_seed_does_not() -> None:
    first, second, other = (producing_waffle_machine(seed) for seed in (11, 11, 12))
    for machine in (first, second, other):
        machine.write("Recipe/flipping/flip_duration", 2.5, who="op")
        machine.run(2 * HOUR)
    assert first.tags.snapshot() == second.tags.snapshot()
    assert first.tags.snapshot() != other.tags.snapshot()


def test_the_unit_mode_changes_by_tag_write_only_where_packml_allows(
    waffle: WaffleMachine,
) -> None:
    with pytest.raises(ConflictError, match="Execute"):
        waffle.write("PackML/Unit Mode Command", 2)
    waffle.command("", PackMLCommand.STOP)
    waffle.run(300)
    waffle.write("PackML/Unit Mode Command", 2)
    assert waffle.tags.value("PackML/Mode") == 2
    with pytest.raises(InvalidInputError):
        waffle.write("PackML/Unit Mode Command", 9)
