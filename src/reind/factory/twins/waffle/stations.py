"""The plate stations of the waffle machine: dose, bake, flip, bake, demould, then onward.

Plate A takes the dose and bakes the first side; the flipper turns the
waffle onto plate B for the second side. A waffle waits on plate A while
plate B is busy (and keeps browning: set side B longer than side A and the
first side burns). Each phase reads its parameters when it begins, so an
adjustment mid-batch applies from the next waffle that reaches that phase,
and the batch record keeps what each waffle actually got.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING

from reind.factory.control.packml import PackMLState
from reind.factory.twins.thermal import BatterLoad
from reind.factory.twins.waffle.quality import Waffle, browning_rate
from reind.factory.twins.waffle.recipe import (
    BATTER_DENSITY,
    BATTER_WATER_TO_DRIVE_OFF,
    MOULD_VOLUME_ML,
)

if TYPE_CHECKING:
    from reind.factory.twins.waffle.machine import WaffleMachine

S = PackMLState
DOSING_TIME = 3.0  # s the doser needs
FLIP_TIMEOUT = 5.0  # s past the flip duration before the flipper counts as jammed
COOLING_TAU = 110.0  # s, waffle on the cooling conveyor
FREEZING_TAU = 260.0  # s, core temperature in the freezer


class Stations:
    """Plates A and B with the waffles on them, and the hand-over downstream."""

    def __init__(self, machine: WaffleMachine) -> None:
        """Empty stations."""
        self.m = machine
        self.a: Waffle | None = None
        self.a_phase = ""
        self.a_timer = 0.0
        self.a_started: datetime | None = None
        self.b: Waffle | None = None
        self.b_phase = ""
        self.b_timer = 0.0
        self.b_started: datetime | None = None
        self.starved = False

    @property
    def empty(self) -> bool:
        """Nothing on either plate."""
        return self.a is None and self.b is None

    def load_a(self, temperature: float, dt: float) -> float:
        """Heat the waffle on plate A draws; browns its first side while it lies there."""
        waffle = self.a
        if waffle is None or self.a_phase == "flipping":
            return 0.0
        waffle.browning_a += browning_rate(temperature) * dt
        return waffle.batter.heat_flow(temperature, dt)

    def load_b(self, temperature: float, dt: float) -> float:
        """Heat the waffle on plate B draws; browns its second side."""
        waffle = self.b
        if waffle is None:
            return 0.0
        waffle.browning_b += browning_rate(temperature) * dt
        return waffle.batter.heat_flow(temperature, dt)

    def step(self, dt: float, state: PackMLState) -> None:
        """Move each station's phase on by ``dt``."""
        if self.b is not None:
            self._step_b(dt)
        if self.a is not None:
            self._step_a(dt)
        elif state is S.EXECUTE and not (
            self.m.order_quantity and self.m.dosed >= self.m.order_quantity
        ):
            self._dose()

    def _dose(self) -> None:
        m = self.m
        wanted = m.recipe.value("dosing", "dose_volume")
        available = m.tank_level * 1000.0
        if available < 1.0:
            self.starved = True
            return
        self.starved = False
        dose = min(wanted * m.rng.gauss(1.0, 0.012), available)
        m.tank_level = max(0.0, m.tank_level - dose / 1000.0)
        mass = dose * BATTER_DENSITY / 1000.0
        water = mass * BATTER_WATER_TO_DRIVE_OFF
        m.dosed += 1
        self.a = Waffle(
            serial=m.dosed,
            batch_id=m.recipe.batch_id,
            dose_ml=dose,
            fill_ratio=dose / MOULD_VOLUME_ML,
            batter=BatterLoad(mass=mass, water=water, contact_conductance=12.0),
            lumpy=m.rng.random() > m.mixed_well,
            initial_water=water,
        )
        self.a_phase = "dosing"
        self.a_timer = DOSING_TIME
        self.a_started = m.clock.now()

    def _step_a(self, dt: float) -> None:
        m = self.m
        waffle = self.a
        assert waffle is not None
        self.a_timer -= dt
        if self.a_phase == "flipping" and m.flipper_jammed:
            if self.a_timer <= -FLIP_TIMEOUT:
                m.hold_for(12, "Flipper jammed", "翻轉器卡住")
            return
        if self.a_timer > 0:
            return
        record = m.record
        if self.a_phase == "dosing":
            record.record(
                "dosing", self._a_since(), {"fill_ratio": waffle.fill_ratio}, f"{waffle.serial}"
            )
            self._a_next("baking_side_a", m.recipe.value("baking_side_a", "bake_time"))
        elif self.a_phase == "baking_side_a":
            self._a_next("waiting", m.recipe.value("flipping", "flip_delay"))
        elif self.a_phase == "waiting":
            if self.b is not None:
                return  # plate B still busy: the waffle waits (and browns on)
            record.record(
                "baking_side_a",
                self._a_since(),
                {"browning": waffle.browning_a},
                f"{waffle.serial}",
            )
            duration = m.recipe.value("flipping", "flip_duration")
            if duration < 3.0 and m.rng.random() < (3.0 - duration) * 0.35:
                waffle.torn = True
            self._a_next("flipping", duration)
        elif self.a_phase == "flipping":
            record.record(
                "flipping", self._a_since(), {"torn": float(waffle.torn)}, f"{waffle.serial}"
            )
            self.b = waffle
            self.b_phase = "baking_side_b"
            self.b_timer = m.recipe.value("baking_side_b", "bake_time")
            self.b_started = m.clock.now()
            self.a = None
            self.a_phase = ""

    def _a_since(self) -> datetime:
        assert self.a_started is not None
        return self.a_started

    def _a_next(self, phase: str, duration: float) -> None:
        self.a_phase = phase
        self.a_timer = duration
        if phase != "waiting":
            self.a_started = self.m.clock.now()

    def _step_b(self, dt: float) -> None:
        m = self.m
        waffle = self.b
        assert waffle is not None and self.b_started is not None
        self.b_timer -= dt
        if self.b_timer > 0:
            return
        serial = f"{waffle.serial}"
        if self.b_phase == "baking_side_b":
            m.record.record(
                "baking_side_b", self.b_started, {"browning": waffle.browning_b}, serial
            )
            self.b_phase = "demoulding"
            self.b_timer = m.recipe.value("demoulding", "demould_time")
            self.b_started = m.clock.now()
        else:
            m.record.record("demoulding", self.b_started, {}, serial)
            waffle.oven_exit_temperature = waffle.batter.temperature
            cooling_time = m.recipe.value("cooling", "cooling_time")
            ambient = self.m.plate_a.ambient
            waffle.freezer_entry_temperature = ambient + (
                waffle.oven_exit_temperature - ambient
            ) * math.exp(-cooling_time / COOLING_TAU)
            m.cooling.append((m.clock.elapsed + cooling_time / m.transit_pace, waffle))
            self.b = None
            self.b_phase = ""

    def into_freezer(self, waffle: Waffle, now: float) -> None:
        """A waffle leaves the cooling conveyor and enters the quick-freezer."""
        m = self.m
        freeze_time = m.recipe.value("quick_freezing", "freeze_time")
        air = m.freezer_air
        waffle.core_temperature_at_exit = air + (waffle.freezer_entry_temperature - air) * math.exp(
            -freeze_time / FREEZING_TAU
        )
        m.freezer_air += 0.02 * (waffle.freezer_entry_temperature - air) / 10.0
        m.freezer.append((now + freeze_time / m.transit_pace, waffle))

    def pack(self, waffle: Waffle) -> None:
        """Inspect a frozen waffle; bag the good ones, reject the rest, count both."""
        m = self.m
        defects = waffle.inspect()
        m.finished.append(waffle)
        m.machine.count_processed(1, defective=1 if defects else 0)
        if defects:
            for defect in defects:
                m.defect_counts[defect] = m.defect_counts.get(defect, 0) + 1
            return
        m.good += 1
        m.bag.append(waffle)
        if len(m.bag) >= m.recipe.value("packing", "pack_size"):
            m.packs += 1
            m.bag.clear()

    def clear_jam(self) -> None:
        """After a jam the waffle stuck in the flipper is scrapped (burnt on plate A)."""
        waffle = self.a
        if waffle is not None and self.a_phase == "flipping":
            waffle.scrapped = True
            waffle.inspect()
            self.m.machine.count_processed(1, defective=1)
            self.m.defect_counts["over_baked"] = self.m.defect_counts.get("over_baked", 0) + 1
            self.a = None
            self.a_phase = ""

    def scrap_all(self) -> None:
        """Abort: whatever is on the plates is thrown away uncounted."""
        self.a = None
        self.b = None
        self.a_phase = self.b_phase = ""
