"""PackML (ISA-TR88.00.02 / OPC 30050) machine state model.

One ``PackMLMachine`` per unit: the 17 states, the commands that move
between them, the unit modes, the Admin PackTags (processed and defective
counts with non-resetting accumulated counts, stop reasons) and the time
spent in each state, which is what ISO 22400 KPIs are computed from.

Held (an internal or operator cause) and Suspended (starved or blocked by a
neighbour) are kept apart on purpose: mixing them up corrupts OEE.

A command the table does not allow in the current state is refused with a
``ConflictError`` that names both, so an operator (or a SCADA client) sees
why nothing happened.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum

from reind.core.clock import Clock
from reind.core.errors import ConflictError, InvalidInputError

logger = logging.getLogger(__name__)


class PackMLState(IntEnum):
    """The 17 PackML states, numbered as PackTags ``StateCurrent`` (OPC 30050)."""

    CLEARING = 1
    STOPPED = 2
    STARTING = 3
    IDLE = 4
    SUSPENDED = 5
    EXECUTE = 6
    STOPPING = 7
    ABORTING = 8
    ABORTED = 9
    HOLDING = 10
    HELD = 11
    UNHOLDING = 12
    SUSPENDING = 13
    UNSUSPENDING = 14
    RESETTING = 15
    COMPLETING = 16
    COMPLETE = 17

    @property
    def is_wait_state(self) -> bool:
        """True for the states that wait for a command (never left by SC)."""
        return self in WAIT_STATES

    @property
    def label(self) -> str:
        """The state's name as PackML writes it, e.g. ``Execute``."""
        return self.name.capitalize()


class PackMLCommand(IntEnum):
    """Commands as numbered by PackTags ``CntrlCmd``; ``SC`` is "state complete"."""

    RESET = 1
    START = 2
    STOP = 3
    HOLD = 4
    UNHOLD = 5
    SUSPEND = 6
    UNSUSPEND = 7
    ABORT = 8
    CLEAR = 9
    SC = 100

    @property
    def label(self) -> str:
        """The command's name as PackML writes it, e.g. ``Unhold``."""
        return "SC" if self is PackMLCommand.SC else self.name.capitalize()


class PackMLMode(IntEnum):
    """Unit modes; user-defined modes start at 4."""

    PRODUCE = 1
    MAINTENANCE = 2
    MANUAL = 3


S = PackMLState
C = PackMLCommand

WAIT_STATES = frozenset({S.IDLE, S.COMPLETE, S.HELD, S.SUSPENDED, S.STOPPED, S.ABORTED})

# The ros-industrial transition table (industry-standards.md §3.3), one row per state.
_BASE: dict[PackMLState, dict[PackMLCommand, PackMLState]] = {
    S.ABORTED: {C.CLEAR: S.CLEARING},
    S.CLEARING: {C.SC: S.STOPPED, C.ABORT: S.ABORTING},
    S.STOPPED: {C.RESET: S.RESETTING, C.ABORT: S.ABORTING},
    S.RESETTING: {C.SC: S.IDLE},
    S.IDLE: {C.START: S.STARTING},
    S.STARTING: {C.SC: S.EXECUTE},
    S.EXECUTE: {C.SC: S.COMPLETING, C.HOLD: S.HOLDING, C.SUSPEND: S.SUSPENDING},
    S.HOLDING: {C.SC: S.HELD},
    S.HELD: {C.UNHOLD: S.UNHOLDING},
    S.UNHOLDING: {C.SC: S.EXECUTE},
    S.SUSPENDING: {C.SC: S.SUSPENDED},
    S.SUSPENDED: {C.UNSUSPEND: S.UNSUSPENDING},
    S.UNSUSPENDING: {C.SC: S.EXECUTE},
    S.COMPLETING: {C.SC: S.COMPLETE},
    S.COMPLETE: {C.RESET: S.RESETTING},
    S.ABORTING: {C.SC: S.ABORTED},
    S.STOPPING: {C.SC: S.STOPPED, C.ABORT: S.ABORTING},
}

# Resetting through Complete: every one also takes Stop and Abort.
STOPPABLE_STATES = frozenset(
    {
        S.RESETTING,
        S.IDLE,
        S.STARTING,
        S.EXECUTE,
        S.COMPLETING,
        S.COMPLETE,
        S.HOLDING,
        S.HELD,
        S.UNHOLDING,
        S.SUSPENDING,
        S.SUSPENDED,
        S.UNSUSPENDING,
    }
)


def _build_table() -> dict[PackMLState, dict[PackMLCommand, PackMLState]]:
    table = {state: dict(row) for state, row in _BASE.items()}
    for state in STOPPABLE_STATES:
        table[state][C.STOP] = S.STOPPING
        table[state][C.ABORT] = S.ABORTING
    return table


TRANSITIONS: dict[PackMLState, dict[PackMLCommand, PackMLState]] = _build_table()
"""Every allowed (state, command) pair and where it leads; anything else is refused."""

