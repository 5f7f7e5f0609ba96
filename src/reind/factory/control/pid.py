"""PID loops on simple-pid, run against anything that reads a PV and takes an output.

The controller never knows whether it drives a plant model or a real heater:
it talks to a ``ProcessIO`` (read the process value, write the output). A
twin hands it a simulated plate; a real cell would hand it a Modbus or OPC UA
adapter with the same two methods.

What simple-pid gives us (docs/decisions/0040-simple-pid.md): output limits
with the integral clamped to them (anti-windup), derivative on measurement,
and bumpless auto/manual switching. What we add: setpoint ramps, an explicit
``dt`` from the twin's clock (so simulated time runs as fast as the CPU
allows), and the loop's state for telemetry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from simple_pid import PID

from reind.core.errors import InvalidInputError


class ProcessIO(Protocol):
    """The two things a control loop needs from a process."""

    def read_pv(self) -> float:
        """The measured process value (as the sensor reports it)."""
        ...

    def write_output(self, value: float) -> None:
        """Apply the controller output (e.g. heater power in %)."""
        ...


@dataclass(frozen=True)
class Tuning:
    """PID gains and output limits."""

    kp: float
    ki: float
    kd: float = 0.0
    output_low: float = 0.0
    output_high: float = 100.0


class PIDLoop:
    """One closed loop: ramped setpoint, PID in auto or a fixed output in manual."""

    def __init__(
        self,
        name: str,
        process: ProcessIO,
        tuning: Tuning,
        setpoint: float,
        ramp_rate: float | None = None,
    ) -> None:
        """``ramp_rate`` in PV units per second; ``None`` steps the setpoint at once."""
        if tuning.output_low >= tuning.output_high:
            raise InvalidInputError(f"{name}: output limits must have low < high")
        self.name = name
        self.process = process
        self.ramp_rate = ramp_rate
        self.target_setpoint = setpoint
        self.output = tuning.output_low
        self._now = 0.0
        self._pid = PID(
            tuning.kp,
            tuning.ki,
            tuning.kd,
            setpoint=setpoint,
            output_limits=(tuning.output_low, tuning.output_high),
            time_fn=self._time,
        )

    def _time(self) -> float:
        return self._now

    @property
    def setpoint(self) -> float:
        """The working setpoint (it trails the target while ramping)."""
        return float(self._pid.setpoint)

    @property
    def auto(self) -> bool:
        """True when the PID computes the output; False in manual."""
        return bool(self._pid.auto_mode)

    @property
    def tuning(self) -> Tuning:
        """The loop's current gains and limits."""
        kp, ki, kd = self._pid.tunings
        low, high = self._pid.output_limits
        return Tuning(kp, ki, kd, float(low or 0.0), float(high or 0.0))

    def set_setpoint(self, value: float, ramp: bool = True) -> None:
        """Aim for ``value``; with a ramp rate set, the working setpoint walks there."""
        self.target_setpoint = value
        if not ramp or self.ramp_rate is None:
            self._pid.setpoint = value

    def track(self) -> None:
        """Put the working setpoint on the PV (bumpless start of a ramp from cold)."""
        self._pid.setpoint = self.process.read_pv()

    def set_manual(self, output: float) -> None:
        """Hold the output at ``output`` (clamped to the limits); the PID stops acting."""
        low, high = self._pid.output_limits
        self.output = min(max(output, low or 0.0), high or output)
        self._pid.auto_mode = False
        self.process.write_output(self.output)

    def set_auto(self) -> None:
        """Return to automatic, starting from the present output (no bump)."""
        self._pid.set_auto_mode(True, last_output=self.output)

    def retune(self, tuning: Tuning) -> None:
        """Change gains and output limits while running."""
        self._pid.tunings = (tuning.kp, tuning.ki, tuning.kd)
        self._pid.output_limits = (tuning.output_low, tuning.output_high)

    def update(self, dt: float) -> float:
        """Advance ``dt`` seconds: ramp the setpoint, compute and write the output."""
        self._now += dt
        pid = self._pid
        target = self.target_setpoint
        current = pid.setpoint
        if current != target and self.ramp_rate is not None:
            step = self.ramp_rate * dt
            pid.setpoint = (
                min(current + step, target) if target > current else max(current - step, target)
            )
        if pid.auto_mode:
            result = pid(self.process.read_pv(), dt)
            if result is not None:
                self.output = float(result)
        self.process.write_output(self.output)
        return self.output
