"""The ISA-18.2 alarm lifecycle for one alarm (one rule on one series).

::

    NORMAL --active--> UNACKNOWLEDGED --ack--> ACKNOWLEDGED --clear--> NORMAL
                          |  ^
                     clear|  |active
                          v  |
                    RTN_UNACKNOWLEDGED --ack--> NORMAL

Shelved (until an expiry), suppressed-by-design and out-of-service can be
entered from any state by a person; while there the condition is still
tracked, silently, and leaving goes to UNACKNOWLEDGED if the condition is
active, else NORMAL. Every transition is an :class:`AlarmEvent` naming who.
"""

from __future__ import annotations

from reind.core.errors import ConflictError, InvalidInputError
from reind.factory.monitoring.events import SYSTEM, AlarmEvent, AlarmState

_HIDDEN = {AlarmState.SHELVED, AlarmState.SUPPRESSED, AlarmState.OUT_OF_SERVICE}

HISTORY_LIMIT = 200


class Alarm:
    """State of one alarm and its recent history."""

    __slots__ = (
        "alarm_id", "series", "rule", "priority", "state", "active", "shelved_until_ms", "history",
    )  # fmt: skip

    def __init__(self, series: str, rule: str, priority: int = 3) -> None:
        self.alarm_id = f"{series}|{rule}"
        self.series = series
        self.rule = rule
        self.priority = priority
        """ISA-18.2 priority from the rule: 1 (act now) to 4 (advisory)."""
        self.state = AlarmState.NORMAL
        self.active = False
        self.shelved_until_ms: int | None = None
        self.history: list[AlarmEvent] = []

    def _move(
        self,
        state: AlarmState,
        at_ms: int,
        actor: str,
        note: str = "",
        value: float | None = None,
        source_ms: int | None = None,
    ) -> AlarmEvent:
        event = AlarmEvent(
            at_ms, self.alarm_id, self.series, self.rule, self.state, state, actor, note, value,
            source_ms,
        )  # fmt: skip
        self.state = state
        self.history.append(event)
        if len(self.history) > HISTORY_LIMIT:
            del self.history[: len(self.history) - HISTORY_LIMIT]
        return event

    def condition(
        self, active: bool, at_ms: int, value: float | None = None, source_ms: int | None = None
    ) -> AlarmEvent | None:
        """The rule's condition is now ``active`` (or not); return the event, if any."""
        if active == self.active:
            return None
        self.active = active
        state = self.state
        if state in _HIDDEN:
            return None
        note = "condition active" if active else "condition cleared"
        if active and state in (AlarmState.NORMAL, AlarmState.RTN_UNACKNOWLEDGED):
            return self._move(AlarmState.UNACKNOWLEDGED, at_ms, SYSTEM, note, value, source_ms)
        if not active and state is AlarmState.UNACKNOWLEDGED:
            return self._move(AlarmState.RTN_UNACKNOWLEDGED, at_ms, SYSTEM, note, value, source_ms)
        if not active and state is AlarmState.ACKNOWLEDGED:
            return self._move(AlarmState.NORMAL, at_ms, SYSTEM, note, value, source_ms)
        return None

    def acknowledge(self, actor: str, at_ms: int, note: str = "") -> AlarmEvent:
        """An operator acknowledges the alarm."""
        if self.state is AlarmState.UNACKNOWLEDGED:
            return self._move(AlarmState.ACKNOWLEDGED, at_ms, actor, note)
        if self.state is AlarmState.RTN_UNACKNOWLEDGED:
            return self._move(AlarmState.NORMAL, at_ms, actor, note)
        raise ConflictError(
            f"alarm {self.alarm_id} is {self.state.value}: only an unacknowledged alarm can be"
            " acknowledged",
            alarm=self.alarm_id,
        )

    def shelve(self, actor: str, at_ms: int, until_ms: int, note: str = "") -> AlarmEvent:
        """Shelve the alarm until ``until_ms`` (a shelf always expires)."""
        if until_ms <= at_ms:
            raise InvalidInputError("a shelf must expire in the future", alarm=self.alarm_id)
        self.shelved_until_ms = until_ms
        return self._move(AlarmState.SHELVED, at_ms, actor, note)

    def suppress(self, actor: str, at_ms: int, note: str = "") -> AlarmEvent:
        """Suppress by design (e.g. the unit is stopped and the alarm is meaningless)."""
        return self._move(AlarmState.SUPPRESSED, at_ms, actor, note)

    def remove_from_service(self, actor: str, at_ms: int, note: str = "") -> AlarmEvent:
        """Take the alarm out of service (e.g. instrument under maintenance)."""
        return self._move(AlarmState.OUT_OF_SERVICE, at_ms, actor, note)

    def restore(self, actor: str, at_ms: int, note: str = "") -> AlarmEvent:
        """Unshelve, unsuppress or return to service: back to annunciation."""
        if self.state not in _HIDDEN:
            raise ConflictError(
                f"alarm {self.alarm_id} is {self.state.value}: nothing to restore",
                alarm=self.alarm_id,
            )
        self.shelved_until_ms = None
        state = AlarmState.UNACKNOWLEDGED if self.active else AlarmState.NORMAL
        return self._move(state, at_ms, actor, note)

    def expire_shelf(self, now_ms: int) -> AlarmEvent | None:
        """Unshelve when the shelf has expired; return the event, if any."""
        if (
            self.state is AlarmState.SHELVED
            and self.shelved_until_ms is not None
            and now_ms >= self.shelved_until_ms
        ):
            return self.restore(SYSTEM, now_ms, "shelf expired")
        return None
