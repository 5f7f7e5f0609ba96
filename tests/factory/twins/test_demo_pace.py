"""The beer line at demo pace runs from the first minute; refused commands say why."""

from __future__ import annotations

import pytest

from reind.core.errors import ConflictError
from reind.factory.control.packml import PackMLCommand, PackMLState
from reind.factory.twins.brewery.line import BOTTLING, BREWHOUSE, BeerLine
from reind.factory.twins.clock import SimulatedClock
from reind.factory.twins.waffle import WaffleMachine

S = PackMLState


def states_seen(line: BeerLine, prefix: str, seconds: int) -> list[PackMLState]:
    seen: list[PackMLState] = []
    for _ in range(seconds):
        line.step()
        state = line.units[prefix].state
        if not seen or seen[-1] is not state:
            seen.append(state)
    return seen


def test_at_demo_pace_the_brewhouse_brews_within_minutes_and_bottling_runs() -> None:
    line = BeerLine(SimulatedClock(), seed=3, demo_pace=True)
    first_brew = line.next_brew.batch_id
    seen = states_seen(line, BREWHOUSE, 6 * 60)
    assert S.EXECUTE in seen, seen  # CIP done and a brew started within minutes
    assert line.bl_unit.state is S.EXECUTE
    assert int(line.tags.value("Bottling/Bottles Good")) > 0
    seen += states_seen(line, BREWHOUSE, 10 * 60)
    assert S.COMPLETE in seen, seen  # knocked out into a fermenter
    brewed = {t.batch.batch_id for t in line.fermenters if t.batch is not None}
    assert first_brew in brewed, brewed


def test_at_real_pace_the_brewhouse_is_still_cleaning_after_ten_minutes() -> None:
    line = BeerLine(SimulatedClock(), seed=3)
    assert S.EXECUTE not in states_seen(line, BREWHOUSE, 10 * 60)


def test_at_demo_pace_fermentation_moves_beer_to_a_bright_tank_within_twenty_minutes() -> None:
    line = BeerLine(SimulatedClock(), seed=3, demo_pace=True)
    bright_batches = {b.batch.batch_id for b in line.bright_tanks if b.batch is not None}
    for _ in range(20 * 60):
        line.step()
    now = {b.batch.batch_id for b in line.bright_tanks if b.batch is not None}
    assert now - bright_batches, (bright_batches, now)


def test_an_operators_commands_stick_until_the_operator_starts_the_unit() -> None:
    line = BeerLine(SimulatedClock(), seed=3, demo_pace=True)
    states_seen(line, BREWHOUSE, 30)
    line.write(f"{BREWHOUSE}PackML/Command", int(PackMLCommand.STOP))
    states_seen(line, BREWHOUSE, 120)
    assert line.bh_unit.state is S.STOPPED
    line.write(f"{BREWHOUSE}PackML/Command", int(PackMLCommand.RESET))
    assert states_seen(line, BREWHOUSE, 120)[-1] is S.IDLE  # no automatic Start
    line.write(f"{BREWHOUSE}PackML/Command", int(PackMLCommand.START))
    assert S.EXECUTE in states_seen(line, BREWHOUSE, 60)


def test_bottling_stopped_mid_tank_resumes_that_tank_after_reset() -> None:
    line = BeerLine(SimulatedClock(), seed=3, demo_pace=True)
    states_seen(line, BOTTLING, 120)
    assert line.bl_unit.state is S.EXECUTE
    tank = line.bottling_tank
    for command in ("STOP", "RESET"):
        line.write(f"{BOTTLING}PackML/Command", int(PackMLCommand[command]))
        states_seen(line, BOTTLING, 30)
    line.write(f"{BOTTLING}PackML/Command", int(PackMLCommand.START))
    states_seen(line, BOTTLING, 5)
    assert line.bl_unit.state is S.EXECUTE and line.bottling_tank is tank


def test_a_refused_command_is_published_with_its_reason_in_both_languages() -> None:
    line = BeerLine(SimulatedClock(), seed=3)
    with pytest.raises(ConflictError):
        line.write(f"{BOTTLING}PackML/Command", int(PackMLCommand.UNHOLD))
    assert line.tags.value(f"{BOTTLING}PackML/Refusals") == 1
    assert "Unhold" in str(line.tags.value(f"{BOTTLING}PackML/Refusal"))
    for tank in line.fermenters:
        if tank.batch is None:
            tank.fill(line._new_batch("lager"))
    line.write(f"{BREWHOUSE}PackML/Command", int(PackMLCommand.RESET))
    while line.bh_unit.state is not S.IDLE:
        line.step()
    with pytest.raises(ConflictError):
        line.write(f"{BREWHOUSE}PackML/Command", int(PackMLCommand.START))
    reason = str(line.tags.value(f"{BREWHOUSE}PackML/Refusal"))
    assert "no empty fermenter" in reason and "發酵罐" in reason


def test_the_waffle_machine_takes_every_command_in_turn() -> None:
    machine = WaffleMachine(SimulatedClock(), seed=1)
    for command, settled in (
        ("RESET", S.IDLE),
        ("START", S.EXECUTE),
        ("HOLD", S.HELD),
        ("UNHOLD", S.EXECUTE),
        ("STOP", S.STOPPED),
        ("ABORT", S.ABORTED),
        ("CLEAR", S.STOPPED),
    ):
        machine.write("PackML/Command", int(PackMLCommand[command]))
        for _ in range(900):
            if machine.units[""].state is settled:
                break
            machine.step()
        assert machine.units[""].state is settled, command


def packs_after(machine: WaffleMachine, minutes: int) -> int:
    for command in ("RESET", "START"):
        machine.write("PackML/Command", int(PackMLCommand[command]))
        for _ in range(600):
            machine.step()
            if machine.units[""].state in (S.IDLE, S.EXECUTE) and command == "RESET":
                break
    for _ in range(minutes * 60):
        machine.step()
    return int(machine.tags.value("PackML/Processed"))


def test_at_demo_pace_the_waffle_machine_packs_waffles_within_ten_minutes() -> None:
    assert packs_after(WaffleMachine(SimulatedClock(), seed=1, demo_pace=True), 10) > 0


def test_at_real_pace_the_first_waffle_is_still_in_the_freezer_after_ten_minutes() -> None:
    assert packs_after(WaffleMachine(SimulatedClock(), seed=1), 10) == 0
