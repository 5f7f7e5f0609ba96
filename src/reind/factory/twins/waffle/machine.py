"""The egg-waffle machine twin (HKPC's automated frozen egg-waffle line, per the seed).

Layout: a batter mixer feeds a tank; a doser fills the clamshell mould on
plate A; after the first side the flipper turns the waffle onto plate B
("as a hawker does"); it is demoulded onto a cooling conveyor, passes a
quick-freezer and is bagged. Each plate has its own heater under PID
control and feels the cold batter on every dose. Every step is an ISA-88
phase whose parameters can be changed on their own while the batch runs.

PackML: Reset warms the plates (Resetting ends when both are on setpoint),
Start begins a batch, a dry batter tank Suspends the machine (starved), a
jammed flipper Holds it (internal fault) with a stop reason.
"""

from __future__ import annotations

import logging
from collections import deque

from reind.core.errors import ConflictError
from reind.factory.control.batch import BatchRecord
from reind.factory.control.packml import PackMLCommand, PackMLState, StateChanged
from reind.factory.control.pid import PIDLoop
from reind.factory.control.recipe import Adjustment, ControlRecipe
from reind.factory.twins.base import FaultSpec, Twin
from reind.factory.twins.clock import SimulatedClock
from reind.factory.twins.tags import Tag
from reind.factory.twins.thermal import HeatedPlate
from reind.factory.twins.waffle.quality import Waffle
from reind.factory.twins.waffle.recipe import (
    PLATE_RAMP,
    PLATE_TUNING,
    TANK_CAPACITY_L,
    egg_waffle_master,
)
from reind.factory.twins.waffle.stations import Stations
from reind.factory.twins.waffle.tags import add_waffle_tags, refresh_waffle_tags

logger = logging.getLogger(__name__)

S = PackMLState
UNIT = ""
HEATED_STATES = frozenset(S) - {S.STOPPED, S.ABORTING, S.ABORTED, S.CLEARING}
STOP_FLIPPER_JAMMED = 12
STOP_BATTER_EMPTY = 21
TANK_REORDER_L = 8.0  # a new mix starts when the tank falls below this
DEMO_TRANSIT_PACE = 10
"""At demo pace batter mixing and the cooling and freezing conveyors run ten times faster."""
AUXILIARY_WATTS = 1800.0  # freezer compressor, conveyors, mixer and doser on average


