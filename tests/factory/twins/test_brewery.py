"""The beer line twin: products, changeovers, starving and blocking, faults as telemetry."""

from __future__ import annotations

import pytest

from reind.core.errors import ConflictError
from reind.factory.control.packml import PackMLCommand, PackMLState
from reind.factory.twins.brewery.line import BOTTLING, BREWHOUSE, BeerLine
from reind.factory.twins.brewery.recipe import beer_masters
from reind.factory.twins.clock import SimulatedClock
from tests.factory.twins.conftest import Telemetry

HOUR = 3600


@pytest.fixture
def line() -> BeerLine:
    return BeerLine(SimulatedClock(), seed=3)


def bottling_state(line: BeerLine) -> PackMLState:
    return line.bl_unit.state


def test_lager_ipa_and_stout_are_different_master_recipes_with_one_procedure() -> None:
    masters = beer_masters()
    assert set(masters) == {"lager", "ipa", "stout"}
    lager, ipa, stout = masters["lager"], masters["ipa"], masters["stout"]
    assert [p.name for p in lager.phases()] == [p.name for p in stout.phases()]
    assert lager.phase("fermentation").spec("temperature").default == 11
    assert ipa.phase("boil").spec("hop_rate").default > lager.phase("boil").spec("hop_rate").default
    assert stout.phase("filling").spec("fill_volume").default == 500


def test_the_bottling_line_fills_rejects_and_changes_over_between_products(
    line: BeerLine, telemetry: Telemetry
) -> None:
    telemetry.run(line, 14 * HOUR)
    assert line.line.good > 20000
    assert 0 < line.line.rejected < line.line.good * 0.01
    assert line.changeovers >= 1  # lager tank first, then the IPA tank
    assert [b.product for b in line.finished_batches][:2] == ["lager", "ipa"]
    # the setup time of the IPA (40 min) shows up as time in Resetting
    assert line.bl_unit.time_in_states()[PackMLState.RESETTING] >= (10 + 40) * 60
    record = line.finished_batches[1].record
    assert record.outcome["bottles_good"] > 10000


def test_machines_starve_and_block_and_a_full_outfeed_suspends_the_line(
    line: BeerLine, telemetry: Telemetry
) -> None:
    telemetry.run(line, 4 * HOUR)
    statuses = set(telemetry.history["Bottling/Capper/Status Text"])
    assert {"Running", "Starved"} <= statuses
    assert "Blocked" in set(telemetry.history["Bottling/Inspector/Status Text"])
    assert telemetry.seen("Bottling/PackML/State", int(PackMLState.SUSPENDED))
    assert telemetry.seen("Bottling/PackML/Stop Reason Text", "Blocked: outfeed full")


def test_the_brewhouse_brews_into_an_empty_fermenter_through_its_rests(
    line: BeerLine, telemetry: Telemetry
) -> None:
    telemetry.run(line, 8 * HOUR)
    steps = set(telemetry.history["Brewhouse/Step"])
    assert {"mash_in", "saccharification_rest", "boil", "knockout"} <= steps
    filled = [t for t in line.fermenters if t.batch is not None and t.age < 2 * HOUR]
    assert filled and filled[0].batch is not None
    assert filled[0].batch.original_gravity > 1.04


def test_a_rest_temperature_changed_mid_brew_makes_a_fuller_beer_and_is_recorded(
    line: BeerLine,
) -> None:
    line.run(40 * 60)
    assert line.brewhouse.step_name in ("mash_in", "protein_rest")
    batch = line.brewhouse.batch
    assert batch is not None
    line.write("Brewhouse/Recipe/saccharification_rest/temperature", 69, who="brewer-1", why="body")
    line.run(8 * HOUR)
    nominal = beer_masters()[batch.product]
    assert nominal.phase("saccharification_rest").spec("temperature").default == 64
    assert batch.final_gravity_target > 1.0125  # at 64 °C it would be about 1.009
    (run,) = batch.record.runs_of("saccharification_rest")
    assert run.parameters["temperature"] == 69
    assert run.results["mean_temperature"] == pytest.approx(69, abs=0.5)
    assert batch.record.adjustments[0].who == "brewer-1"


def test_writing_to_an_empty_tank_is_refused(line: BeerLine) -> None:
    with pytest.raises(ConflictError, match="FV5 holds no batch"):
        line.write("FV5/Recipe/fermentation/temperature", 12, who="op")


def test_a_fermentation_temperature_write_moves_the_jacket_setpoint(line: BeerLine) -> None:
    line.write("FV2/Recipe/fermentation/temperature", 17, who="op", why="slow it down")
    line.run(2 * HOUR)
    assert line.tags.value("FV2/Setpoint") == 17
    assert abs(line.fermenters[1].jacket.temperature - 17) < 1.0


