"""ISA-88 recipes: control recipes copy the master and every adjustment is recorded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reind.core.errors import ConflictError, InvalidInputError, NotFoundError
from reind.factory.control.batch import BatchRecord
from reind.factory.control.recipe import (
    ControlRecipe,
    MasterRecipe,
    Operation,
    ParameterSpec,
    Phase,
    UnitProcedure,
)
from reind.factory.twins.clock import SimulatedClock


def master() -> MasterRecipe:
    mash_in = Phase(
        "mash_in", "Mash in", "投料糖化", (ParameterSpec("temperature", "degC", 65, 60, 72),)
    )
    boil = Phase(
        "boil",
        "Boil",
        "煮沸",
        (
            ParameterSpec("duration", "min", 60, 45, 120),
            ParameterSpec("hops", "g/hL", 150, 0, 600),
        ),
    )
    return MasterRecipe(
        "lager",
        1,
        "Lager",
        "拉格",
        (UnitProcedure("brew", "brewhouse", (Operation("wort", (mash_in, boil)),)),),
    )


def test_a_control_recipe_starts_as_a_copy_of_the_master_defaults() -> None:
    recipe = ControlRecipe.from_master(master(), "B1", SimulatedClock())
    assert recipe.value("boil", "duration") == 60
    assert recipe.master.path("boil") == "brew/wort/boil"


def test_an_adjustment_within_limits_is_recorded_with_who_when_old_new_why() -> None:
    clock = SimulatedClock()
    recipe = ControlRecipe.from_master(master(), "B1", clock)
    clock.advance(300)
    adjustment = recipe.adjust("boil", "duration", 75, who="operator-7", why="more bitterness")
    assert recipe.value("boil", "duration") == 75
    assert recipe.value("mash_in", "temperature") == 65  # other phases untouched
    assert (adjustment.old, adjustment.new, adjustment.who) == (60, 75, "operator-7")
    assert adjustment.at == clock.now()
    assert recipe.adjustments == [adjustment]


@pytest.mark.parametrize("value", [44.9, 121, float("nan"), "abc"])
def test_an_out_of_limit_value_is_refused_and_nothing_changes(value: float) -> None:
    recipe = ControlRecipe.from_master(master(), "B1", SimulatedClock())
    with pytest.raises(InvalidInputError, match="boil.duration"):
        recipe.adjust("boil", "duration", value, who="op", why="test")
    assert recipe.value("boil", "duration") == 60
    assert recipe.adjustments == []


def test_unknown_phase_or_parameter_is_not_found() -> None:
    recipe = ControlRecipe.from_master(master(), "B1", SimulatedClock())
    with pytest.raises(NotFoundError):
        recipe.adjust("ferment", "days", 7, who="op", why="")
    with pytest.raises(NotFoundError, match="has: duration, hops"):
        recipe.adjust("boil", "colour", 7, who="op", why="")


def test_an_adjustment_without_a_person_is_refused() -> None:
    recipe = ControlRecipe.from_master(master(), "B1", SimulatedClock())
    with pytest.raises(InvalidInputError):
        recipe.adjust("boil", "duration", 70, who=" ", why="")


def test_defaults_outside_limits_and_repeated_phase_names_are_refused() -> None:
    with pytest.raises(InvalidInputError):
        ParameterSpec("t", "degC", 90, 60, 72)
    phase = Phase("boil", "Boil", "煮沸")
    with pytest.raises(InvalidInputError, match="unique"):
        MasterRecipe(
            "x", 1, "X", "X", (UnitProcedure("u", "u", (Operation("o", (phase, phase)),)),)
        )


def test_the_batch_record_keeps_what_each_phase_run_used() -> None:
    clock = SimulatedClock()
    recipe = ControlRecipe.from_master(master(), "B1", clock)
    record = BatchRecord(recipe, clock)
    record.start()
    started = clock.now()
    clock.advance(3600)
    record.record("boil", started, {"bitterness_ibu": 20})
    recipe.adjust("boil", "duration", 90, who="op", why="second boil longer")
    record.record("boil", clock.now(), {"bitterness_ibu": 28})
    record.end(litres=1000)
    runs = record.runs_of("boil")
    assert [r.parameters["duration"] for r in runs] == [60, 90]
    assert record.adjustments[0].new == 90
    with pytest.raises(ConflictError):
        record.record("boil", clock.now())


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6))
def test_a_value_is_accepted_exactly_when_it_lies_within_the_limits(value: float) -> None:
    recipe = ControlRecipe.from_master(master(), "B1", SimulatedClock())
    if 45 <= value <= 120:
        recipe.adjust("boil", "duration", value, who="op", why="")
        assert recipe.value("boil", "duration") == value
    else:
        with pytest.raises(InvalidInputError):
            recipe.adjust("boil", "duration", value, who="op", why="")
        assert recipe.value("boil", "duration") == 60
