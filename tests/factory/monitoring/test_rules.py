"""Alarm rules: limits with deadband, rate of change, durations, stale data, combinations."""

from __future__ import annotations

import pytest

from reind.core.errors import InvalidInputError
from reind.factory.monitoring.engine import AlarmEngine
from reind.factory.monitoring.events import AlarmState
from reind.factory.monitoring.rules import (
    AlarmRule,
    Combination,
    LimitRule,
    RateOfChangeRule,
    RuleScope,
    StaleRule,
)


def active_after_each(rule: AlarmRule, samples: list[tuple[int, float]]) -> list[bool]:
    """The rule's condition after each (seconds, value) sample."""
    condition = rule.condition()
    return [condition.update(seconds * 1000, value) for seconds, value in samples]


def test_high_limit_fires_above_the_limit_only() -> None:
    rule = LimitRule("high", high=80.0)
    assert active_after_each(rule, [(0, 79.0), (1, 80.0), (2, 80.1), (3, 70.0)]) == [
        False, False, True, False,
    ]  # fmt: skip


def test_low_limit_fires_below_the_limit_only() -> None:
    rule = LimitRule("low", low=10.0)
    assert active_after_each(rule, [(0, 10.0), (1, 9.9), (2, 11.0)]) == [False, True, False]


def test_deadband_holds_a_limit_alarm_until_the_value_is_clear_of_it() -> None:
    rule = LimitRule("high", high=80.0, deadband=2.0)
    samples = [(0, 81.0), (1, 79.0), (2, 78.5), (3, 77.9), (4, 79.0)]
    assert active_after_each(rule, samples) == [True, True, True, False, False]


def test_low_limit_deadband_works_upward() -> None:
    rule = LimitRule("low", low=10.0, deadband=1.0)
    assert active_after_each(rule, [(0, 9.0), (1, 10.5), (2, 11.5)]) == [True, True, False]


def test_for_duration_waits_until_the_condition_has_held_long_enough() -> None:
    rule = LimitRule("high", high=80.0, for_seconds=5)
    samples = [(0, 90.0), (4, 90.0), (5, 90.0), (6, 70.0), (7, 90.0), (11, 90.0)]
    assert active_after_each(rule, samples) == [False, False, True, False, False, False]


def test_a_limit_rule_needs_a_limit() -> None:
    with pytest.raises(InvalidInputError):
        LimitRule("nothing")


def test_rate_of_change_fires_when_the_value_moves_too_fast() -> None:
    rule = RateOfChangeRule("ramp", max_per_second=2.0)
    samples = [(0, 10.0), (1, 12.0), (2, 15.0), (4, 17.0), (5, 10.0)]
    assert active_after_each(rule, samples) == [False, False, True, False, True]


def test_rate_of_change_for_duration_ignores_a_single_spike() -> None:
    rule = RateOfChangeRule("ramp", max_per_second=1.0, for_seconds=2)
    spike = [(0, 0.0), (1, 5.0), (2, 5.0)]
    assert active_after_each(rule, spike) == [False, False, False]
    ramp = [(0, 0.0), (1, 5.0), (2, 10.0), (3, 15.0)]
    assert active_after_each(rule, ramp) == [False, False, False, True]


def test_combination_all_needs_every_rule() -> None:
    rule = Combination(
        "hot and rising",
        "all",
        (LimitRule("hot", high=50.0), RateOfChangeRule("rising", max_per_second=1.0)),
    )
    samples = [(0, 60.0), (1, 60.5), (2, 63.0), (3, 40.0)]
    assert active_after_each(rule, samples) == [False, False, True, False]


def test_combination_any_needs_one_rule() -> None:
    rule = Combination("out of band", "any", (LimitRule("h", high=5.0), LimitRule("l", low=1.0)))
    assert active_after_each(rule, [(0, 3.0), (1, 6.0), (2, 0.0)]) == [False, True, True]


def test_stale_data_alarm_fires_when_a_series_goes_quiet_and_clears_on_fresh_data() -> None:
    now = [0]
    engine = AlarmEngine([StaleRule("stale", max_age_seconds=10)], clock=lambda: now[0])
    engine.evaluate("plant/oven/Temperature", 1_000, 20.0)
    assert engine.check_timers(now_ms=10_000) == []  # 9 s old: fine
    (raised,) = engine.check_timers(now_ms=11_001)
    assert raised.state is AlarmState.UNACKNOWLEDGED and raised.rule == "stale"
    (cleared,) = engine.evaluate("plant/oven/Temperature", 12_000, 20.0)
    assert cleared.state is AlarmState.RTN_UNACKNOWLEDGED
    assert engine.check_timers(now_ms=12_500) == []


def test_rules_apply_by_metric_name_and_by_device_type() -> None:
    engine = AlarmEngine(
        [
            LimitRule("hot", high=80.0, scope=RuleScope(metric="Temperature")),
            LimitRule("overfill", high=1.0, scope=RuleScope(device_type="filler")),
        ],
        device_types={"brewery/line1/filler1": "filler"},
    )
    assert engine.evaluate("brewery/line1/kettle/Temperature", 0, 90.0)[0].rule == "hot"
    assert engine.evaluate("brewery/line1/kettle/Pressure", 0, 90.0) == []
    assert engine.evaluate("brewery/line1/filler1/Level", 0, 2.0)[0].rule == "overfill"
    assert engine.evaluate("brewery/line1/filler2/Level", 0, 2.0) == []


def test_series_glob_scope() -> None:
    scope = RuleScope(series="waffle/*/iron?/Plate*")
    assert scope.matches("waffle/n1/iron1/PlateTemp", None)
    assert not scope.matches("waffle/n1/iron10/PlateTemp", None)
