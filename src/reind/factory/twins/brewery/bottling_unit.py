"""The beer line's bottling unit as a PackML unit: changeover, bottling a bright tank, stops.

The seam with ``line.py``: the line owns the brewhouse, the cellar and the
shift's scheduler; this module owns what the ``Bottling/`` unit does in each
PackML state. Resetting is the changeover (its length the next product's
setup time), Execute draws a bright tank through the machines of
``bottling.py``, a filler jam or a labeller out of labels Holds it, a full
outfeed Suspends it, and Completing closes the batch record. Functions take
the line, as ``tags.py`` does, because the unit shares the line's clock,
recipes and bright tanks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reind.factory.control.packml import PackMLCommand, PackMLMachine, PackMLState
from reind.factory.control.recipe import ControlRecipe
from reind.factory.twins.brewery.bottling import BottlingLine, MachineStatus

if TYPE_CHECKING:
    from reind.factory.twins.brewery.line import BeerLine

S = PackMLState
C = PackMLCommand
BOTTLING = "Bottling/"
SAME_PRODUCT_SETUP_MINUTES = 10.0
STOP_FILLER_JAM = 31
STOP_OUT_OF_LABELS = 32
STOP_OUTFEED_FULL = 41
OUTFEED_BLOCKED_SECONDS = 30.0  # the discharge blocked this long: Suspended
# Electrical load of the bottling line by state (W): conveyors, filler, labeller, packer.
LINE_WATTS = {S.EXECUTE: 18_000.0, S.STOPPED: 0.0, S.ABORTED: 0.0}
LINE_STANDBY_WATTS = 4_000.0


def on_bottling_state(m: BeerLine, state: PackMLState) -> None:
    """Entering ``state``: pick the next tank (Resetting), take it (Starting), or stop."""
    if state is S.RESETTING:
        tank = m.bottling_tank  # a tank stopped mid-way is finished first
        if tank is None or tank.batch is None:
            tank = m.ready_bright_tank()
        m.next_bottling = tank
        minutes = SAME_PRODUCT_SETUP_MINUTES
        if tank is not None and tank.batch is not None:
            m.bind_recipe(tank.batch.recipe, BOTTLING)
            if tank.batch.product != m.bottling_product:
                minutes = tank.batch.recipe.value("changeover", "setup_time")
                m.changeovers += 1
        m.changeover_left = minutes * 60.0 / m.brew_pace
    elif state is S.STARTING and m.next_bottling is not None:
        tank = m.next_bottling
        assert tank.batch is not None
        m.bottling_tank, m.bottling = tank, tank.batch
        m.next_bottling = None
        tank.state = "bottling"
        m.bottling_product = tank.batch.product
        apply_line_settings(m, tank.batch.recipe)
        m.bottled_at_start = (m.line.good, m.line.rejected)
    elif state in (S.HELD, S.SUSPENDED, S.STOPPED, S.ABORTED, S.IDLE, S.COMPLETE):
        m.line.stop_all()


def apply_line_settings(m: BeerLine, recipe: ControlRecipe) -> None:
    """The batch's filling, capping and labelling parameters go to the machines."""
    value = recipe.value
    line = m.line
    line.fill_target = value("filling", "fill_volume")
    line.filler.rate = value("filling", "filler_speed") / 60.0
    line.capper.rate = value("capping", "capper_speed") / 60.0
    line.labeller.rate = value("labelling", "labeller_speed") / 60.0
    line.tolerance = value("inspection", "fill_tolerance")


def bottling_step(m: BeerLine) -> None:
    """One second of the bottling unit in its current state."""
    unit = m.bl_unit
    state = unit.state
    line = m.line
    m.add_energy(BOTTLING, LINE_WATTS.get(state, LINE_STANDBY_WATTS), m.dt)
    if state is S.EXECUTE:
        tank = m.bottling_tank
        assert tank is not None
        tank.draw(line.step(m.dt, tank.volume_hl * 100.0))
        count_inspected(m)
        if line.filler.faulted:
            _hold(unit, STOP_FILLER_JAM, "Filler jammed", "灌裝機卡瓶")
        elif line.labeller.faulted and line.filler.status.name == "BLOCKED":
            _hold(unit, STOP_OUT_OF_LABELS, "Labeller out of labels", "貼標機標籤用完")
        elif _outfeed_blocked(m, line) >= OUTFEED_BLOCKED_SECONDS:
            unit.record_stop_reason(STOP_OUTFEED_FULL, "Blocked: outfeed full", "出口積滿")
            unit.command(C.SUSPEND)
        elif tank.volume_hl * 100.0 * 1000.0 < line.fill_target and line.empty:
            unit.state_complete()
    elif state is S.SUSPENDED:
        line.step(m.dt, 0.0)  # the packer works the outfeed down
        count_inspected(m)
        if line.buffers[3] < 100:
            m.outfeed_blocked_for = 0.0
            unit.command(C.UNSUSPEND)
    elif state is S.RESETTING:
        m.changeover_left -= m.dt
        if m.changeover_left <= 0:
            unit.state_complete()
    elif state is S.COMPLETING:
        _finish_bottling(m)
        unit.state_complete()
    elif state in (S.STARTING, S.UNHOLDING, S.UNSUSPENDING, S.SUSPENDING, S.HOLDING):
        unit.state_complete()
    elif state in (S.STOPPING, S.ABORTING, S.CLEARING):
        unit.state_complete()


def count_inspected(m: BeerLine) -> None:
    """Count bottles as the inspector passes or rejects them (not at batch end), so
    the unit's counters move with production and hourly KPIs are meaningful."""
    good, rejected = m.line.good, m.line.rejected
    counted_good, counted_rejected = m.counted
    if good != counted_good or rejected != counted_rejected:
        new_rejected = rejected - counted_rejected
        m.bl_unit.count_processed(good - counted_good + new_rejected, new_rejected)
        m.counted = (good, rejected)


def _outfeed_blocked(m: BeerLine, line: BottlingLine) -> float:
    if line.inspector.status is MachineStatus.BLOCKED:
        m.outfeed_blocked_for += m.dt
    else:
        m.outfeed_blocked_for = 0.0
    return m.outfeed_blocked_for


def _hold(unit: PackMLMachine, code: int, en: str, zh: str) -> None:
    unit.record_stop_reason(code, en, zh)
    unit.command(C.HOLD)


def _finish_bottling(m: BeerLine) -> None:
    tank, batch = m.bottling_tank, m.bottling
    if tank is None or batch is None:
        return
    good0, rejected0 = m.bottled_at_start
    good, rejected = m.line.good - good0, m.line.rejected - rejected0
    batch.record.end(bottles_good=good, bottles_rejected=rejected, abv=batch.abv)
    count_inspected(m)
    m.finished_batches.append(tank.release())
    m.bottling = m.bottling_tank = None
