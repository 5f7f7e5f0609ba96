"""What every twin shares: clock, seeded randomness, tags, PackML units, recipe writes, faults.

A twin is stepped by a fixed ``dt`` on a ``SimulatedClock``; everything
random comes from one ``random.Random(seed)``, so the same seed gives the
same run. Outside parties (Sparkplug DCMD, OPC UA, the CLI) change a twin
only through ``write`` (recipe parameters, PackML commands),
``command``, ``inject_fault`` and ``clear_fault``.

Every PackML unit also publishes PackTags-style Admin accumulators that never
reset while the twin runs: seconds spent in each state
(``PackML/Admin/StateTime/<State>``), entries into each state
(``PackML/Admin/StateCount/<State>``), rework and energy. They are refreshed on
every state change and on the last step of every minute, so the hour rollups'
``last`` values are enough to compute ISO 22400 KPIs (docs/decisions/0080).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass

from reind.core.errors import ConflictError, InvalidInputError, NotFoundError, ReindError
from reind.factory.control.packml import (
    PackMLCommand,
    PackMLMachine,
    PackMLMode,
    PackMLState,
    StateChanged,
)
from reind.factory.control.recipe import Adjustment, ControlRecipe
from reind.factory.twins.clock import SimulatedClock
from reind.factory.twins.tags import Tag, TagKind, TagRole, TagTable, TagValue

logger = logging.getLogger(__name__)

RECIPE_PREFIX = "Recipe/"
FAULT_PREFIX = "Simulation/Fault/"
MODE_COMMAND = "PackML/Unit Mode Command"
REFUSAL = "PackML/Refusal"
"""Why the unit's last command was refused, as "English / 中文"."""
REFUSALS = "PackML/Refusals"
"""How many commands the unit has refused; a host sees its command refused when this moves."""
STATE_TIME = "PackML/Admin/StateTime/"
STATE_COUNT = "PackML/Admin/StateCount/"
REWORK_ACC = "PackML/Admin/Rework Acc"
ENERGY_ACC = "PackML/Admin/Energy kWh"


@dataclass(frozen=True)
class FaultSpec:
    """A fault the twin can simulate, described for the operator and the CLI."""

    name: str
    description_en: str
    description_zh: str


def parse_command(value: TagValue) -> PackMLCommand:
    """A PackML command from its number (PackTags CntrlCmd) or its name."""
    try:
        if isinstance(value, str):
            key = value.strip().upper()
            return PackMLCommand(int(key)) if key.isdigit() else PackMLCommand[key]
        return PackMLCommand(int(value))
    except (KeyError, ValueError):
        raise InvalidInputError(f"{value!r} is not a PackML command") from None


