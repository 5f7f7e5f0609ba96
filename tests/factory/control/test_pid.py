"""PID plate heat control: settles, barely overshoots, recovers after each dose."""

from __future__ import annotations

from reind.factory.control.pid import PIDLoop, Tuning
from reind.factory.twins.thermal import BatterLoad, HeatedPlate
from reind.factory.twins.waffle.recipe import PLATE_TUNING


def settled_loop(setpoint: float) -> tuple[HeatedPlate, PIDLoop]:
    plate = HeatedPlate("plate", temperature=setpoint, measured=setpoint)
    loop = PIDLoop("plate", plate, PLATE_TUNING, setpoint=setpoint)
    for _ in range(1800):
        loop.update(1.0)
        plate.step(1.0)
    return plate, loop


def test_a_setpoint_step_settles_within_two_degrees_with_under_five_percent_overshoot() -> None:
    plate, loop = settled_loop(170.0)
    loop.set_setpoint(190.0)
    peak = plate.temperature
    trace = []
    for _ in range(600):
        loop.update(1.0)
        plate.step(1.0)
        peak = max(peak, plate.temperature)
        trace.append(plate.temperature)
    overshoot = (peak - 190.0) / (190.0 - 170.0)
    assert overshoot < 0.05
    assert all(abs(t - 190.0) <= 2.0 for t in trace[-300:])


def test_warm_up_from_cold_on_a_ramp_does_not_overshoot() -> None:
    plate = HeatedPlate("plate")
    loop = PIDLoop("plate", plate, PLATE_TUNING, setpoint=25.0, ramp_rate=0.5)
    loop.set_setpoint(185.0)
    peak = 0.0
    for _ in range(1200):
        loop.update(1.0)
        plate.step(1.0)
        peak = max(peak, plate.temperature)
    assert peak - 185.0 < 0.05 * (185.0 - 25.0)
    assert abs(plate.temperature - 185.0) <= 2.0


def test_the_plate_recovers_after_each_cold_dose() -> None:
    plate, loop = settled_loop(185.0)
    for _dose in range(5):
        batter = BatterLoad(mass=0.055, water=0.012)
        dips = []
        for _ in range(80):
            loop.update(1.0)
            plate.step(1.0, batter.heat_flow(plate.temperature, 1.0))
            dips.append(plate.temperature)
        assert min(dips) < 184.0  # the dose is felt
        assert abs(plate.temperature - 185.0) <= 2.0  # and recovered before the next one


def test_output_limits_stop_integral_windup() -> None:
    plate = HeatedPlate("plate", heater_health=0.2)  # cannot reach the setpoint
    loop = PIDLoop("plate", plate, PLATE_TUNING, setpoint=185.0)
    for _ in range(3000):
        loop.update(1.0)
        plate.step(1.0)
    assert loop.output == 100.0
    plate.heater_health = 1.0
    loop.set_setpoint(plate.temperature - 10)  # below the PV now: must back off at once
    loop.update(1.0)
    assert loop.output < 100.0


def test_manual_holds_the_output_and_auto_takes_over_without_a_bump() -> None:
    plate, loop = settled_loop(180.0)
    loop.set_manual(35.0)
    for _ in range(10):
        assert loop.update(1.0) == 35.0
        plate.step(1.0)
    assert not loop.auto
    loop.set_auto()
    error = loop.setpoint - plate.read_pv()
    first = loop.update(1.0)
    # the integral restarts from the manual output: only the proportional action moves it
    assert abs(first - (35.0 + PLATE_TUNING.kp * error)) < 1.0


def test_a_ramped_setpoint_walks_at_the_ramp_rate() -> None:
    plate, _ = settled_loop(100.0)
    loop = PIDLoop("plate", plate, Tuning(6.0, 0.02), setpoint=100.0, ramp_rate=2.0)
    loop.set_setpoint(120.0)
    for _ in range(5):
        loop.update(1.0)
    assert loop.setpoint == 110.0
    assert loop.target_setpoint == 120.0
