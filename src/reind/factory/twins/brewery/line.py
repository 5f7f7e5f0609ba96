"""The beer line twin: brewhouse, six fermenters, two bright tanks and a bottling line.

Two PackML units: ``Brewhouse/`` (a batch unit: Execute while a brew runs,
Complete after knockout, Resetting is the CIP between brews) and
``Bottling/`` (Execute while a bright tank is bottled; Resetting before a
new product is the changeover, its length the product's setup time; a
filler jam or a labeller out of labels Holds it; a full outfeed at pallet
change Suspends it). With ``auto=True`` a small scheduler does what the
shift would: brew the next product into an empty fermenter, move
conditioned beer to a free bright tank, bottle whatever is ready.

Fast parts (bottling) step every second, the brewhouse every 10 s and the
cellar every minute; all are stepped from the same clock. What the bottling
unit does in each PackML state lives in ``bottling_unit.py``; this module
keeps the brewhouse, the cellar, the batches and the scheduler.
"""

from __future__ import annotations

import logging
from itertools import cycle

from reind.core.errors import ConflictError
from reind.factory.control.batch import BatchRecord
from reind.factory.control.packml import PackMLCommand, PackMLState
from reind.factory.control.recipe import Adjustment, ControlRecipe
from reind.factory.twins.base import FaultSpec, Twin
from reind.factory.twins.brewery.beer import BeerBatch
from reind.factory.twins.brewery.bottling import LABEL_REEL, BottlingLine
from reind.factory.twins.brewery.bottling_unit import (
    BOTTLING,
    apply_line_settings,
    bottling_step,
    on_bottling_state,
)
from reind.factory.twins.brewery.brewhouse import Brewhouse
from reind.factory.twins.brewery.cellar import DAY, BrightTank, FermentationTank, GlycolChiller
from reind.factory.twins.brewery.recipe import (
    BOTTLING_PHASES,
    BREWHOUSE_PHASES,
    BRIGHT_PHASES,
    CELLAR_PHASES,
    beer_masters,
)
from reind.factory.twins.brewery.tags import add_brewery_tags, refresh_brewery_tags
from reind.factory.twins.clock import SimulatedClock

logger = logging.getLogger(__name__)

__all__ = ["BOTTLING", "BREWHOUSE", "BeerLine"]

S = PackMLState
C = PackMLCommand
BREWHOUSE = "Brewhouse/"
CIP_SECONDS = 1800.0
BREW_SEQUENCE = ("lager", "ipa", "stout", "lager", "ipa")
DEMO_BREW_PACE = 60
"""At demo pace the brewhouse, its CIP and the bottling changeover run 60 times faster
(a brew in minutes), while the bottling line itself keeps real time."""
DEMO_CELLAR_PACE = 1440
"""At demo pace the cellar runs a day a minute: a week's fermentation in seven minutes."""
DEMO_BATCH_HL = 5.0
"""At demo pace batches are pilot-sized, so the bottling line (real time) empties a bright
tank in about a quarter of an hour and the beer keeps moving through the cellar."""