# Modes may change only where nothing is moving.
_MODE_CHANGE_STATES = frozenset({S.STOPPED, S.IDLE, S.ABORTED})


@dataclass(frozen=True)
class StopReason:
    """Why the unit stopped, held or aborted (PackTags Admin.StopReason)."""

    code: int
    message_en: str
    message_zh: str
    at: datetime


@dataclass
class ProductCount:
    """A PackMLCountDataType: a resettable count and a never-resetting AccCount."""

    count: int = 0
    acc_count: int = 0

    def add(self, quantity: int = 1) -> None:
        """Count ``quantity`` more units."""
        if quantity < 0:
            raise InvalidInputError(f"a production count cannot go down (got {quantity})")
        self.count += quantity
        self.acc_count += quantity

    def reset(self) -> None:
        """Zero the resettable count; the accumulated count stays (it feeds OEE)."""
        self.count = 0


@dataclass(frozen=True)
class StateChanged:
    """Event: the unit moved from one state to another."""

    unit: str
    previous: PackMLState
    current: PackMLState
    command: PackMLCommand
    at: datetime


StateListener = Callable[[StateChanged], None]


@dataclass
class PackMLMachine:
    """A unit's PackML state machine with its Admin tags.

    ``clock`` decides what "now" is, so a simulated twin's state durations
    follow simulated time.
    """

    unit: str
    clock: Clock
    state: PackMLState = PackMLState.STOPPED
    mode: PackMLMode = PackMLMode.PRODUCE
    processed: ProductCount = field(default_factory=ProductCount)
    defective: ProductCount = field(default_factory=ProductCount)
    stop_reason: StopReason | None = None
    listeners: list[StateListener] = field(default_factory=list)
    seconds_in_state: dict[PackMLState, float] = field(default_factory=dict)
    entered_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.entered_at is None:
            self.entered_at = self.clock.now()

    def allowed_commands(self) -> list[PackMLCommand]:
        """Commands the current state accepts (SC included for acting states)."""
        return list(TRANSITIONS[self.state])

    def can(self, command: PackMLCommand) -> bool:
        """True if ``command`` is allowed in the current state."""
        return command in TRANSITIONS[self.state]

    def command(self, command: PackMLCommand) -> PackMLState:
        """Apply ``command``; refuse with ``ConflictError`` if the table forbids it."""
        target = TRANSITIONS[self.state].get(command)
        if target is None:
            allowed = ", ".join(c.label for c in TRANSITIONS[self.state]) or "none"
            raise ConflictError(
                f"{self.unit}: command {command.label} is not allowed in state "
                f"{self.state.label} (allowed: {allowed})",
                unit=self.unit,
                state=self.state.label,
                command=command.label,
            )
        self._enter(target, command)
        return target

    def state_complete(self) -> PackMLState:
        """Signal that the current acting state has finished its work (SC)."""
        return self.command(PackMLCommand.SC)

    def set_mode(self, mode: PackMLMode) -> None:
        """Change the unit mode; only in Stopped, Idle or Aborted."""
        if mode == self.mode:
            return
        if self.state not in _MODE_CHANGE_STATES:
            raise ConflictError(
                f"{self.unit}: mode can change only in Stopped, Idle or Aborted, "
                f"not in {self.state.label}",
                unit=self.unit,
                state=self.state.label,
            )
        self.mode = mode

    def record_stop_reason(self, code: int, message_en: str, message_zh: str) -> None:
        """Remember why the unit is stopping, holding or aborting."""
        self.stop_reason = StopReason(code, message_en, message_zh, self.clock.now())

    def count_processed(self, quantity: int = 1, defective: int = 0) -> None:
        """Count units made; ``defective`` of them were rejected."""
        if defective > quantity:
            raise InvalidInputError(
                f"defective count {defective} exceeds processed count {quantity}"
            )
        self.processed.add(quantity)
        self.defective.add(defective)

    def reset_counts(self) -> None:
        """Zero the resettable counts (the accumulated counts keep running)."""
        self.processed.reset()
        self.defective.reset()

    def time_in_states(self) -> dict[PackMLState, float]:
        """Seconds spent in each state so far, the current one included."""
        totals = dict(self.seconds_in_state)
        totals[self.state] = totals.get(self.state, 0.0) + self._elapsed()
        return totals

    def _elapsed(self) -> float:
        assert self.entered_at is not None
        return (self.clock.now() - self.entered_at).total_seconds()

    def _enter(self, target: PackMLState, command: PackMLCommand) -> None:
        previous = self.state
        now = self.clock.now()
        self.seconds_in_state[previous] = self.seconds_in_state.get(previous, 0.0) + (
            self._elapsed()
        )
        self.state = target
        self.entered_at = now
        if target is PackMLState.RESETTING:
            self.stop_reason = None
        event = StateChanged(self.unit, previous, target, command, now)
        for listener in list(self.listeners):
            try:
                listener(event)
            except Exception:
                logger.exception("state listener failed for %s", self.unit)
