"""The bottling line: filler → capper → labeller → fill-level inspector → packer.

Machines run at their own speeds with accumulation buffers between them;
each moves whole bottles each second as far as its input has bottles and
its output has room. A machine with an empty input is *starved*, one with a
full output is *blocked*, and short random micro-stops (a fallen bottle, a
crown feed hiccup) are absorbed by the buffers, which is how a real line
behaves. The packer stops for a pallet change every so many bottles.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import IntEnum


class MachineStatus(IntEnum):
    """A line machine's status as the operator panel shows it."""

    STOPPED = 0
    RUNNING = 1
    STARVED = 2
    BLOCKED = 3
    FAULTED = 4
    MICROSTOP = 5


@dataclass
class LineMachine:
    """One machine of the line."""

    name: str
    rate: float  # bottles per second
    microstop_odds: float = 1 / 6000  # per bottle
    status: MachineStatus = MachineStatus.STOPPED
    credit: float = 0.0
    stopped_for: float = 0.0
    faulted: bool = False
    done: int = 0

    def capacity(self, dt: float, rng: random.Random) -> int:
        """Bottles the machine can handle this step if nothing starves or blocks it."""
        if self.faulted:
            self.status = MachineStatus.FAULTED
            return 0
        if self.stopped_for > 0:
            self.stopped_for -= dt
            self.status = MachineStatus.MICROSTOP
            return 0
        if rng.random() < self.rate * dt * self.microstop_odds:
            self.stopped_for = rng.uniform(5.0, 40.0)
            self.status = MachineStatus.MICROSTOP
            return 0
        self.credit = min(self.credit + self.rate * dt, self.rate * dt + 1.0)
        return int(self.credit)

    def moved(self, bottles: int, wanted: int, starved: bool) -> None:
        """Book ``bottles`` moved out of ``wanted`` and set the status accordingly."""
        self.credit -= bottles
        self.done += bottles
        if self.faulted or self.stopped_for > 0:
            return  # the status already says Faulted or Microstop
        if bottles < wanted:
            self.status = MachineStatus.STARVED if starved else MachineStatus.BLOCKED
        else:
            self.status = MachineStatus.RUNNING


BUFFER_CAPACITY = (120, 120, 120, 300)
LABEL_REEL = 5000
REEL_SPLICE_SECONDS = 60.0
PALLET_BOTTLES = 2400
PALLET_CHANGE_SECONDS = 180.0


@dataclass
class BottlingLine:
    """The machines, buffers and counters of the line."""

    rng: random.Random
    filler: LineMachine = field(default_factory=lambda: LineMachine("Filler", 2.0))
    capper: LineMachine = field(default_factory=lambda: LineMachine("Capper", 2.3))
    labeller: LineMachine = field(default_factory=lambda: LineMachine("Labeller", 2.3))
    inspector: LineMachine = field(default_factory=lambda: LineMachine("Inspector", 3.0, 0.0))
    packer: LineMachine = field(default_factory=lambda: LineMachine("Packer", 2.6, 0.0))
    buffers: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    labels: int = LABEL_REEL
    spare_reels: bool = True
    splice_left: float = 0.0
    until_pallet: int = PALLET_BOTTLES
    filled: int = 0
    good: int = 0
    rejected: int = 0
    last_fill: float = 0.0
    fill_target: float = 330.0
    fill_spread: float = 1.4  # ml standard deviation of the filler
    tolerance: float = 5.0

    @property
    def machines(self) -> tuple[LineMachine, ...]:
        """The machines in line order."""
        return (self.filler, self.capper, self.labeller, self.inspector, self.packer)

    @property
    def empty(self) -> bool:
        """No bottle anywhere between filler and packer."""
        return not any(self.buffers)

    def stop_all(self) -> None:
        """Every machine shows Stopped (the line is not executing)."""
        for machine in self.machines:
            machine.status = MachineStatus.STOPPED

    def step(self, dt: float, beer_litres: float) -> float:
        """Run one step with ``beer_litres`` in the bright tank; returns litres drawn."""
        rng = self.rng
        buffers = self.buffers
        # packer: takes from the outfeed, stops for a pallet change now and then
        want = self.packer.capacity(dt, rng)
        moved = min(want, buffers[3])
        buffers[3] -= moved
        self.packer.moved(moved, want, starved=True)
        self.until_pallet -= moved
        if self.until_pallet <= 0:
            self.until_pallet = PALLET_BOTTLES
            self.packer.stopped_for = PALLET_CHANGE_SECONDS
        # inspector: fill level by camera, rejects outside tolerance
        want = self.inspector.capacity(dt, rng)
        moved = min(want, buffers[2], BUFFER_CAPACITY[3] - buffers[3])
        for _ in range(moved):
            fill = rng.gauss(self.fill_target, self.fill_spread)
            self.last_fill = fill
            if abs(fill - self.fill_target) > self.tolerance:
                self.rejected += 1
            else:
                self.good += 1
                buffers[3] += 1
        buffers[2] -= moved
        self.inspector.moved(moved, want, starved=buffers[2] == 0)
        # labeller: needs labels; a reel splice takes a minute when a spare is at hand
        if self.labels <= 0 and self.splice_left <= 0 and self.spare_reels:
            self.splice_left = REEL_SPLICE_SECONDS
        if self.splice_left > 0:
            self.splice_left -= dt
            if self.splice_left <= 0:
                self.labels = LABEL_REEL
        self.labeller.faulted = self.labels <= 0 and not self.spare_reels
        want = min(self.labeller.capacity(dt, rng), self.labels)
        moved = min(want, buffers[1], BUFFER_CAPACITY[2] - buffers[2])
        buffers[1] -= moved
        buffers[2] += moved
        self.labels -= moved
        self.labeller.moved(moved, want, starved=buffers[1] == 0)
        # capper
        want = self.capper.capacity(dt, rng)
        moved = min(want, buffers[0], BUFFER_CAPACITY[1] - buffers[1])
        buffers[0] -= moved
        buffers[1] += moved
        self.capper.moved(moved, want, starved=buffers[0] == 0)
        # filler: draws beer from the bright tank
        want = self.filler.capacity(dt, rng)
        bottles_of_beer = int(beer_litres * 1000.0 / self.fill_target)
        moved = min(want, bottles_of_beer, BUFFER_CAPACITY[0] - buffers[0])
        buffers[0] += moved
        self.filled += moved
        self.filler.moved(moved, want, starved=bottles_of_beer < want)
        return moved * self.fill_target / 1000.0
