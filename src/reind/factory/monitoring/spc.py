"""Statistical process control: limits from a baseline, WE and Nelson rules.

Western Electric has 4 rules and Nelson 8 (not "8 Western Electric rules").
The monitor keeps O(1) run counters and three tiny windows, so each point
costs a few microseconds whatever rules are switched on.

Zones are in units of the baseline's standard deviation ``sigma`` around
its mean. A point exactly on the centre line belongs to neither side and
breaks same-side runs.
"""

from __future__ import annotations

import statistics
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from reind.core.errors import InvalidInputError


class SpcRule(StrEnum):
    """The 4 Western Electric rules and the 8 Nelson rules."""

    WE1 = "western_electric_1"  # 1 point beyond 3 sigma
    WE2 = "western_electric_2"  # 2 of 3 beyond 2 sigma, same side
    WE3 = "western_electric_3"  # 4 of 5 beyond 1 sigma, same side
    WE4 = "western_electric_4"  # 8 in a row on one side of the centre line
    NELSON1 = "nelson_1"  # 1 point beyond 3 sigma
    NELSON2 = "nelson_2"  # 9 in a row on one side
    NELSON3 = "nelson_3"  # 6 in a row steadily increasing or decreasing
    NELSON4 = "nelson_4"  # 14 in a row alternating up and down
    NELSON5 = "nelson_5"  # 2 of 3 beyond 2 sigma, same side
    NELSON6 = "nelson_6"  # 4 of 5 beyond 1 sigma, same side
    NELSON7 = "nelson_7"  # 15 in a row within 1 sigma (stratification)
    NELSON8 = "nelson_8"  # 8 in a row outside 1 sigma, on both sides (mixture)


WESTERN_ELECTRIC = (SpcRule.WE1, SpcRule.WE2, SpcRule.WE3, SpcRule.WE4)
NELSON = tuple(rule for rule in SpcRule if rule.value.startswith("nelson"))

DESCRIPTIONS: dict[SpcRule, tuple[str, str]] = {
    SpcRule.WE1: ("One point beyond 3 sigma", "一點超出 3σ"),
    SpcRule.WE2: ("2 of 3 beyond 2 sigma, same side", "連續 3 點中有 2 點在同側超出 2σ"),
    SpcRule.WE3: ("4 of 5 beyond 1 sigma, same side", "連續 5 點中有 4 點在同側超出 1σ"),
    SpcRule.WE4: ("8 in a row on one side", "連續 8 點在中心線同側"),
    SpcRule.NELSON1: ("One point beyond 3 sigma", "一點超出 3σ"),
    SpcRule.NELSON2: ("9 in a row on one side", "連續 9 點在中心線同側"),
    SpcRule.NELSON3: ("6 in a row steadily rising or falling", "連續 6 點持續上升或下降"),
    SpcRule.NELSON4: ("14 in a row alternating up and down", "連續 14 點交替上下"),
    SpcRule.NELSON5: ("2 of 3 beyond 2 sigma, same side", "連續 3 點中有 2 點在同側超出 2σ"),
    SpcRule.NELSON6: ("4 of 5 beyond 1 sigma, same side", "連續 5 點中有 4 點在同側超出 1σ"),
    SpcRule.NELSON7: ("15 in a row within 1 sigma", "連續 15 點在 1σ 以內"),
    SpcRule.NELSON8: ("8 in a row beyond 1 sigma, both sides", "連續 8 點在兩側超出 1σ"),
}
"""What a person reads for each rule, English and Traditional Chinese."""


@dataclass(frozen=True, slots=True)
class ControlLimits:
    """Centre line and sigma of an in-control baseline."""

    centre: float
    sigma: float

    def __post_init__(self) -> None:
        if not self.sigma > 0:
            raise InvalidInputError("control limits need a positive sigma")

    @classmethod
    def from_baseline(cls, values: Iterable[float]) -> ControlLimits:
        """Mean and sample standard deviation of a baseline window."""
        sample = list(values)
        if len(sample) < 2:
            raise InvalidInputError("a baseline needs at least two values")
        sigma = statistics.stdev(sample)
        if sigma == 0:
            raise InvalidInputError("a constant baseline has no spread to set limits from")
        return cls(statistics.fmean(sample), sigma)

    @property
    def upper(self) -> float:
        """Upper control limit (centre + 3 sigma)."""
        return self.centre + 3 * self.sigma

    @property
    def lower(self) -> float:
        """Lower control limit (centre - 3 sigma)."""
        return self.centre - 3 * self.sigma


class SpcMonitor:
    """Applies SPC rules point by point to one series."""

    def __init__(self, limits: ControlLimits, rules: Sequence[SpcRule] = tuple(SpcRule)) -> None:
        self.limits = limits
        self.rules = tuple(rules)
        self._side = 0
        self._side_run = 0
        self._previous: float | None = None
        self._rising = self._falling = 0
        self._last_step = 0
        self._alternating = 1
        self._inside_run = 0
        self._last3: deque[float] = deque(maxlen=3)
        self._last5: deque[float] = deque(maxlen=5)
        self._last8: deque[float] = deque(maxlen=8)

    def update(self, value: float) -> list[SpcRule]:
        """Take the next point; return the rules it completes a violation of."""
        z = (value - self.limits.centre) / self.limits.sigma
        side = (z > 0) - (z < 0)
        self._side_run = self._side_run + 1 if side != 0 and side == self._side else abs(side)
        self._side = side
        step = 0 if self._previous is None else (value > self._previous) - (value < self._previous)
        self._previous = value
        self._rising = self._rising + 1 if step > 0 else 0
        self._falling = self._falling + 1 if step < 0 else 0
        if step != 0 and step == -self._last_step:
            self._alternating += 1
        else:
            self._alternating = 2 if step != 0 else 1
        self._last_step = step
        self._inside_run = self._inside_run + 1 if abs(z) < 1 else 0
        self._last3.append(z)
        self._last5.append(z)
        self._last8.append(z)
        return [rule for rule in self.rules if self._violates(rule, z)]

    def _violates(self, rule: SpcRule, z: float) -> bool:
        if rule in (SpcRule.WE1, SpcRule.NELSON1):
            return abs(z) > 3
        if rule in (SpcRule.WE2, SpcRule.NELSON5):
            return _count_beyond(self._last3, 2) >= 2
        if rule in (SpcRule.WE3, SpcRule.NELSON6):
            return _count_beyond(self._last5, 1) >= 4
        if rule is SpcRule.WE4:
            return self._side_run >= 8
        if rule is SpcRule.NELSON2:
            return self._side_run >= 9
        if rule is SpcRule.NELSON3:
            return self._rising >= 5 or self._falling >= 5
        if rule is SpcRule.NELSON4:
            return self._alternating >= 14
        if rule is SpcRule.NELSON7:
            return self._inside_run >= 15
        # NELSON8
        window = self._last8
        return (
            len(window) == 8
            and all(abs(v) > 1 for v in window)
            and any(v > 0 for v in window)
            and any(v < 0 for v in window)
        )


def _count_beyond(window: deque[float], zone: float) -> int:
    """Most points beyond ``zone`` sigma on one side, within ``window``."""
    above = sum(1 for v in window if v > zone)
    below = sum(1 for v in window if v < -zone)
    return max(above, below)