class BeerLine(Twin):
    """A digital twin of a local brewer's smart beer production line."""

    kind = "brewery"
    dt = 1.0
    faults = {
        "stuck_fermentation": FaultSpec(
            "stuck_fermentation", "Yeast stalls in a fermenter (tank=1..6)", "發酵停滯"
        ),
        "glycol_chiller_failure": FaultSpec(
            "glycol_chiller_failure", "The glycol chiller stops cooling", "乙二醇冷卻機故障"
        ),
        "filler_jam": FaultSpec("filler_jam", "A bottle jams in the filler", "灌裝機卡瓶"),
        "labeller_out_of_labels": FaultSpec(
            "labeller_out_of_labels", "The labeller runs out of labels, no spare reel", "標籤用完"
        ),
    }

    def __init__(
        self, clock: SimulatedClock, seed: int = 0, auto: bool = True, demo_pace: bool = False
    ) -> None:
        """A line in mid-production: beer in the cellar, one bright tank ready to bottle.

        ``demo_pace`` compresses the slow processes (``DEMO_BREW_PACE``,
        ``DEMO_CELLAR_PACE``) so a demo shows a beer go from brewhouse to bottle.
        """
        super().__init__(clock, seed)
        self.auto = auto
        self.brew_pace = DEMO_BREW_PACE if demo_pace else 1
        self.cellar_pace = DEMO_CELLAR_PACE if demo_pace else 1
        self.operator_stopped: set[str] = set()
        self.masters = beer_masters()
        self.sequence = cycle(BREW_SEQUENCE)
        self.batch_number = 0
        self.brewhouse = Brewhouse()
        self.fermenters = [FermentationTank(f"FV{n}") for n in range(1, 7)]
        self.bright_tanks = [BrightTank(f"BBT{n}") for n in range(1, 3)]
        self.chiller = GlycolChiller()
        self.line = BottlingLine(self.rng)
        self.next_brew = self._new_batch(next(self.sequence))
        self.bottling: BeerBatch | None = None
        self.bottling_tank: BrightTank | None = None
        self.next_bottling: BrightTank | None = None
        self.bottling_product = "lager"
        self.changeover_left = 0.0
        self.changeovers = 0
        self.cip_left = 0.0
        self.bottled_at_start = (0, 0)
        self.counted = (0, 0)
        self.outfeed_blocked_for = 0.0
        self.finished_batches: list[BeerBatch] = []
        self.bh_unit = self.add_unit(BREWHOUSE, "brewhouse")
        self.bl_unit = self.add_unit(BOTTLING, "bottling-line")
        self.bh_unit.listeners.append(lambda e: self._on_brewhouse(e.current))
        self.bl_unit.listeners.append(lambda e: on_bottling_state(self, e.current))
        self._stock_cellar()
        self._add_recipe_tags()
        add_brewery_tags(self)
        self.bind_recipe(self.next_brew.recipe, BREWHOUSE)

    # ------------------------------------------------------------------ batches and recipes
    def _new_batch(self, product: str) -> BeerBatch:
        self.batch_number += 1
        batch_id = f"{product.upper()}-{self.clock.now():%Y%m%d}-{self.batch_number:03d}"
        recipe = ControlRecipe.from_master(self.masters[product], batch_id, self.clock)
        batch = BeerBatch(batch_id, product, recipe, BatchRecord(recipe, self.clock))
        if self.cellar_pace > 1:
            batch.volume_hl = DEMO_BATCH_HL
        return batch

    def _stock_cellar(self) -> None:
        """Beer already in the cellar when the twin starts, staggered as a real cellar is."""
        stock = (("lager", 6.5), ("stout", 3.0), ("ipa", 1.0), ("lager", 12.0))
        for tank, (product, days) in zip(self.fermenters, stock, strict=False):
            batch = self._new_batch(product)
            batch.nominal_wort()
            tank.fill(batch, age=days * DAY)
            self.bind_recipe(batch.recipe, f"{tank.name}/")
        for bright, (product, hours) in zip(
            self.bright_tanks, (("lager", 48), ("ipa", 6)), strict=True
        ):
            batch = self._new_batch(product)
            batch.nominal_wort()
            batch.gravity = batch.final_gravity_target
            bright.fill(batch, carbonated=hours * 3600)

    def _add_recipe_tags(self) -> None:
        template = self.next_brew.recipe
        self.add_recipe_tags(template, BREWHOUSE, BREWHOUSE_PHASES)
        for tank in self.fermenters:
            self.add_recipe_tags(template, f"{tank.name}/", CELLAR_PHASES)
        for bright in self.bright_tanks:
            self.add_recipe_tags(template, f"{bright.name}/", BRIGHT_PHASES)
        self.add_recipe_tags(template, BOTTLING, BOTTLING_PHASES)
        for tank in self.fermenters:
            if tank.batch is not None:
                self.show_recipe(tank.batch.recipe, f"{tank.name}/")
        for bright in self.bright_tanks:
            if bright.batch is not None:
                self.bind_recipe(bright.batch.recipe, f"{bright.name}/")

    def holders(self) -> dict[str, BeerBatch | None]:
        """Which batch each unit prefix holds now (what its recipe tags address)."""
        held: dict[str, BeerBatch | None] = {
            BREWHOUSE: self.brewhouse.batch if self._brewing else self.next_brew,
            BOTTLING: self.bottling
            or (self.next_bottling.batch if self.next_bottling is not None else None),
        }
        for tank in self.fermenters:
            held[f"{tank.name}/"] = tank.batch
        for bright in self.bright_tanks:
            held[f"{bright.name}/"] = bright.batch
        return held

    @property
    def _brewing(self) -> bool:
        return self.brewhouse.batch is not None and not self.brewhouse.finished

    def current_recipe(self, prefix: str) -> ControlRecipe:
        """The control recipe of the batch the unit under ``prefix`` holds."""
        batch = self.holders().get(prefix)
        if batch is None:
            raise ConflictError(f"{prefix.rstrip('/')} holds no batch to adjust")
        return batch.recipe

    def recipe_prefixes_for(self, batch_id: str) -> list[str]:
        """Every unit whose recipe tags show ``batch_id``."""
        return [p for p, b in self.holders().items() if b is not None and b.batch_id == batch_id]

    def on_recipe_change(self, adjustment: Adjustment) -> None:
        """New temperatures go to the jacket PID, new speeds to the line, at once."""
        if self.bottling is not None and self.bottling.batch_id == adjustment.batch_id:
            apply_line_settings(self, self.bottling.recipe)
        for tank in self.fermenters:
            batch = tank.batch
            if batch is None or batch.batch_id != adjustment.batch_id:
                continue
            if adjustment.phase == "fermentation" and tank.state == "fermenting":
                tank.loop.set_setpoint(adjustment.new)
            if adjustment.phase == "conditioning" and tank.state != "fermenting":
                tank.loop.set_setpoint(batch.recipe.value("conditioning", "temperature"))

    # ------------------------------------------------------------------ PackML hooks
    def _on_brewhouse(self, state: PackMLState) -> None:
        if state is S.RESETTING:
            self.cip_left = CIP_SECONDS
        elif state is S.STARTING:
            batch = self.next_brew
            batch.record.start()
            self.brewhouse.start(batch, self.clock.now())
        elif state is S.COMPLETE:
            self.next_brew = self._new_batch(next(self.sequence))
            self.bind_recipe(self.next_brew.recipe, BREWHOUSE)

    def check_command(self, prefix: str, command: PackMLCommand) -> None:
        """Unhold only after the cause is gone; Start only with beer to brew into or bottle."""
        if prefix == BOTTLING and command is C.UNHOLD:
            if "filler_jam" in self.active_faults:
                raise ConflictError("cannot Unhold: the filler is still jammed / 灌裝機仍卡瓶")
            if self.line.labeller.faulted:
                raise ConflictError("cannot Unhold: the labeller has no labels / 標籤仍未補充")
        if prefix == BOTTLING and command is C.START and self.next_bottling is None:
            raise ConflictError(
                "cannot Start bottling: no bright tank was ready at Reset (Stop, then Reset "
                "when one is) / 無法開始灌裝:重設時沒有已備妥的清酒罐"
            )
        if prefix == BREWHOUSE and command is C.START and self._free_fermenter() is None:
            raise ConflictError(
                "cannot Start a brew: no empty fermenter to knock out into "
                "/ 無法開始釀造:沒有空的發酵罐"
            )

    def on_fault(self, name: str, params: dict[str, float], active: bool) -> None:
        """Apply or repair a fault."""
        if name == "stuck_fermentation":
            tank = self._fault_tank(params)
            tank.stuck = active
        elif name == "glycol_chiller_failure":
            self.chiller.failed = active
        elif name == "filler_jam":
            self.line.filler.faulted = active
        elif name == "labeller_out_of_labels":
            self.line.spare_reels = not active
            if active:
                self.line.labels = min(self.line.labels, 40)
            else:  # the operator loads a fresh reel
                self.line.labels = LABEL_REEL
                self.line.labeller.faulted = False

    def _fault_tank(self, params: dict[str, float]) -> FermentationTank:
        if "tank" in params:
            return self.fermenters[int(params["tank"]) - 1]
        fermenting = [t for t in self.fermenters if t.state == "fermenting"]
        if not fermenting:
            raise ConflictError("no fermenter is fermenting; name one with tank=N")
        return fermenting[0]

    # ------------------------------------------------------------------ simulation
    def step(self) -> None:
        """Advance one second."""
        self.clock.advance(self.dt)
        tick = round(self.clock.elapsed)
        bottling_step(self)
        if tick % 10 == 0:
            for _ in range(self.brew_pace):
                self._brewhouse_step(10.0)
        if tick % 60 == 0:
            for _ in range(self.cellar_pace):
                self._cellar_step(60.0)
        if self.auto and tick % (60 if self.brew_pace == 1 else 5) == 0:
            self._schedule()
        refresh_brewery_tags(self, slow=tick % 60 == 0)
        self.heartbeat()

    def _brewhouse_step(self, dt: float) -> None:
        unit = self.bh_unit
        state = unit.state
        self.add_energy(BREWHOUSE, self.brewhouse.vessel.heater_watts, dt)
        if self.brewhouse.update(dt, self.clock.now()) and state is S.EXECUTE:
            batch = self.brewhouse.batch
            assert batch is not None
            tank = self._free_fermenter()
            if tank is None:
                raise ConflictError("knockout with no empty fermenter")
            tank.fill(batch)
            self.bind_recipe(batch.recipe, f"{tank.name}/")
            unit.count_processed(1)
            unit.state_complete()
        elif state is S.RESETTING:
            self.cip_left -= dt
            if self.cip_left <= 0:
                unit.state_complete()
        elif state in (S.STARTING, S.COMPLETING, S.HOLDING, S.UNHOLDING, S.STOPPING):
            unit.state_complete()
        elif state in (S.SUSPENDING, S.UNSUSPENDING, S.ABORTING, S.CLEARING):
            unit.state_complete()

    def _free_fermenter(self) -> FermentationTank | None:
        return next((t for t in self.fermenters if t.state == "empty"), None)

    def ready_bright_tank(self) -> BrightTank | None:
        """The first bright tank whose beer is carbonated and ready to bottle."""
        return next((b for b in self.bright_tanks if b.state == "ready"), None)

    def _cellar_step(self, dt: float) -> None:
        valves = 0.0
        for tank in self.fermenters:
            tank.update(dt, self.chiller.supply)
            valves += tank.jacket.valve
        self.chiller.update(dt, valves)
        for bright in self.bright_tanks:
            bright.update(dt)
        for tank in self.fermenters:
            if tank.state == "ready":
                free = next((b for b in self.bright_tanks if b.state == "empty"), None)
                if free is not None:
                    batch = tank.empty()
                    batch.record.record(
                        "conditioning", self.clock.now(), {"gravity": batch.gravity}
                    )
                    free.fill(batch)
                    self.bind_recipe(batch.recipe, f"{free.name}/")

    def on_operator_command(self, prefix: str, command: PackMLCommand) -> None:
        """An operator's command takes the unit out of the scheduler's hands (a Stop
        sticks, a Reset is not followed by an automatic Start) until the operator puts
        it back into production with Start or Unhold."""
        if command in (C.START, C.UNHOLD):
            self.operator_stopped.discard(prefix)
        else:
            self.operator_stopped.add(prefix)

    def _schedule(self) -> None:
        """What the shift would do next, by issuing ordinary PackML commands."""
        for prefix, unit in ((BREWHOUSE, self.bh_unit), (BOTTLING, self.bl_unit)):
            if prefix in self.operator_stopped:
                continue
            state = unit.state
            if state in (S.STOPPED, S.COMPLETE) and self._can_prepare(prefix):
                self.command(prefix, C.RESET)
            elif state is S.IDLE:
                ready = self._free_fermenter() if prefix == BREWHOUSE else self.next_bottling
                if ready is not None:
                    self.command(prefix, C.START)
                elif prefix == BOTTLING and self.ready_bright_tank() is not None:
                    self.command(prefix, C.STOP)  # re-reset to pick up the tank that is ready

    def _can_prepare(self, prefix: str) -> bool:
        if prefix == BREWHOUSE:
            return self._free_fermenter() is not None
        return self.ready_bright_tank() is not None
