"""Batch production records (ISA-88 Part 4, in spirit): what actually ran.

A ``BatchRecord`` keeps each phase run with the parameter values it used
and what it produced, plus the adjustments made to the control recipe, so a
product can be traced to the settings it went through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reind.core.clock import Clock
from reind.core.errors import ConflictError
from reind.factory.control.recipe import Adjustment, ControlRecipe


@dataclass(frozen=True)
class PhaseRun:
    """One execution of a phase: when, with which parameters, with what result."""

    phase: str
    item: str
    started_at: datetime
    ended_at: datetime
    parameters: dict[str, float]
    results: dict[str, float]


@dataclass
class BatchRecord:
    """The record of one batch, from start to end."""

    control_recipe: ControlRecipe
    clock: Clock
    started_at: datetime | None = None
    ended_at: datetime | None = None
    phase_runs: list[PhaseRun] = field(default_factory=list)
    outcome: dict[str, float] = field(default_factory=dict)

    @property
    def batch_id(self) -> str:
        """The batch this record belongs to."""
        return self.control_recipe.batch_id

    @property
    def adjustments(self) -> list[Adjustment]:
        """Every adjustment made to the batch's control recipe."""
        return list(self.control_recipe.adjustments)

    def start(self) -> None:
        """Mark the batch started."""
        if self.started_at is not None:
            raise ConflictError(f"batch {self.batch_id} has already started")
        self.started_at = self.clock.now()

    def record(
        self,
        phase: str,
        started_at: datetime,
        results: dict[str, float] | None = None,
        item: str = "",
        parameters: dict[str, float] | None = None,
    ) -> PhaseRun:
        """Record a finished phase run; parameters default to the recipe's current ones."""
        if self.ended_at is not None:
            raise ConflictError(f"batch {self.batch_id} has ended; no more phase runs")
        used = parameters if parameters is not None else self.control_recipe.snapshot(phase)
        run = PhaseRun(phase, item, started_at, self.clock.now(), used, dict(results or {}))
        self.phase_runs.append(run)
        return run

    def runs_of(self, phase: str) -> list[PhaseRun]:
        """The recorded runs of one phase, in order."""
        return [run for run in self.phase_runs if run.phase == phase]

    def end(self, **outcome: float) -> None:
        """Mark the batch ended with its outcome figures (yield, counts...)."""
        if self.ended_at is not None:
            raise ConflictError(f"batch {self.batch_id} has already ended")
        self.ended_at = self.clock.now()
        self.outcome.update(outcome)
