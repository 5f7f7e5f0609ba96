"""Lumped thermal models: a heated baking plate and the batter that loads it.

The plate is one thermal mass ``C`` (J/K) heated by ``P_max · u`` (W, with
``u`` the heater output in %), losing ``h · (T − T_amb)`` to the room and
``q_load`` to whatever batter sits on it:

    C · dT/dt = P_max · health · u/100 − h · (T − T_amb) − q_load

The thermocouple sees the plate through a first-order lag and adds its own
drift, which is how a drifting sensor fools the PID into the wrong plate
temperature. ``HeatedPlate`` is a ``ProcessIO``, so a PIDLoop drives it the
same way it would drive a real heater.
"""

from __future__ import annotations

from dataclasses import dataclass

WATER_LATENT_HEAT = 2.26e6  # J/kg
BATTER_HEAT_CAPACITY = 3000.0  # J/(kg·K)
BOILING = 100.0  # °C: batter temperature stalls here while water evaporates


@dataclass
class HeatedPlate:
    """A cast-iron mould plate with an electric heater and a thermocouple."""

    name: str
    thermal_mass: float = 2300.0  # J/K (about 5 kg of cast iron)
    heater_power: float = 2500.0  # W at 100 % output
    loss_coefficient: float = 6.5  # W/K to the room
    ambient: float = 25.0  # °C
    sensor_lag: float = 2.0  # s, thermocouple time constant
    temperature: float = 25.0  # °C, true plate temperature
    measured: float = 25.0  # °C, what the thermocouple reports
    heater_output: float = 0.0  # %, last output written by the controller
    heater_health: float = 1.0  # 1.0 healthy; heater degradation lowers it
    sensor_drift: float = 0.0  # °C added by a drifting thermocouple
    sensor_drift_rate: float = 0.0  # °C per second the drift grows by

    def read_pv(self) -> float:
        """The thermocouple reading, °C."""
        return self.measured

    def write_output(self, value: float) -> None:
        """Set the heater output in % (0..100)."""
        self.heater_output = value

    @property
    def heater_watts(self) -> float:
        """Power the heater actually delivers now."""
        return self.heater_power * self.heater_health * self.heater_output / 100.0

    def step(self, dt: float, load_watts: float = 0.0) -> None:
        """Advance ``dt`` seconds with ``load_watts`` drawn by batter on the plate."""
        temperature = self.temperature
        net = self.heater_watts - self.loss_coefficient * (temperature - self.ambient) - load_watts
        temperature += net * dt / self.thermal_mass
        self.temperature = temperature
        if self.sensor_drift_rate:
            self.sensor_drift += self.sensor_drift_rate * dt
        seen = temperature + self.sensor_drift
        self.measured += (seen - self.measured) * min(1.0, dt / self.sensor_lag)


@dataclass
class BatterLoad:
    """Batter in contact with a plate: heats to boiling, then dries out."""

    mass: float  # kg
    water: float  # kg of water still to drive off for a set crumb
    temperature: float = 20.0  # °C
    contact_conductance: float = 10.0  # W/K between plate and batter

    def heat_flow(self, plate_temperature: float, dt: float) -> float:
        """Heat drawn from the plate over the next ``dt`` (W); updates the batter."""
        q = self.contact_conductance * (plate_temperature - self.temperature)
        if q <= 0.0:
            return 0.0
        if self.temperature < BOILING:
            self.temperature = min(
                BOILING, self.temperature + q * dt / (self.mass * BATTER_HEAT_CAPACITY)
            )
        elif self.water > 0.0:
            self.water = max(0.0, self.water - q * dt / WATER_LATENT_HEAT)
        else:
            # dried out: the crust takes only a little more heat
            q *= 0.2
        return q
