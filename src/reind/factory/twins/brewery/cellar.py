"""The cellar: glycol-jacketed fermentation tanks, the glycol chiller and the bright tanks.

A fermenter's gravity falls towards the batch's final gravity at a rate that
grows with temperature (and lags while the yeast wakes up); fermenting
releases heat that the glycol jacket removes under a reverse-acting PID on
the jacket valve. A stuck fermentation stalls the yeast; a failed chiller
lets the glycol warm up, so every tank drifts above its setpoint.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from reind.factory.control.pid import PIDLoop, Tuning
from reind.factory.twins.brewery.beer import EXTRACT_PER_POINT, FERMENTATION_HEAT, BeerBatch

DAY = 86400.0
GLYCOL_NORMAL = -4.0
AMBIENT = 25.0
JACKET_TUNING = Tuning(kp=-60.0, ki=-0.02, kd=0.0)  # reverse acting: warmer → open the valve


def fermentation_rate(temperature: float) -> float:
    """Fraction of the remaining extract fermented per day at full yeast activity."""
    return float(0.7 * 1.1 ** (temperature - 11.0))


@dataclass
class Jacket:
    """A tank's contents and glycol jacket, as a ``ProcessIO`` for the PID."""

    heat_capacity: float = 2.0e7  # J/K, 50 hL of beer
    jacket_conductance: float = 600.0  # W/K at a fully open valve
    ambient_conductance: float = 30.0  # W/K to the cellar
    temperature: float = 12.0
    valve: float = 0.0  # %
    glycol: float = GLYCOL_NORMAL

    def read_pv(self) -> float:
        """Tank temperature (°C)."""
        return self.temperature

    def write_output(self, value: float) -> None:
        """Jacket valve opening (%)."""
        self.valve = value

    def step(self, dt: float, heat: float) -> None:
        """Advance ``dt`` seconds with ``heat`` watts from fermentation."""
        cooling = self.jacket_conductance * self.valve / 100.0 * (self.temperature - self.glycol)
        gain = self.ambient_conductance * (AMBIENT - self.temperature)
        self.temperature += (heat + gain - max(cooling, 0.0)) * dt / self.heat_capacity


@dataclass
class FermentationTank:
    """A cylindro-conical fermenter (FV)."""

    name: str
    jacket: Jacket = field(default_factory=Jacket)
    batch: BeerBatch | None = None
    state: str = "empty"  # empty, fermenting, conditioning, ready
    age: float = 0.0  # s since pitching
    conditioning_left: float = 0.0
    stuck: bool = False
    hourly_gravity: deque[float] = field(default_factory=lambda: deque(maxlen=25))
    since_sample: float = 0.0

    def __post_init__(self) -> None:
        self.loop = PIDLoop(self.name, self.jacket, JACKET_TUNING, 12.0, ramp_rate=None)
        self.loop.set_manual(0.0)

    def fill(self, batch: BeerBatch, age: float = 0.0) -> None:
        """Take a knocked-out brew (or, at start-up, one pitched ``age`` seconds ago)."""
        self.batch = batch
        self.state = "fermenting"
        self.age = age
        temperature = batch.recipe.value("fermentation", "temperature")
        if age:
            remaining = math.exp(-fermentation_rate(temperature) * (age / DAY - 0.5))
            span = batch.original_gravity - batch.final_gravity_target
            batch.gravity = batch.final_gravity_target + span * min(1.0, remaining)
        self.jacket.temperature = temperature
        self.hourly_gravity.clear()
        self.loop.set_setpoint(temperature)
        self.loop.set_auto()

    def empty(self) -> BeerBatch:
        """Hand the conditioned beer on; the tank goes to CIP and stands empty."""
        assert self.batch is not None
        batch, self.batch = self.batch, None
        self.state = "empty"
        self.loop.set_manual(0.0)
        return batch

    @property
    def stalled(self) -> bool:
        """Gravity has barely moved in a day although the beer is far from final gravity."""
        batch = self.batch
        if batch is None or self.state != "fermenting" or len(self.hourly_gravity) < 25:
            return False
        moved = self.hourly_gravity[0] - self.hourly_gravity[-1]
        return moved < 0.001 and batch.gravity > batch.final_gravity_target + 0.004

    def update(self, dt: float, glycol: float) -> None:
        """Advance ``dt`` seconds with glycol supplied at ``glycol`` °C."""
        jacket = self.jacket
        jacket.glycol = glycol
        batch = self.batch
        heat = 0.0
        if batch is not None and self.state == "fermenting":
            self.age += dt
            activity = min(1.0, 0.1 + self.age / (0.5 * DAY))
            if self.stuck:
                activity *= 0.02
            span = batch.gravity - batch.final_gravity_target
            drop = fermentation_rate(jacket.temperature) * activity * span * dt / DAY
            batch.gravity -= drop
            extract = drop * 1000.0 * EXTRACT_PER_POINT * batch.volume_hl
            heat = extract * FERMENTATION_HEAT / dt
            if span < 0.0005:
                self.state = "conditioning"
                self.conditioning_left = batch.recipe.value("conditioning", "duration") * 3600
                self.loop.set_setpoint(batch.recipe.value("conditioning", "temperature"))
        elif batch is not None and self.state == "conditioning":
            self.conditioning_left -= dt
            if self.conditioning_left <= 0:
                self.state = "ready"
        self.since_sample += dt
        if batch is not None and self.since_sample >= 3600:
            self.since_sample = 0.0
            self.hourly_gravity.append(batch.gravity)
        if self.loop.auto:
            self.loop.update(dt)
        jacket.step(dt, heat)


