"""PackML: every transition the table allows works, every other one is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reind.core.errors import ConflictError, InvalidInputError
from reind.factory.control.packml import (
    STOPPABLE_STATES,
    TRANSITIONS,
    PackMLCommand,
    PackMLMachine,
    PackMLMode,
    PackMLState,
    StateChanged,
)
from reind.factory.twins.clock import SimulatedClock

S = PackMLState
C = PackMLCommand

# The table from industry-standards.md §3.3, written out independently of the module.
EXPECTED: set[tuple[S, C, S]] = {
    (S.ABORTED, C.CLEAR, S.CLEARING),
    (S.CLEARING, C.SC, S.STOPPED),
    (S.CLEARING, C.ABORT, S.ABORTING),
    (S.STOPPED, C.RESET, S.RESETTING),
    (S.STOPPED, C.ABORT, S.ABORTING),
    (S.RESETTING, C.SC, S.IDLE),
    (S.IDLE, C.START, S.STARTING),
    (S.STARTING, C.SC, S.EXECUTE),
    (S.EXECUTE, C.SC, S.COMPLETING),
    (S.EXECUTE, C.HOLD, S.HOLDING),
    (S.EXECUTE, C.SUSPEND, S.SUSPENDING),
    (S.HOLDING, C.SC, S.HELD),
    (S.HELD, C.UNHOLD, S.UNHOLDING),
    (S.UNHOLDING, C.SC, S.EXECUTE),
    (S.SUSPENDING, C.SC, S.SUSPENDED),
    (S.SUSPENDED, C.UNSUSPEND, S.UNSUSPENDING),
    (S.UNSUSPENDING, C.SC, S.EXECUTE),
    (S.COMPLETING, C.SC, S.COMPLETE),
    (S.COMPLETE, C.RESET, S.RESETTING),
    (S.ABORTING, C.SC, S.ABORTED),
    (S.STOPPING, C.SC, S.STOPPED),
    (S.STOPPING, C.ABORT, S.ABORTING),
}
for _state in (
    S.RESETTING, S.IDLE, S.STARTING, S.EXECUTE, S.COMPLETING, S.COMPLETE, S.HOLDING,
    S.HELD, S.UNHOLDING, S.SUSPENDING, S.SUSPENDED, S.UNSUSPENDING,
):  # fmt: skip
    EXPECTED.add((_state, C.STOP, S.STOPPING))
    EXPECTED.add((_state, C.ABORT, S.ABORTING))

ALLOWED = {(s, c): t for s, c, t in EXPECTED}
ALL_PAIRS = [(s, c) for s in S for c in C]


def machine_in(state: PackMLState) -> PackMLMachine:
    return PackMLMachine("test-unit", SimulatedClock(), state=state)


def test_there_are_seventeen_states_and_the_table_covers_each() -> None:
    assert len(S) == 17
    assert set(TRANSITIONS) == set(S)
    assert STOPPABLE_STATES < set(S)


@pytest.mark.parametrize(("state", "command"), sorted(ALLOWED))
def test_every_allowed_transition_leads_where_the_table_says(
    state: PackMLState, command: PackMLCommand
) -> None:
    machine = machine_in(state)
    assert machine.command(command) is ALLOWED[(state, command)]
    assert machine.state is ALLOWED[(state, command)]


@pytest.mark.parametrize(("state", "command"), [pair for pair in ALL_PAIRS if pair not in ALLOWED])
def test_every_other_command_is_refused_naming_state_and_command(
    state: PackMLState, command: PackMLCommand
) -> None:
    machine = machine_in(state)
    with pytest.raises(ConflictError) as refused:
        machine.command(command)
    assert machine.state is state
    assert state.label in str(refused.value)
    assert command.label in str(refused.value)
    assert refused.value.fields["state"] == state.label


def test_wait_states_never_complete_on_their_own() -> None:
    for state in S:
        assert (C.SC in TRANSITIONS[state]) is (not state.is_wait_state)


def test_a_full_production_cycle_counts_and_times_states() -> None:
    clock = SimulatedClock()
    machine = PackMLMachine("line", clock)
    events: list[StateChanged] = []
    machine.listeners.append(events.append)
    machine.command(C.RESET)
    machine.state_complete()
    machine.command(C.START)
    machine.state_complete()
    clock.advance(60)
    machine.count_processed(10, defective=2)
    machine.command(C.SUSPEND)
    machine.state_complete()
    clock.advance(30)
    assert machine.state is S.SUSPENDED
    assert machine.time_in_states()[S.EXECUTE] == 60
    assert machine.time_in_states()[S.SUSPENDED] == 30
    assert [e.current for e in events][:4] == [S.RESETTING, S.IDLE, S.STARTING, S.EXECUTE]
    assert (machine.processed.count, machine.defective.count) == (10, 2)


def test_resetting_counts_keeps_the_accumulated_count() -> None:
    machine = machine_in(S.EXECUTE)
    machine.count_processed(5, defective=1)
    machine.reset_counts()
    machine.count_processed(3)
    assert machine.processed.count == 3
    assert machine.processed.acc_count == 8
    assert machine.defective.acc_count == 1


def test_more_defective_than_processed_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        machine_in(S.EXECUTE).count_processed(1, defective=2)


def test_mode_changes_only_when_nothing_moves() -> None:
    machine = machine_in(S.EXECUTE)
    with pytest.raises(ConflictError, match="Execute"):
        machine.set_mode(PackMLMode.MAINTENANCE)
    stopped = machine_in(S.STOPPED)
    stopped.set_mode(PackMLMode.MANUAL)
    assert stopped.mode is PackMLMode.MANUAL


def test_a_stop_reason_is_kept_until_reset() -> None:
    machine = machine_in(S.EXECUTE)
    machine.record_stop_reason(12, "Flipper jammed", "翻轉器卡住")
    machine.command(C.HOLD)
    machine.state_complete()
    assert machine.stop_reason is not None and machine.stop_reason.code == 12
    machine.command(C.STOP)
    machine.state_complete()
    machine.command(C.RESET)
    assert machine.stop_reason is None


@given(st.lists(st.sampled_from(list(C)), max_size=60))
def test_any_command_sequence_stays_inside_the_table(commands: list[PackMLCommand]) -> None:
    machine = machine_in(S.STOPPED)
    for command in commands:
        before = machine.state
        if machine.can(command):
            assert machine.command(command) is TRANSITIONS[before][command]
        else:
            with pytest.raises(ConflictError):
                machine.command(command)
            assert machine.state is before
