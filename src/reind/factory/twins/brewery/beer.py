"""A batch of beer as it moves from brewhouse to fermenter to bright tank to bottle.

The batch carries its control recipe and batch record with it, so what the
brewhouse, the cellar and the bottling line did to it ends up in one record.
The wort figures come from the recipe and what actually happened: original
gravity from the malt and the boil, fermentability from the measured
saccharification-rest temperature, bitterness from the hops and boil time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reind.factory.control.batch import BatchRecord
from reind.factory.control.recipe import ControlRecipe

BREW_LENGTH_HL = 50.0
EXTRACT_PER_POINT = 0.26  # kg of extract per hL per gravity point (1 point = 0.001 SG)
FERMENTATION_HEAT = 587e3  # J released per kg of extract fermented


def original_gravity(grain_bill: float, boil_minutes: float) -> float:
    """Specific gravity after the boil, from malt per hL and evaporation."""
    points = grain_bill * 2.6 * 0.9 * (1.0 + 0.0015 * boil_minutes)
    return 1.0 + points / 1000.0


def attenuation(saccharification_temperature: float) -> float:
    """Apparent attenuation: a cooler rest makes more fermentable (drier) wort."""
    return max(0.55, min(0.88, 0.80 - 0.025 * (saccharification_temperature - 64.0)))


def bitterness(hop_rate: float, boil_minutes: float) -> float:
    """IBU from hops (g/hL, 5 % alpha) and boil time."""
    utilisation = 0.3 * (1.0 - math.exp(-0.04 * boil_minutes))
    return hop_rate / 100.0 * 50.0 * utilisation


@dataclass
class BeerBatch:
    """One brew of one product."""

    batch_id: str
    product: str
    recipe: ControlRecipe
    record: BatchRecord
    volume_hl: float = BREW_LENGTH_HL
    original_gravity: float = 1.0
    final_gravity_target: float = 1.0
    gravity: float = 1.0
    ibu: float = 0.0
    co2: float = 0.0

    @property
    def abv(self) -> float:
        """Alcohol by volume (%) at the present gravity."""
        return (self.original_gravity - self.gravity) * 131.25

    def set_wort(self, og: float, rest_temperature: float, ibu: float) -> None:
        """Fix the wort figures at knockout."""
        self.original_gravity = og
        self.gravity = og
        self.final_gravity_target = 1.0 + (og - 1.0) * (1.0 - attenuation(rest_temperature))
        self.ibu = ibu

    def nominal_wort(self) -> None:
        """Wort figures as the recipe intends (for batches already in the cellar at start)."""
        value = self.recipe.value
        self.set_wort(
            original_gravity(value("mash_in", "grain_bill"), value("boil", "duration")),
            value("saccharification_rest", "temperature"),
            bitterness(value("boil", "hop_rate"), value("boil", "duration")),
        )