def test_a_stuck_fermentation_shows_as_flat_gravity_and_a_stall_alarm(
    line: BeerLine, telemetry: Telemetry
) -> None:
    line.inject_fault("stuck_fermentation", tank=3)
    telemetry.run(line, 27 * HOUR)
    gravity = [float(g) for g in telemetry.history["FV3/Gravity"]]
    assert gravity[0] - gravity[-1] < 0.0015
    assert telemetry.last("FV3/Alarm Fermentation Stalled") is True
    assert not telemetry.seen("FV2/Alarm Fermentation Stalled", True)


def test_a_glycol_chiller_failure_warms_the_glycol_and_then_the_tanks(
    line: BeerLine, telemetry: Telemetry
) -> None:
    line.inject_fault("glycol_chiller_failure")
    telemetry.run(line, 8 * HOUR)
    assert float(telemetry.last("Glycol/Supply Temperature")) > 5
    assert telemetry.seen("Alarm/Glycol Supply Warm", True)
    assert any(telemetry.seen(f"FV{n}/Alarm Temperature High", True) for n in range(1, 7))
    assert any(float(telemetry.last(f"FV{n}/Glycol Valve")) > 99 for n in range(1, 7))


def run_until_bottling(line: BeerLine, telemetry: Telemetry) -> None:
    for _ in range(120):
        telemetry.run(line, 60)
        if bottling_state(line) is PackMLState.EXECUTE:
            return
    raise AssertionError("bottling never started")


def test_a_filler_jam_holds_the_line_and_starves_the_capper(
    line: BeerLine, telemetry: Telemetry
) -> None:
    run_until_bottling(line, telemetry)
    telemetry.run(line, 600)
    line.inject_fault("filler_jam")
    telemetry.run(line, 120)
    assert telemetry.last("Bottling/PackML/State") == int(PackMLState.HELD)
    assert telemetry.last("Bottling/PackML/Stop Reason Text") == "Filler jammed"
    assert telemetry.last("Alarm/Filler Jammed") is True
    assert telemetry.seen("Bottling/Filler/Status Text", "Faulted")
    with pytest.raises(ConflictError, match="jammed"):
        line.command(BOTTLING, PackMLCommand.UNHOLD)
    line.clear_fault("filler_jam")
    line.command(BOTTLING, PackMLCommand.UNHOLD)
    telemetry.run(line, 60)
    assert telemetry.last("Bottling/PackML/State") == int(PackMLState.EXECUTE)


def test_a_labeller_out_of_labels_fills_its_buffer_blocks_the_filler_then_holds(
    line: BeerLine, telemetry: Telemetry
) -> None:
    run_until_bottling(line, telemetry)
    line.inject_fault("labeller_out_of_labels")
    telemetry.run(line, 900)
    assert telemetry.last("Bottling/Labels Remaining") == 0
    assert telemetry.seen("Bottling/Labeller/Status Text", "Faulted")
    assert telemetry.seen("Bottling/Buffer 2/Level", 120)
    assert telemetry.seen("Bottling/Filler/Status Text", "Blocked")
    assert telemetry.last("Bottling/PackML/State") == int(PackMLState.HELD)
    assert telemetry.last("Bottling/PackML/Stop Reason Text") == "Labeller out of labels"
    line.clear_fault("labeller_out_of_labels")
    telemetry.run(line, 90)
    line.command(BOTTLING, PackMLCommand.UNHOLD)
    telemetry.run(line, 60)
    assert telemetry.last("Bottling/PackML/State") == int(PackMLState.EXECUTE)


def test_the_brewhouse_refuses_a_start_with_no_empty_fermenter() -> None:
    line = BeerLine(SimulatedClock(), seed=1, auto=False)
    for tank in line.fermenters:
        if tank.batch is None:
            tank.state = "fermenting"  # pretend every tank is full
    line.command(BREWHOUSE, PackMLCommand.RESET)
    line.run(CIP_SECONDS := 1900)
    assert line.bh_unit.state is PackMLState.IDLE
    with pytest.raises(ConflictError, match="no empty fermenter"):
        line.command(BREWHOUSE, PackMLCommand.START)
    assert CIP_SECONDS


def test_the_same_seed_gives_the_same_shift() -> None:
    first, second = (BeerLine(SimulatedClock(), seed=9) for _ in range(2))
    first.run(5 * HOUR)
    second.run(5 * HOUR)
    assert first.tags.snapshot() == second.tags.snapshot()
    assert first.line.rejected == second.line.rejected
