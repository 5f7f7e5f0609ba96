"""One waffle's history and the inspection that judges it.

Quality is not rolled at random: it follows from what the waffle went
through. Browning integrates an Arrhenius-like rate of the plate it lay on,
the crumb sets as the batter's water is driven off, the fill is the dose
over the mould volume, and the freezer has to bring the core below −18 °C.
A recipe change or a fault therefore shows up as defects and yield.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from reind.factory.twins.thermal import BatterLoad
from reind.factory.twins.waffle.recipe import (
    BROWNING_GOOD,
    BROWNING_REFERENCE_C,
    BROWNING_SPAN_C,
    FREEZER_ENTRY_MAX_C,
    FROZEN_CORE_C,
    UNDERCOOKED_WATER_LEFT,
)

DEFECTS = (
    "under_baked",
    "over_baked",
    "incomplete_fill",
    "torn",
    "lumpy",
    "frosted",
    "not_frozen",
)
"""Every defect the inspection can find, in the order the tags list them."""

DEFECT_LABELS = {
    "under_baked": ("Under-baked", "未熟透"),
    "over_baked": ("Over-baked", "烤焦"),
    "incomplete_fill": ("Incomplete fill", "注漿不足"),
    "torn": ("Torn", "破損"),
    "lumpy": ("Lumpy batter", "漿粉不勻"),
    "frosted": ("Frosted", "結霜"),
    "not_frozen": ("Not frozen through", "未完全急凍"),
}


def browning_rate(plate_temperature: float) -> float:
    """Browning units per second at ``plate_temperature`` (1.0 at the reference)."""
    return math.exp((plate_temperature - BROWNING_REFERENCE_C) / BROWNING_SPAN_C)


@dataclass
class Waffle:
    """A waffle from dose to bag."""

    serial: int
    batch_id: str
    dose_ml: float
    fill_ratio: float
    batter: BatterLoad
    lumpy: bool = False
    browning_a: float = 0.0
    browning_b: float = 0.0
    torn: bool = False
    scrapped: bool = False
    oven_exit_temperature: float = 0.0
    freezer_entry_temperature: float = 0.0
    core_temperature_at_exit: float = 0.0
    initial_water: float = 0.0
    defects: list[str] = field(default_factory=list)

    def inspect(self) -> list[str]:
        """Judge the waffle; the defects found (empty for a good one)."""
        found: list[str] = []
        low, high = BROWNING_GOOD
        water_left = self.batter.water / self.initial_water if self.initial_water else 0.0
        if min(self.browning_a, self.browning_b) < low or water_left > UNDERCOOKED_WATER_LEFT:
            found.append("under_baked")
        if max(self.browning_a, self.browning_b) > high or self.scrapped:
            found.append("over_baked")
        if self.fill_ratio < 0.95:
            found.append("incomplete_fill")
        if self.torn:
            found.append("torn")
        if self.lumpy:
            found.append("lumpy")
        if self.freezer_entry_temperature > FREEZER_ENTRY_MAX_C:
            found.append("frosted")
        if self.core_temperature_at_exit > FROZEN_CORE_C:
            found.append("not_frozen")
        self.defects = found
        return found
