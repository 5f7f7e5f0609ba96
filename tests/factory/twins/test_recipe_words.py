"""The twins' recipes in Chinese read as Chinese is written: brackets full width."""

from __future__ import annotations

import pytest

from reind.factory.control.recipe import MasterRecipe
from reind.factory.twins.brewery.recipe import beer_masters
from reind.factory.twins.waffle.recipe import egg_waffle_master

MASTERS = [egg_waffle_master(), *beer_masters().values()]


def chinese_words(master: MasterRecipe) -> list[str]:
    """The product's, each phase's and each parameter's Chinese name (what the HMI shows)."""
    words = [master.product_zh]
    for phase in master.phases():
        words.append(phase.title_zh)
        words += [spec.description_zh for spec in phase.parameters]
    return words


@pytest.mark.parametrize("master", MASTERS, ids=lambda master: master.recipe_id)
def test_every_chinese_name_in_a_recipe_writes_its_brackets_full_width(
    master: MasterRecipe,
) -> None:
    half_width = [word for word in chinese_words(master) if "(" in word or ")" in word]
    assert half_width == []
