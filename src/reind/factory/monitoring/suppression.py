"""State-based alarm suppression (ISA-18.2 "designed suppression"): a rule says in which
PackML states of its unit it is meaningless, and the engine hides it there.

A waffle plate is cold while the machine heats up (Resetting) and while it is
stopped; its heater runs flat out until the plate reaches its setpoint. Those
are the process doing what it should, and alarming on them teaches operators to
ignore the banner (nuisance alarms, ISA-18.2 section 5.4 / EEMUA 191). The same
limits in Execute are a real excursion and must still alarm.

The units' states come from the telemetry itself: every PackML unit publishes
``<unit>PackML/State`` (PackTags ``StateCurrent``), so the engine learns each
unit's state from the same points it evaluates, in the same order, with no
second channel that could disagree. An alarm belongs to the unit whose prefix
is the longest one its series starts with; a series under no unit (a beer-line
fermenter) is never suppressed by state.
"""

from __future__ import annotations

from reind.factory.control.packml import PackMLState

STATE_METRIC = "PackML/State"
"""The PackTags ``StateCurrent`` metric every PackML unit publishes."""

HEAT_UP = frozenset({PackMLState.RESETTING, PackMLState.STARTING})
"""The unit is bringing itself to its operating point (heating plates, CIP, changeover)."""
AT_REST = frozenset(
    {
        PackMLState.STOPPING,
        PackMLState.STOPPED,
        PackMLState.ABORTING,
        PackMLState.ABORTED,
        PackMLState.CLEARING,
    }
)
"""The unit is shut down or shutting down: its heaters are off on purpose."""


def unit_of_state_series(series: str) -> str | None:
    """The unit prefix ``series`` reports the state of, or None if it is no state series."""
    if series == STATE_METRIC:
        return ""
    if series.endswith("/" + STATE_METRIC):
        return series[: -len(STATE_METRIC)]
    return None


def state_of(value: float) -> PackMLState | None:
    """The PackML state a ``StateCurrent`` value names, or None for a number that names none."""
    try:
        return PackMLState(int(value))
    except (ValueError, OverflowError):
        return None


class UnitStates:
    """The latest PackML state of every unit seen, and which unit governs a series."""

    __slots__ = ("_states",)

    def __init__(self) -> None:
        self._states: dict[str, PackMLState] = {}

    def update(self, unit: str, state: PackMLState) -> bool:
        """Record ``unit``'s state; return whether it changed."""
        changed = self._states.get(unit) is not state
        self._states[unit] = state
        return changed

    def unit_of(self, series: str) -> str | None:
        """The unit governing ``series``: the longest known unit prefix it starts with."""
        best: str | None = None
        for unit in self._states:
            if series.startswith(unit) and (best is None or len(unit) > len(best)):
                best = unit
        return best

    def state_for(self, series: str) -> PackMLState | None:
        """The state of the unit governing ``series``, if a unit governs it."""
        unit = self.unit_of(series)
        return None if unit is None else self._states[unit]