class WaffleMachine(Twin):
    """A digital twin of the automated frozen egg-waffle machine."""

    kind = "waffle"
    dt = 1.0
    faults = {
        "heater_degradation": FaultSpec(
            "heater_degradation",
            "A plate heater delivers only part of its power (plate=0 A / 1 B, health=0.4)",
            "加熱器功率下降",
        ),
        "thermocouple_drift": FaultSpec(
            "thermocouple_drift",
            "A plate thermocouple drifts (plate, offset °C, over seconds)",
            "熱電偶漂移",
        ),
        "jammed_flipper": FaultSpec("jammed_flipper", "The flipper jams mid-turn", "翻轉器卡住"),
        "batter_shortage": FaultSpec(
            "batter_shortage", "Ingredient supply to the mixer runs out", "漿料供應中斷"
        ),
    }

    def __init__(
        self, clock: SimulatedClock, seed: int = 0, order_quantity: int = 0, demo_pace: bool = False
    ) -> None:
        """A cold machine in Stopped; ``order_quantity`` 0 means produce until stopped.

        ``demo_pace`` moves waffles along the cooling conveyor and through the
        freezer, and mixes batter, ``DEMO_TRANSIT_PACE`` times faster, so the first
        pack comes minutes after Start rather than half an hour; what a waffle
        becomes is still judged on the recipe's times (a 900 s freeze freezes it).
        """
        super().__init__(clock, seed)
        self.transit_pace = DEMO_TRANSIT_PACE if demo_pace else 1
        self.master = egg_waffle_master()
        self.order_quantity = order_quantity
        self.batch_number = 1
        self.recipe = ControlRecipe.from_master(self.master, self._batch_id(), clock)
        self.record = BatchRecord(self.recipe, clock)
        self.records: list[BatchRecord] = [self.record]
        self.plate_a = HeatedPlate("A")
        self.plate_b = HeatedPlate("B")
        self.loop_a = PIDLoop("plate A", self.plate_a, PLATE_TUNING, 25.0, ramp_rate=PLATE_RAMP)
        self.loop_b = PIDLoop("plate B", self.plate_b, PLATE_TUNING, 25.0, ramp_rate=PLATE_RAMP)
        self.loop_a.set_manual(0.0)
        self.loop_b.set_manual(0.0)
        self.tank_level = 0.0  # L of batter ready
        self.mixer_remaining = 0.0  # s of mixing left; 0 when idle
        self.mixing_volume = 0.0
        self.supply_ok = True
        self.flipper_jammed = False
        self.freezer_air = -35.0
        self.cooling: deque[tuple[float, Waffle]] = deque()
        self.freezer: deque[tuple[float, Waffle]] = deque()
        self.bag: list[Waffle] = []
        self.packs = 0
        self.dosed = 0
        self.defect_counts: dict[str, int] = {}
        self.good = 0
        self.finished: deque[Waffle] = deque(maxlen=2000)
        self.saturated_seconds = [0.0, 0.0]
        self.drift_target = [0.0, 0.0]
        self.tag_signature: tuple[object, ...] = ()
        self.scan_tags: list[Tag] = []
        self.stations = Stations(self)
        self.machine = self.add_unit(UNIT, "egg-waffle")
        self.machine.listeners.append(self._on_state)
        self.add_recipe_tags(self.recipe)
        self.bind_recipe(self.recipe)
        add_waffle_tags(self)

    # ------------------------------------------------------------------ batches
    def _batch_id(self) -> str:
        return f"W{self.clock.now():%Y%m%d}-{self.batch_number:03d}"

    def current_recipe(self, prefix: str) -> ControlRecipe:
        """Writes go to the batch that runs now (or is prepared next)."""
        return self.recipe

    def _prepare_next_batch(self) -> None:
        self.batch_number += 1
        self.recipe = ControlRecipe.from_master(self.master, self._batch_id(), self.clock)
        self.record = BatchRecord(self.recipe, self.clock)
        self.records.append(self.record)
        self.bind_recipe(self.recipe)
        self._apply_setpoints()

    def on_recipe_change(self, adjustment: Adjustment) -> None:
        """A new plate setpoint goes to the PID at once (ramped)."""
        if adjustment.parameter == "plate_setpoint":
            self._apply_setpoints()

    def _apply_setpoints(self) -> None:
        if self.machine.state in HEATED_STATES:
            self.loop_a.set_setpoint(self.recipe.value("baking_side_a", "plate_setpoint"))
            self.loop_b.set_setpoint(self.recipe.value("baking_side_b", "plate_setpoint"))

    def _on_state(self, event: StateChanged) -> None:
        if event.current is S.RESETTING:
            if self.record.started_at is not None:
                self._prepare_next_batch()
            for loop in (self.loop_a, self.loop_b):
                if not loop.auto:
                    loop.track()
                    loop.set_auto()
            self._apply_setpoints()
        elif event.current is S.STARTING and self.record.started_at is None:
            self.record.start()
        elif event.current in (S.STOPPED, S.ABORTED):
            self.loop_a.set_manual(0.0)
            self.loop_b.set_manual(0.0)
            if self.record.started_at is not None and self.record.ended_at is None:
                self._end_batch()
        elif event.current is S.COMPLETE:
            self._end_batch()

    def _end_batch(self) -> None:
        self.record.end(
            processed=self.machine.processed.count,
            defective=self.machine.defective.count,
            packs=self.packs,
        )

    # ------------------------------------------------------------------ commands and faults
    def check_command(self, prefix: str, command: PackMLCommand) -> None:
        """A jammed flipper must be cleared before the machine may carry on."""
        if command is PackMLCommand.UNHOLD and self.flipper_jammed:
            raise ConflictError(
                "cannot Unhold: the flipper is still jammed (clear the jam first) / 翻轉器仍然卡住",
                state=self.machine.state.label,
                command=command.label,
            )

    def on_fault(self, name: str, params: dict[str, float], active: bool) -> None:
        """Apply or repair a fault."""
        plate = self.plate_b if params.get("plate", 0.0) >= 1 else self.plate_a
        index = 1 if plate is self.plate_b else 0
        if name == "heater_degradation":
            plate.heater_health = params.get("health", 0.4) if active else 1.0
        elif name == "thermocouple_drift":
            if active:
                offset = params.get("offset", -20.0)
                self.drift_target[index] = offset
                plate.sensor_drift_rate = offset / max(params.get("over", 600.0), 1.0)
            else:
                plate.sensor_drift = 0.0
                plate.sensor_drift_rate = 0.0
        elif name == "jammed_flipper":
            self.flipper_jammed = active
            if not active:
                self.stations.clear_jam()  # the fitter takes the stuck waffle out
        elif name == "batter_shortage":
            self.supply_ok = not active

    def hold_for(self, code: int, message_en: str, message_zh: str) -> None:
        """The machine holds itself for an internal fault, with the reason."""
        if self.machine.can(PackMLCommand.HOLD):
            self.machine.record_stop_reason(code, message_en, message_zh)
            self.machine.command(PackMLCommand.HOLD)

    # ------------------------------------------------------------------ simulation
    def step(self) -> None:
        """Advance one second: heaters, plates, mixer, stations, conveyors, states, tags."""
        dt = self.dt
        self.clock.advance(dt)
        now = self.clock.elapsed
        state = self.machine.state
        if state in HEATED_STATES:
            self.loop_a.update(dt)
            self.loop_b.update(dt)
        stations = self.stations
        plate_a, plate_b = self.plate_a, self.plate_b
        load_a = stations.load_a(plate_a.temperature, dt)
        load_b = stations.load_b(plate_b.temperature, dt)
        plate_a.step(dt, load_a)
        plate_b.step(dt, load_b)
        self._drift_limits()
        self._mixer(dt)
        stations.step(dt, state)
        self._conveyors(now)
        self._freezer_air(dt)
        self._packml(state)
        self.add_energy(UNIT, self._electrical_watts(state), dt)
        refresh_waffle_tags(self)
        self.heartbeat()

    def _electrical_watts(self, state: PackMLState) -> float:
        """Both plate heaters as delivered, plus the freezer and conveyors while powered."""
        auxiliaries = 0.0 if state in (S.STOPPED, S.ABORTED) else AUXILIARY_WATTS
        return self.plate_a.heater_watts + self.plate_b.heater_watts + auxiliaries

    def _drift_limits(self) -> None:
        for index, plate in enumerate((self.plate_a, self.plate_b)):
            target = self.drift_target[index]
            if plate.sensor_drift_rate and abs(plate.sensor_drift) >= abs(target):
                plate.sensor_drift = target
                plate.sensor_drift_rate = 0.0

    def _mixer(self, dt: float) -> None:
        if self.mixer_remaining > 0:
            self.mixer_remaining -= dt
            if self.mixer_remaining <= 0:
                self.mixer_remaining = 0.0
                self.tank_level = min(TANK_CAPACITY_L, self.tank_level + self.mixing_volume)
            return
        volume = self.recipe.value("mixing", "batch_volume")
        running = self.machine.state not in (S.STOPPED, S.ABORTED, S.ABORTING, S.CLEARING)
        if running and self.supply_ok and self.tank_level < TANK_REORDER_L:
            self.mixing_volume = volume
            self.mixer_remaining = self.recipe.value("mixing", "mixing_time") / self.transit_pace

    @property
    def mixed_well(self) -> float:
        """How well the batter in the tank was mixed (1.0 fully)."""
        return min(1.0, self.recipe.value("mixing", "mixing_time") / 200.0)

    def _conveyors(self, now: float) -> None:
        cooling, freezer = self.cooling, self.freezer
        while cooling and cooling[0][0] <= now:
            _, waffle = cooling.popleft()
            self.stations.into_freezer(waffle, now)
        while freezer and freezer[0][0] <= now:
            _, waffle = freezer.popleft()
            self.stations.pack(waffle)

    def _freezer_air(self, dt: float) -> None:
        setpoint = self.recipe.value("quick_freezing", "freezer_setpoint")
        self.freezer_air += (setpoint - self.freezer_air) * dt / 300.0

    def _packml(self, state: PackMLState) -> None:
        machine = self.machine
        stations = self.stations
        if state is S.RESETTING:
            if all(
                abs(loop.process.read_pv() - loop.target_setpoint) < 3.0
                and loop.setpoint == loop.target_setpoint
                for loop in (self.loop_a, self.loop_b)
            ):
                machine.state_complete()
        elif state is S.STARTING:
            if self.tank_level * 1000 >= self.recipe.value("dosing", "dose_volume"):
                machine.state_complete()
        elif state is S.EXECUTE:
            if self.order_quantity and self.dosed >= self.order_quantity and stations.empty:
                machine.state_complete()
            elif stations.starved:
                machine.record_stop_reason(
                    STOP_BATTER_EMPTY, "Starved: batter tank empty", "待料:漿缸已空"
                )
                machine.command(PackMLCommand.SUSPEND)
        elif state is S.SUSPENDED:
            if self.tank_level * 1000 >= self.recipe.value("dosing", "dose_volume"):
                machine.command(PackMLCommand.UNSUSPEND)
        elif state in (S.HOLDING, S.STOPPING, S.COMPLETING):
            if stations.empty or (state is S.HOLDING and self.flipper_jammed):
                machine.state_complete()
        elif state is S.UNHOLDING:
            machine.state_complete()
        elif state is S.ABORTING:
            stations.scrap_all()
            machine.state_complete()
        elif state in (S.SUSPENDING, S.UNSUSPENDING, S.CLEARING):
            machine.state_complete()
        if machine.state is not state:
            self.refresh_unit_tags(UNIT)
