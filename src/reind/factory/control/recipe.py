"""ISA-88 (IEC 61512) procedural model and recipes.

A ``MasterRecipe`` is the template for one product on one process cell:
procedure → unit procedures → operations → phases, each phase with its own
formula parameters (unit, default, low/high limits, EN and zh-Hant text).
Every batch runs from a ``ControlRecipe``, a copy of the master whose phase
parameters can be adjusted one at a time, also while the batch runs, within
the limits; each adjustment is recorded with who, when, old, new and why.

Phase names are unique within a recipe, so a parameter is addressed as
``(phase, parameter)``; that is what "each step adjustable independently"
means on the machine.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from reind.core.clock import Clock
from reind.core.errors import InvalidInputError, NotFoundError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParameterSpec:
    """One formula parameter of a phase: its unit, default and allowed range."""

    name: str
    unit: str
    default: float
    low: float
    high: float
    description_en: str = ""
    description_zh: str = ""

    def __post_init__(self) -> None:
        if not self.low <= self.default <= self.high:
            raise InvalidInputError(
                f"parameter {self.name}: default {self.default} {self.unit} lies outside "
                f"its limits {self.low}..{self.high} {self.unit}"
            )

    def check(self, value: float, phase: str) -> float:
        """``value`` as a float if it is within limits; otherwise InvalidInputError."""
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise InvalidInputError(
                f"{phase}.{self.name}: {value!r} is not a number", phase=phase
            ) from exc
        if math.isnan(number) or not self.low <= number <= self.high:
            raise InvalidInputError(
                f"{phase}.{self.name}: {number:g} {self.unit} is outside the limits "
                f"{self.low:g}..{self.high:g} {self.unit} / 超出限值",
                phase=phase,
                parameter=self.name,
                low=self.low,
                high=self.high,
            )
        return number


@dataclass(frozen=True)
class Phase:
    """The smallest procedural element: runs one piece of equipment phase logic."""

    name: str
    title_en: str
    title_zh: str
    parameters: tuple[ParameterSpec, ...] = ()

    def spec(self, name: str) -> ParameterSpec:
        """The parameter called ``name``; NotFoundError if the phase has none."""
        for spec in self.parameters:
            if spec.name == name:
                return spec
        known = ", ".join(p.name for p in self.parameters) or "none"
        raise NotFoundError(f"phase {self.name} has no parameter {name!r} (has: {known})")


@dataclass(frozen=True)
class Operation:
    """An ordered set of phases that takes material through one processing step."""

    name: str
    phases: tuple[Phase, ...]


@dataclass(frozen=True)
class UnitProcedure:
    """The operations that run on one unit (mixer, plate station, mash tun...)."""

    name: str
    unit: str
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class MasterRecipe:
    """A product's template recipe for one process cell."""

    recipe_id: str
    version: int
    product_en: str
    product_zh: str
    unit_procedures: tuple[UnitProcedure, ...]

    def __post_init__(self) -> None:
        names = [phase.name for phase in self.phases()]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise InvalidInputError(
                f"recipe {self.recipe_id}: phase names must be unique, repeated: "
                f"{', '.join(sorted(duplicates))}"
            )

    def phases(self) -> Iterator[Phase]:
        """Every phase in procedural order."""
        for unit_procedure in self.unit_procedures:
            for operation in unit_procedure.operations:
                yield from operation.phases

    def phase(self, name: str) -> Phase:
        """The phase called ``name``; NotFoundError if there is none."""
        for phase in self.phases():
            if phase.name == name:
                return phase
        raise NotFoundError(f"recipe {self.recipe_id} has no phase {name!r}")

    def path(self, phase_name: str) -> str:
        """``unit procedure/operation/phase`` for a phase name."""
        for unit_procedure in self.unit_procedures:
            for operation in unit_procedure.operations:
                for phase in operation.phases:
                    if phase.name == phase_name:
                        return f"{unit_procedure.name}/{operation.name}/{phase.name}"
        raise NotFoundError(f"recipe {self.recipe_id} has no phase {phase_name!r}")


@dataclass(frozen=True)
class Adjustment:
    """One recorded change of a control-recipe parameter."""

    batch_id: str
    phase: str
    parameter: str
    old: float
    new: float
    unit: str
    who: str
    why: str
    at: datetime


AdjustmentListener = Callable[[Adjustment], None]


@dataclass
class ControlRecipe:
    """The per-batch copy of a master recipe, adjustable while the batch runs."""

    master: MasterRecipe
    batch_id: str
    clock: Clock
    values: dict[str, dict[str, float]] = field(default_factory=dict)
    adjustments: list[Adjustment] = field(default_factory=list)
    listeners: list[AdjustmentListener] = field(default_factory=list)

    @classmethod
    def from_master(
        cls,
        master: MasterRecipe,
        batch_id: str,
        clock: Clock,
        overrides: dict[str, dict[str, float]] | None = None,
    ) -> ControlRecipe:
        """Copy ``master`` for batch ``batch_id``, with optional checked overrides."""
        values = {p.name: {s.name: s.default for s in p.parameters} for p in master.phases()}
        recipe = cls(master=master, batch_id=batch_id, clock=clock, values=values)
        for phase, params in (overrides or {}).items():
            for name, value in params.items():
                recipe.values[phase][name] = master.phase(phase).spec(name).check(value, phase)
        return recipe

    def value(self, phase: str, parameter: str) -> float:
        """The current value of one phase parameter."""
        try:
            return self.values[phase][parameter]
        except KeyError:
            self.master.phase(phase).spec(parameter)  # raises NotFoundError with the reason
            raise

    def adjust(self, phase: str, parameter: str, value: float, who: str, why: str) -> Adjustment:
        """Change one phase parameter within its limits and record the change."""
        if not who.strip():
            raise InvalidInputError("an adjustment must say who made it")
        spec = self.master.phase(phase).spec(parameter)
        new = spec.check(value, phase)
        old = self.values[phase][parameter]
        self.values[phase][parameter] = new
        adjustment = Adjustment(
            self.batch_id, phase, parameter, old, new, spec.unit, who, why, self.clock.now()
        )
        self.adjustments.append(adjustment)
        logger.info(
            "batch %s: %s.%s %s -> %s %s by %s (%s)",
            self.batch_id,
            phase,
            parameter,
            old,
            new,
            spec.unit,
            who,
            why,
        )
        for listener in list(self.listeners):
            try:
                listener(adjustment)
            except Exception:
                logger.exception("adjustment listener failed for batch %s", self.batch_id)
        return adjustment

    def snapshot(self, phase: str) -> dict[str, float]:
        """A copy of one phase's parameters as they stand now (for the batch record)."""
        return dict(self.values[phase])

    def addresses(self) -> Iterator[tuple[str, ParameterSpec]]:
        """Every (phase, parameter spec) pair, in procedural order."""
        for phase in self.master.phases():
            for spec in phase.parameters:
                yield phase.name, spec