@dataclass
class GlycolChiller:
    """The chiller feeding every jacket; a failure lets the glycol warm up."""

    supply: float = GLYCOL_NORMAL
    failed: bool = False

    def update(self, dt: float, valve_load: float) -> None:
        """Advance ``dt``; ``valve_load`` is the summed valve opening (0..n·100)."""
        if self.failed:
            target, tau = AMBIENT, 3 * 3600.0
        else:
            target, tau = GLYCOL_NORMAL + valve_load / 600.0, 1800.0
        self.supply += (target - self.supply) * min(1.0, dt / tau)


@dataclass
class BrightTank:
    """A bright beer tank: carbonates the conditioned beer and feeds the filler."""

    name: str
    batch: BeerBatch | None = None
    state: str = "empty"  # empty, carbonating, ready, bottling
    volume_hl: float = 0.0
    carbonating_for: float = 0.0

    def fill(self, batch: BeerBatch, carbonated: float = 0.0) -> None:
        """Take conditioned beer; ``carbonated`` seconds of carbonation already done."""
        self.batch = batch
        self.volume_hl = batch.volume_hl
        self.state = "carbonating"
        self.carbonating_for = carbonated
        self.update(0.0)

    def update(self, dt: float) -> None:
        """Advance carbonation by ``dt`` seconds."""
        batch = self.batch
        if batch is None or self.state != "carbonating":
            return
        self.carbonating_for += dt
        hours = batch.recipe.value("carbonation", "duration")
        target = batch.recipe.value("carbonation", "co2_volumes")
        batch.co2 = target * (1.0 - math.exp(-3.0 * self.carbonating_for / (hours * 3600)))
        if self.carbonating_for >= hours * 3600:
            batch.co2 = target
            self.state = "ready"

    def draw(self, litres: float) -> float:
        """Take up to ``litres`` for the filler; returns what was taken."""
        taken = min(litres, self.volume_hl * 100.0)
        self.volume_hl -= taken / 100.0
        return taken

    def release(self) -> BeerBatch:
        """The tank is empty: it goes back to standing empty."""
        assert self.batch is not None
        batch, self.batch = self.batch, None
        self.state = "empty"
        self.volume_hl = 0.0
        return batch
