"""Each Western Electric and Nelson rule fires on its pattern and not on a near miss.

Series are written in sigma units around a centre of 0 (sigma 1), so a value
of 2.5 is a point 2.5 sigma above the centre line.
"""

from __future__ import annotations

import pytest

from reind.core.errors import InvalidInputError
from reind.factory.monitoring.spc import NELSON, WESTERN_ELECTRIC, ControlLimits, SpcMonitor
from reind.factory.monitoring.spc import SpcRule as R

LIMITS = ControlLimits(centre=0.0, sigma=1.0)


def firing_points(rule: R, series: list[float]) -> list[int]:
    """Indices of the points at which ``rule`` reports a violation."""
    monitor = SpcMonitor(LIMITS, [rule])
    return [i for i, value in enumerate(series) if monitor.update(value)]


ALTERNATING = [0.5, 0.6] * 7
CASES = {
    # rule: (series that fires, index of first firing point, near miss that never fires)
    R.WE1: ([0.0, 3.5], 1, [0.0, 2.9, -2.9, 3.0]),
    R.NELSON1: ([0.0, -3.2], 1, [2.99, -2.99]),
    R.WE2: ([2.5, 0.0, 2.5], 2, [2.5, 0.0, -2.5, 0.0, 0.0, 2.5]),
    R.NELSON5: ([-2.1, -2.2], 1, [2.1, 1.9, 1.9, 2.1]),
    R.WE3: ([1.5, 1.5, 0.0, 1.5, 1.5], 4, [1.5, 1.5, 0.0, 0.0, 1.5, 1.5, -1.5]),
    R.NELSON6: ([-1.2] * 4, 3, [1.2, 1.2, 1.2, -1.2, 0.9, 1.2]),
    R.WE4: ([0.5] * 8, 7, [0.5] * 7 + [-0.5] + [0.5] * 7),
    R.NELSON2: ([-0.3] * 9, 8, [-0.3] * 8 + [0.0] + [-0.3] * 8),
    R.NELSON3: ([0.0, 0.1, 0.2, 0.3, 0.4, 0.5], 5, [0.0, 0.1, 0.2, 0.3, 0.4, 0.4, 0.5]),
    R.NELSON4: (ALTERNATING, 13, ALTERNATING[:13] + [ALTERNATING[12]] + ALTERNATING[:12]),
    R.NELSON7: ([0.2, -0.2, 0.1] * 5, 14, [0.2] * 14 + [1.5] + [0.2] * 14),
    R.NELSON8: ([1.5, -1.5] * 4, 7, [1.5] * 8 + [0.5] + [1.5, -1.5] * 3 + [1.5, 0.9]),
}


@pytest.mark.parametrize("rule", list(CASES), ids=[rule.value for rule in CASES])
def test_spc_rule_fires_on_its_pattern(rule: R) -> None:
    series, first, _ = CASES[rule]
    assert firing_points(rule, series)[:1] == [first]


@pytest.mark.parametrize("rule", list(CASES), ids=[rule.value for rule in CASES])
def test_spc_rule_stays_quiet_on_a_near_miss(rule: R) -> None:
    _, _, near_miss = CASES[rule]
    assert firing_points(rule, near_miss) == []


def test_western_electric_has_four_rules_and_nelson_eight() -> None:
    assert len(WESTERN_ELECTRIC) == 4 and len(NELSON) == 8


def test_control_limits_come_from_the_baseline_mean_and_sample_sigma() -> None:
    limits = ControlLimits.from_baseline([9.0, 10.0, 11.0])
    assert (limits.centre, limits.sigma, limits.upper, limits.lower) == (10.0, 1.0, 13.0, 7.0)


def test_a_constant_baseline_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        ControlLimits.from_baseline([5.0, 5.0, 5.0])


def test_limits_scale_zones_by_sigma() -> None:
    monitor = SpcMonitor(ControlLimits(centre=100.0, sigma=2.0), [R.WE1])
    assert monitor.update(105.9) == [] and monitor.update(106.1) == [R.WE1]
