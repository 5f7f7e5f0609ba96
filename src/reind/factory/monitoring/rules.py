"""Alarm rules and the per-series conditions they evaluate.

A rule is configuration (frozen); :meth:`AlarmRule.condition` makes the
small stateful evaluator that watches one series. ``update`` is called for
every point and answers "is the alarm condition true now?". Deadbands keep a
limit alarm from chattering; ``for_seconds`` is an on-delay: the raw
condition must hold that long (in source time) before the alarm goes active.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Literal, Protocol

from reind.core.errors import InvalidInputError
from reind.factory.control.packml import PackMLState

NEVER: frozenset[PackMLState] = frozenset()
"""A rule that annunciates in every state of its unit (the default)."""


@dataclass(frozen=True, slots=True)
class RuleScope:
    """Which series a rule watches: by metric name, device type or series glob.

    ``metric`` matches the end of the series name (``Temperature`` matches
    ``plant/line1/oven/Temperature``); ``device_type`` matches series under
    a device whose type the engine was told; ``series`` is a full glob and
    ``exclude`` a glob of series the rule leaves to another rule.
    Every given criterion must match; an empty scope matches everything.
    """

    metric: str | None = None
    device_type: str | None = None
    series: str | None = None
    exclude: str | None = None

    def matches(self, series: str, device_type: str | None) -> bool:
        """Whether ``series`` (of a device of ``device_type``) is in scope."""
        if self.metric is not None and not (
            series == self.metric or fnmatchcase(series, "*/" + self.metric)
        ):
            return False
        if self.device_type is not None and device_type != self.device_type:
            return False
        if self.exclude is not None and fnmatchcase(series, self.exclude):
            return False
        return self.series is None or fnmatchcase(series, self.series)


DEFAULT_PRIORITY = 3
"""ISA-18.2 priority of a rule that names none: respond within the shift, not at once."""


class Condition(Protocol):
    """A stateful evaluator of one rule on one series."""

    def update(self, timestamp_ms: int, value: float) -> bool:
        """Take one point; return whether the alarm condition is active."""
        ...


class AlarmRule(Protocol):
    """Configuration of one kind of alarm."""

    @property
    def name(self) -> str:
        """The rule's name, unique within an engine; part of the alarm id."""
        ...

    @property
    def scope(self) -> RuleScope:
        """Which series the rule watches."""
        ...

    @property
    def priority(self) -> int:
        """ISA-18.2 priority, 1 (highest: act now) to 4 (advisory)."""
        ...

    @property
    def suppressed_in(self) -> frozenset[PackMLState]:
        """PackML states of the series' unit in which the alarm is suppressed by design
        (ISA-18.2 state-based suppression; see ``suppression.py``)."""
        ...

    def condition(self) -> Condition:
        """A fresh evaluator for one series."""
        ...


class _OnDelay:
    """Turns a raw condition into an active one after it held ``seconds``."""

    __slots__ = ("_delay_ms", "_since")

    def __init__(self, seconds: float) -> None:
        self._delay_ms = int(seconds * 1000)
        self._since: int | None = None

    def apply(self, raw: bool, timestamp_ms: int) -> bool:
        if not raw:
            self._since = None
            return False
        if self._since is None:
            self._since = timestamp_ms
        return timestamp_ms - self._since >= self._delay_ms


@dataclass(frozen=True, slots=True)
class LimitRule:
    """High and/or low limit with a deadband for clearing."""

    name: str
    high: float | None = None
    low: float | None = None
    deadband: float = 0.0
    for_seconds: float = 0.0
    scope: RuleScope = field(default_factory=RuleScope)
    priority: int = DEFAULT_PRIORITY
    suppressed_in: frozenset[PackMLState] = NEVER

    def __post_init__(self) -> None:
        if self.high is None and self.low is None:
            raise InvalidInputError(f"limit rule {self.name!r} needs a high or a low limit")
        if self.deadband < 0:
            raise InvalidInputError(f"limit rule {self.name!r}: deadband must not be negative")

    def condition(self) -> Condition:
        """A fresh evaluator for one series."""
        return _LimitCondition(self)


