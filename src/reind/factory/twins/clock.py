"""The time a twin runs on: simulated (as fast as the CPU allows) or paced to the wall.

A twin only ever reads ``clock.now()`` and is stepped by a fixed ``dt``; the
``TwinRunner`` decides how fast simulated time passes. With a seed and a
``SimulatedClock`` a run is deterministic: the same seed gives the same day.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from reind.core.errors import InvalidInputError

logger = logging.getLogger(__name__)

DEFAULT_EPOCH = datetime(2026, 1, 5, 0, 0, tzinfo=UTC)


class SimulatedClock:
    """A clock that moves only when told to; starts at a fixed UTC moment."""

    def __init__(self, start: datetime = DEFAULT_EPOCH) -> None:
        """``start`` must be timezone-aware."""
        if start.tzinfo is None:
            raise InvalidInputError("a simulated clock needs a timezone-aware start")
        self.start = start
        self.elapsed = 0.0

    def now(self) -> datetime:
        """The simulated moment."""
        return self.start + timedelta(seconds=self.elapsed)

    def advance(self, seconds: float) -> None:
        """Move simulated time forward."""
        if seconds < 0:
            raise InvalidInputError("simulated time cannot run backwards")
        self.elapsed += seconds


class Steppable(Protocol):
    """Anything the runner can advance: a twin."""

    dt: float

    def step(self) -> None:
        """Advance the model by ``dt`` simulated seconds."""
        ...


class TwinRunner:
    """Drives a twin on its clock: flat out, or ``speed`` times real time."""

    def __init__(
        self,
        twin: Steppable,
        clock: SimulatedClock,
        speed: float | None = None,
        wall: Callable[[], float] = time.monotonic,
    ) -> None:
        """``speed=None`` runs as fast as possible; ``speed=60`` runs a minute per second."""
        if speed is not None and speed <= 0:
            raise InvalidInputError(f"speed must be positive, not {speed}")
        self.twin = twin
        self.clock = clock
        self.speed = speed
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._wall = wall
        # the clock's moment when the runner was made: paced runs keep to it, so the time
        # an edge node takes to connect before the first step is not kept as a lag
        self._origin = (wall(), clock.elapsed)

    def run_for(
        self,
        seconds: float,
        on_step: Callable[[], None] | None = None,
        origin: tuple[float, float] | None = None,
    ) -> None:
        """Run ``seconds`` of simulated time (paced if a speed is set).

        ``origin`` (wall time, simulated elapsed) paces against a fixed start, by default
        the runner's making, so time lost while the machine was busy (or connecting) is
        caught up rather than kept.
        """
        steps = round(seconds / self.twin.dt)
        wall_start, sim_start = origin or self._origin
        for _ in range(steps):
            if self.speed is not None:
                # wait for the moment the step *ends*: it stamps its values with that time,
                # and a value published before its source time is a value from the future
                due = wall_start + (self.clock.elapsed + self.twin.dt - sim_start) / self.speed
                delay = due - self._wall()
                if delay > 0:
                    self._stop.wait(delay)
            if self._stop.is_set():
                break
            with self.lock:
                self.twin.step()
            if on_step is not None:
                on_step()

    def run_forever(self) -> None:
        """Run until ``stop()``; a failing step is logged and the run carries on."""
        # one origin for the whole run (the runner's): a twin starved of CPU for a while
        # catches up with the wall instead of stamping every later point late
        while not self._stop.is_set():
            try:
                self.run_for(self.twin.dt * 100)
            except Exception:
                logger.exception("twin step failed; carrying on")

    def stop(self) -> None:
        """Ask a running loop to end."""
        self._stop.set()
