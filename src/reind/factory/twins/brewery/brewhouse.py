"""The brewhouse: a steam-heated mash tun under PID, temperature rests, lauter, boil, knockout.

The mash tun is one lumped thermal mass; its steam valve is the PID output,
and the setpoint ramps at 1 °C/min between rests as a real mash programme
does. A rest's clock starts only when the mash is within 0.5 °C of the rest
temperature, so a weak heater lengthens the brew instead of skipping a rest.
The saccharification rest's *measured* mean temperature sets how fermentable
the wort is, so a recipe change or a control problem reaches the beer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reind.factory.control.pid import PIDLoop, Tuning
from reind.factory.twins.brewery.beer import BeerBatch, bitterness, original_gravity
from reind.factory.twins.thermal import HeatedPlate

MASH_TUNING = Tuning(kp=60.0, ki=0.005, kd=0.0)
MASH_RAMP = 1.0 / 60.0  # °C/s
LAUTER_MINUTES = 60.0
KNOCKOUT_MINUTES = 40.0
BOILING = 100.0


@dataclass
class BrewStep:
    """One step of the brew programme."""

    phase: str
    temperature: float | None  # None: no heating (lauter, knockout)
    minutes: float


@dataclass
class Brewhouse:
    """The mash tun / kettle and the brew programme it is running."""

    vessel: HeatedPlate = field(
        default_factory=lambda: HeatedPlate(
            "mash tun",
            thermal_mass=2.2e7,
            heater_power=4.5e5,
            loss_coefficient=400.0,
            ambient=25.0,
            sensor_lag=20.0,
            temperature=25.0,
            measured=25.0,
        )
    )
    batch: BeerBatch | None = None
    steps: list[BrewStep] = field(default_factory=list)
    index: int = 0
    resting: bool = False
    remaining: float = 0.0
    step_started: datetime | None = None
    rest_sum: float = 0.0
    rest_seconds: float = 0.0
    finished: bool = False

    def __post_init__(self) -> None:
        self.loop = PIDLoop("mash tun", self.vessel, MASH_TUNING, 25.0, ramp_rate=MASH_RAMP)
        self.loop.set_manual(0.0)

    @property
    def step_name(self) -> str:
        """The phase the brewhouse is in, or ``idle``."""
        if self.batch is None or self.finished:
            return "idle"
        return self.steps[self.index].phase

    def start(self, batch: BeerBatch, now: datetime) -> None:
        """Begin brewing ``batch``: the programme is read from its control recipe now."""
        value = batch.recipe.value
        steps = [BrewStep("mash_in", value("mash_in", "strike_temperature"), 10.0)]
        for rest in ("protein_rest", "saccharification_rest", "mash_out"):
            if value(rest, "duration") > 0:
                steps.append(BrewStep(rest, value(rest, "temperature"), value(rest, "duration")))
        steps.append(BrewStep("lautering", None, LAUTER_MINUTES))
        steps.append(BrewStep("boil", BOILING, value("boil", "duration")))
        steps.append(BrewStep("knockout", None, KNOCKOUT_MINUTES))
        self.batch, self.steps, self.index, self.finished = batch, steps, 0, False
        self.rest_sum = self.rest_seconds = 0.0
        self.loop.track()
        self.loop.set_auto()
        self._begin(now)

    def _begin(self, now: datetime) -> None:
        step = self.steps[self.index]
        assert self.batch is not None
        value = self.batch.recipe.value
        # read the phase's parameters as it begins, so a change made mid-brew applies
        if step.phase == "mash_in":
            step.temperature = value("mash_in", "strike_temperature")
        elif step.phase in ("protein_rest", "saccharification_rest", "mash_out"):
            step.temperature = value(step.phase, "temperature")
            step.minutes = value(step.phase, "duration")
        elif step.phase == "boil":
            step.minutes = value("boil", "duration")
        self.step_started = now
        self.resting = step.temperature is None
        self.remaining = step.minutes * 60.0
        if step.temperature is None:
            self.loop.set_manual(0.0)
        else:
            if not self.loop.auto:
                self.loop.set_auto()
            self.loop.set_setpoint(step.temperature + (2.0 if step.phase == "boil" else 0.0))

    def update(self, dt: float, now: datetime) -> bool:
        """Advance ``dt`` seconds; True when the brew has just been knocked out."""
        vessel = self.vessel
        if self.batch is None or self.finished:
            vessel.step(dt)
            return False
        self.loop.update(dt)
        vessel.step(dt)
        if vessel.temperature > BOILING:  # boiling: extra heat goes into evaporation
            vessel.temperature = BOILING
        step = self.steps[self.index]
        if not self.resting:
            target = step.temperature if step.phase != "boil" else BOILING - 0.5
            if target is not None and vessel.measured >= target - 0.5:
                self.resting = True
            return False
        self.remaining -= dt
        if step.phase == "saccharification_rest":
            self.rest_sum += vessel.measured * dt
            self.rest_seconds += dt
        if self.remaining > 0:
            return False
        return self._finish_step(now)

    def _finish_step(self, now: datetime) -> bool:
        batch = self.batch
        assert batch is not None and self.step_started is not None
        step = self.steps[self.index]
        results: dict[str, float] = {"end_temperature": self.vessel.measured}
        if step.phase == "saccharification_rest" and self.rest_seconds:
            results["mean_temperature"] = self.rest_sum / self.rest_seconds
        if step.phase in batch.recipe.values:
            batch.record.record(step.phase, self.step_started, results, batch.batch_id)
        if step.phase == "knockout":
            value = batch.recipe.value
            rest = (
                self.rest_sum / self.rest_seconds
                if self.rest_seconds
                else value("saccharification_rest", "temperature")
            )
            batch.set_wort(
                original_gravity(value("mash_in", "grain_bill"), value("boil", "duration")),
                rest,
                bitterness(value("boil", "hop_rate"), value("boil", "duration")),
            )
            self.finished = True
            self.loop.set_manual(0.0)
            return True
        self.index += 1
        self._begin(now)
        return False