class _LimitCondition:
    __slots__ = ("_rule", "_raw", "_delay")

    def __init__(self, rule: LimitRule) -> None:
        self._rule = rule
        self._raw = False
        self._delay = _OnDelay(rule.for_seconds)

    def update(self, timestamp_ms: int, value: float) -> bool:
        rule = self._rule
        band = rule.deadband if self._raw else 0.0
        high = rule.high is not None and value > rule.high - band
        low = rule.low is not None and value < rule.low + band
        self._raw = high or low
        return self._delay.apply(self._raw, timestamp_ms)


@dataclass(frozen=True, slots=True)
class RateOfChangeRule:
    """Absolute change per second between consecutive points above a limit."""

    name: str
    max_per_second: float
    for_seconds: float = 0.0
    scope: RuleScope = field(default_factory=RuleScope)
    priority: int = DEFAULT_PRIORITY
    suppressed_in: frozenset[PackMLState] = NEVER

    def condition(self) -> Condition:
        """A fresh evaluator for one series."""
        return _RateCondition(self)


class _RateCondition:
    __slots__ = ("_limit", "_last", "_delay")

    def __init__(self, rule: RateOfChangeRule) -> None:
        self._limit = rule.max_per_second
        self._last: tuple[int, float] | None = None
        self._delay = _OnDelay(rule.for_seconds)

    def update(self, timestamp_ms: int, value: float) -> bool:
        last, self._last = self._last, (timestamp_ms, value)
        if last is None or timestamp_ms <= last[0]:
            return self._delay.apply(False, timestamp_ms)
        rate = abs(value - last[1]) * 1000 / (timestamp_ms - last[0])
        return self._delay.apply(rate > self._limit, timestamp_ms)


@dataclass(frozen=True, slots=True)
class StaleRule:
    """No new point for longer than ``max_age_seconds`` (checked on a timer)."""

    name: str
    max_age_seconds: float
    scope: RuleScope = field(default_factory=RuleScope)
    priority: int = DEFAULT_PRIORITY
    suppressed_in: frozenset[PackMLState] = NEVER

    def condition(self) -> StaleCondition:
        """A fresh evaluator for one series."""
        return StaleCondition(self.max_age_seconds)


class StaleCondition:
    """Remembers the newest point; a point clears staleness, a timer raises it."""

    __slots__ = ("_max_age_ms", "last_ms")

    def __init__(self, max_age_seconds: float) -> None:
        self._max_age_ms = int(max_age_seconds * 1000)
        self.last_ms: int | None = None

    def update(self, timestamp_ms: int, value: float) -> bool:
        """A point arrived: the series is fresh."""
        if self.last_ms is None or timestamp_ms > self.last_ms:
            self.last_ms = timestamp_ms
        return False

    def is_stale(self, now_ms: int) -> bool:
        """Whether the newest point is older than the limit at ``now_ms``."""
        return self.last_ms is not None and now_ms - self.last_ms > self._max_age_ms


@dataclass(frozen=True, slots=True)
class Combination:
    """Active when all (or any) of its point-driven rules are active."""

    name: str
    mode: Literal["all", "any"]
    rules: tuple[LimitRule | RateOfChangeRule | Combination, ...]
    for_seconds: float = 0.0
    scope: RuleScope = field(default_factory=RuleScope)
    priority: int = DEFAULT_PRIORITY
    suppressed_in: frozenset[PackMLState] = NEVER

    def __post_init__(self) -> None:
        if not self.rules:
            raise InvalidInputError(f"combination {self.name!r} needs at least one rule")

    def condition(self) -> Condition:
        """A fresh evaluator for one series."""
        return _CombinationCondition(self)


class _CombinationCondition:
    __slots__ = ("_all", "_children", "_delay")

    def __init__(self, rule: Combination) -> None:
        self._all = rule.mode == "all"
        self._children = [child.condition() for child in rule.rules]
        self._delay = _OnDelay(rule.for_seconds)

    def update(self, timestamp_ms: int, value: float) -> bool:
        # every child sees every point, so their own state stays right
        results = [child.update(timestamp_ms, value) for child in self._children]
        raw = all(results) if self._all else any(results)
        return self._delay.apply(raw, timestamp_ms)
