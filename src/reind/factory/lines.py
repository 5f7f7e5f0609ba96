"""The factory's public surface for line definitions: each line kind's master recipes.

A master recipe is the equipment's configuration (phases, parameters, limits);
pages and reports read it here, never in the twins' modules, so the twins can
be reorganised without touching them (docs/decisions/0093-factory-layout.md).
"""

from reind.factory.control.recipe import MasterRecipe, ParameterSpec, Phase
from reind.factory.twins.brewery.recipe import beer_masters
from reind.factory.twins.waffle.recipe import egg_waffle_master

__all__ = ["MasterRecipe", "ParameterSpec", "Phase", "beer_masters", "egg_waffle_master"]