class Twin:
    """Base class of the waffle machine and the beer line."""

    kind = "twin"
    dt = 1.0
    faults: dict[str, FaultSpec] = {}

    def __init__(self, clock: SimulatedClock, seed: int) -> None:
        """A twin at rest (Stopped) at ``clock``'s moment."""
        self.clock = clock
        self.seed = seed
        self.rng = random.Random(seed)
        self.tags = TagTable()
        self.units: dict[str, PackMLMachine] = {}
        self.active_faults: dict[str, dict[str, float]] = {}
        self.state_entries: dict[str, dict[PackMLState, int]] = {}
        self.energy_kwh: dict[str, float] = {}
        self.rework: dict[str, int] = {}
        self._epoch_s = clock.start.timestamp()
        for name, spec in self.faults.items():
            self.tags.add(
                Tag(
                    f"{FAULT_PREFIX}{name}",
                    TagKind.BOOL,
                    TagRole.SIMULATION,
                    False,
                    description_en=f"Simulated fault: {spec.description_en}",
                    description_zh=f"模擬故障:{spec.description_zh}",
                )
            )

    # ----------------------------------------------------------------- units and tags
    def add_unit(self, prefix: str, unit: str) -> PackMLMachine:
        """Create a PackML unit and its tags under ``prefix`` (e.g. ``Bottling/``)."""
        machine = PackMLMachine(unit, self.clock)
        self.units[prefix] = machine
        add = self.tags.add
        add(Tag(f"{prefix}PackML/State", TagKind.INT, TagRole.STATE, int(machine.state)))
        add(Tag(f"{prefix}PackML/State Name", TagKind.STRING, TagRole.STATE, machine.state.label))
        add(Tag(f"{prefix}PackML/Mode", TagKind.INT, TagRole.STATE, int(machine.mode)))
        for counter in ("Processed", "Defective"):
            add(Tag(f"{prefix}PackML/{counter}", TagKind.INT, TagRole.COUNTER, 0))
            add(Tag(f"{prefix}PackML/{counter} Acc", TagKind.INT, TagRole.COUNTER, 0))
        add(Tag(f"{prefix}PackML/Stop Reason", TagKind.INT, TagRole.STATE, 0))
        add(Tag(f"{prefix}PackML/Stop Reason Text", TagKind.STRING, TagRole.STATE, ""))
        add(Tag(f"{prefix}PackML/Command", TagKind.INT, TagRole.COMMAND, 0))
        add(Tag(f"{prefix}PackML/Unit Mode Command", TagKind.INT, TagRole.COMMAND, 0))
        add(Tag(f"{prefix}{REFUSAL}", TagKind.STRING, TagRole.STATE, ""))
        add(Tag(f"{prefix}{REFUSALS}", TagKind.INT, TagRole.COUNTER, 0))
        self._add_admin_tags(prefix)
        machine.listeners.append(lambda event: self._on_unit_state(prefix, event))
        return machine

    def _add_admin_tags(self, prefix: str) -> None:
        self.state_entries[prefix] = dict.fromkeys(PackMLState, 0)
        self.state_entries[prefix][self.units[prefix].state] = 1
        self.energy_kwh[prefix] = 0.0
        self.rework[prefix] = 0
        add = self.tags.add
        for state in PackMLState:
            add(
                Tag(
                    f"{prefix}{STATE_TIME}{state.label}",
                    TagKind.DOUBLE,
                    TagRole.COUNTER,
                    0.0,
                    "s",
                    description_en=f"Accumulated time in {state.label}",
                    description_zh=f"{state.label} 狀態累計時間",
                )
            )
            entries = self.state_entries[prefix][state]
            add(Tag(f"{prefix}{STATE_COUNT}{state.label}", TagKind.INT, TagRole.COUNTER, entries))
        add(Tag(f"{prefix}{REWORK_ACC}", TagKind.INT, TagRole.COUNTER, 0))
        add(
            Tag(
                f"{prefix}{ENERGY_ACC}",
                TagKind.DOUBLE,
                TagRole.COUNTER,
                0.0,
                "kWh",
                description_en="Accumulated electrical and steam energy",
                description_zh="累計耗能",
            )
        )

    def _on_unit_state(self, prefix: str, event: StateChanged) -> None:
        """Publish the accumulators at the moment of every state change."""
        entries = self.state_entries[prefix]
        entries[event.current] += 1
        put = self.tags.set
        put(f"{prefix}{STATE_COUNT}{event.current.label}", entries[event.current])
        put(f"{prefix}PackML/State", int(event.current))
        put(f"{prefix}PackML/State Name", event.current.label)
        self.refresh_accumulators(prefix)

    def refresh_accumulators(self, prefix: str) -> None:
        """Copy a unit's count, state-time, rework and energy accumulators into its tags.

        All at the same instant: counts published ahead of the Execute time they
        were made in showed a line faster than its ideal rate (performance > 100 %).
        """
        machine = self.units[prefix]
        put = self.tags.set
        put(f"{prefix}PackML/Processed Acc", machine.processed.acc_count)
        put(f"{prefix}PackML/Defective Acc", machine.defective.acc_count)
        seconds = machine.time_in_states()
        for state in (machine.state, *machine.seconds_in_state):
            put(f"{prefix}{STATE_TIME}{state.label}", round(seconds.get(state, 0.0), 3))
        put(f"{prefix}{REWORK_ACC}", self.rework[prefix])
        put(f"{prefix}{ENERGY_ACC}", round(self.energy_kwh[prefix], 4))

    def add_energy(self, prefix: str, watts: float, seconds: float) -> None:
        """Book ``watts`` drawn for ``seconds`` against the unit under ``prefix``."""
        self.energy_kwh[prefix] += watts * seconds / 3.6e6

    def heartbeat(self) -> None:
        """On the last step of each minute, refresh every unit's accumulators.

        So the last sample in every minute and hour bucket is the value at the
        bucket's final step, and differencing rollups needs no raw points.
        """
        now = self._epoch_s + self.clock.elapsed
        if int(now) // 60 != int(now + self.dt) // 60:
            for prefix in self.units:
                self.refresh_accumulators(prefix)

    def refresh_unit_tags(self, prefix: str) -> None:
        """Copy a unit's PackML state and counters into its tags."""
        machine = self.units[prefix]
        put = self.tags.set
        put(f"{prefix}PackML/State", int(machine.state))
        put(f"{prefix}PackML/State Name", machine.state.label)
        put(f"{prefix}PackML/Mode", int(machine.mode))
        put(f"{prefix}PackML/Processed", machine.processed.count)
        put(f"{prefix}PackML/Defective", machine.defective.count)
        reason = machine.stop_reason
        put(f"{prefix}PackML/Stop Reason", reason.code if reason else 0)
        put(f"{prefix}PackML/Stop Reason Text", reason.message_en if reason else "")

    def add_recipe_tags(
        self, recipe: ControlRecipe, prefix: str = "", phases: frozenset[str] | None = None
    ) -> None:
        """One writable tag per phase parameter: ``<prefix>Recipe/<phase>/<parameter>``."""
        for phase, spec in recipe.addresses():
            if phases is not None and phase not in phases:
                continue
            self.tags.add(
                Tag(
                    f"{prefix}{RECIPE_PREFIX}{phase}/{spec.name}",
                    TagKind.DOUBLE,
                    TagRole.PARAMETER,
                    recipe.value(phase, spec.name),
                    unit=spec.unit,
                    description_en=spec.description_en,
                    description_zh=spec.description_zh,
                )
            )

    def bind_recipe(self, recipe: ControlRecipe, prefix: str = "") -> None:
        """Make ``recipe`` the one that ``prefix``'s recipe tags show and writes adjust."""
        if self._on_adjustment not in recipe.listeners:
            recipe.listeners.append(self._on_adjustment)
        self.show_recipe(recipe, prefix)

    def show_recipe(self, recipe: ControlRecipe, prefix: str) -> None:
        """Copy ``recipe``'s values into the recipe tags under ``prefix`` that exist."""
        tags = self.tags.tags
        for phase, spec in recipe.addresses():
            name = f"{prefix}{RECIPE_PREFIX}{phase}/{spec.name}"
            if name in tags:
                self.tags.set(name, recipe.value(phase, spec.name))

    def _on_adjustment(self, adjustment: Adjustment) -> None:
        tags = self.tags.tags
        for prefix in self.recipe_prefixes_for(adjustment.batch_id):
            name = f"{prefix}{RECIPE_PREFIX}{adjustment.phase}/{adjustment.parameter}"
            if name in tags:
                self.tags.set(name, adjustment.new)
        self.on_recipe_change(adjustment)

    def recipe_prefixes_for(self, batch_id: str) -> list[str]:
        """Hook: the unit prefixes whose recipe tags show batch ``batch_id`` now."""
        return [""]

    def on_recipe_change(self, adjustment: Adjustment) -> None:
        """Hook: apply a changed parameter at once where it matters (setpoints)."""

    def current_recipe(self, prefix: str) -> ControlRecipe:
        """The control recipe that the recipe tags under ``prefix`` belong to."""
        raise NotImplementedError

    # ----------------------------------------------------------------- writes
    def write(self, name: str, value: TagValue, who: str = "remote", why: str = "") -> None:
        """A write from outside: a recipe parameter or a PackML command."""
        tag = self.tags[name]
        if not tag.writable:
            raise InvalidInputError(f"tag {name} is read-only")
        if tag.role is TagRole.SIMULATION:
            fault = name[len(FAULT_PREFIX) :]
            wanted = value is True or (isinstance(value, int | float) and value != 0)
            if wanted and fault not in self.active_faults:
                self.inject_fault(fault)
            elif not wanted and fault in self.active_faults:
                self.clear_fault(fault)
            return
        if tag.role is TagRole.COMMAND:
            is_mode = name.endswith(MODE_COMMAND)
            prefix = name[: -len(MODE_COMMAND if is_mode else "PackML/Command")]
            try:
                if is_mode:
                    self.set_mode(prefix, value)
                else:
                    command = parse_command(value)
                    self.command(prefix, command)
                    self.on_operator_command(prefix, command)
            except ReindError as refusal:
                self.record_refusal(prefix, refusal)
                raise
            return
        if isinstance(value, str | bool):
            raise InvalidInputError(f"tag {name} takes a number, not {value!r}")
        at = name.index(RECIPE_PREFIX)
        phase, parameter = name[at + len(RECIPE_PREFIX) :].split("/", 1)
        self.current_recipe(name[:at]).adjust(phase, parameter, float(value), who=who, why=why)

    def command(self, prefix: str, command: PackMLCommand) -> PackMLState:
        """Issue a PackML command to the unit under ``prefix`` ("" for a one-unit twin)."""
        if prefix not in self.units:
            known = ", ".join(repr(p) for p in self.units)
            raise NotFoundError(f"{self.kind} has no unit {prefix!r} (units: {known})")
        if command is PackMLCommand.SC:
            raise InvalidInputError("state complete (SC) is the machine's own signal")
        self.check_command(prefix, command)
        state = self.units[prefix].command(command)
        self.refresh_unit_tags(prefix)
        return state

    def record_refusal(self, prefix: str, refusal: ReindError) -> None:
        """Publish why a command from outside was refused, so the sender can say why."""
        if prefix not in self.units:
            return
        count = self.tags.value(f"{prefix}{REFUSALS}")
        self.tags.set(f"{prefix}{REFUSAL}", refusal.message)
        self.tags.set(f"{prefix}{REFUSALS}", int(count) + 1 if isinstance(count, int) else 1)

    def set_mode(self, prefix: str, mode: TagValue) -> None:
        """Change a unit's mode (1 Produce, 2 Maintenance, 3 Manual) where PackML allows."""
        try:
            wanted = PackMLMode(int(mode))
        except (TypeError, ValueError):
            raise InvalidInputError(f"{mode!r} is not a unit mode (1, 2 or 3)") from None
        self.units[prefix].set_mode(wanted)
        self.refresh_unit_tags(prefix)

    def on_operator_command(self, prefix: str, command: PackMLCommand) -> None:
        """Hook: an outside party's command to the unit under ``prefix`` was carried out."""

    def check_command(self, prefix: str, command: PackMLCommand) -> None:
        """Hook: refuse a command the machine cannot carry out now (e.g. a jam)."""

    # ----------------------------------------------------------------- faults
    def inject_fault(self, name: str, **params: float) -> None:
        """Start simulating fault ``name``."""
        if name not in self.faults:
            raise NotFoundError(
                f"{self.kind} has no fault {name!r} (faults: {', '.join(sorted(self.faults))})"
            )
        if name in self.active_faults:
            raise ConflictError(f"fault {name} is already active")
        self.active_faults[name] = dict(params)
        self.tags.set(f"{FAULT_PREFIX}{name}", True)
        logger.info("%s: fault %s injected %s", self.kind, name, params)
        self.on_fault(name, params, active=True)

    def clear_fault(self, name: str) -> None:
        """Stop simulating fault ``name`` (the repair is done)."""
        if name not in self.active_faults:
            raise ConflictError(f"fault {name} is not active")
        params = self.active_faults.pop(name)
        self.tags.set(f"{FAULT_PREFIX}{name}", False)
        logger.info("%s: fault %s cleared", self.kind, name)
        self.on_fault(name, params, active=False)

    def on_fault(self, name: str, params: dict[str, float], active: bool) -> None:
        """Hook: apply or remove a fault's effect."""

    def step(self) -> None:
        """Advance ``dt`` seconds (each twin implements it)."""
        raise NotImplementedError

    def run(self, seconds: float) -> None:
        """Advance ``seconds`` of simulated time as fast as the CPU allows."""
        for _ in range(round(seconds / self.dt)):
            self.step()
