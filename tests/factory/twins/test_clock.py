"""Twin time: a simulated clock that only moves when stepped, and a runner that drives it."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from reind.core.errors import InvalidInputError
from reind.factory.twins.clock import DEFAULT_EPOCH, SimulatedClock, TwinRunner


class Counter:
    """A stand-in twin that counts its steps and moves the clock."""

    dt = 1.0

    def __init__(self, clock: SimulatedClock) -> None:
        self.clock = clock
        self.steps = 0

    def step(self) -> None:
        self.clock.advance(self.dt)
        self.steps += 1


def test_simulated_time_moves_only_when_advanced_and_never_backwards() -> None:
    clock = SimulatedClock()
    assert clock.now() == DEFAULT_EPOCH
    clock.advance(90)
    assert (clock.now() - DEFAULT_EPOCH).total_seconds() == 90
    with pytest.raises(InvalidInputError):
        clock.advance(-1)
    with pytest.raises(InvalidInputError):
        SimulatedClock(datetime(2026, 1, 1))  # noqa: DTZ001 (the naive start is the point)


def test_a_flat_out_run_takes_exactly_the_steps_asked_for() -> None:
    clock = SimulatedClock()
    twin = Counter(clock)
    calls: list[int] = []
    TwinRunner(twin, clock).run_for(3600, on_step=lambda: calls.append(twin.steps))
    assert twin.steps == 3600
    assert calls[-1] == 3600
    assert clock.elapsed == 3600


def test_a_paced_runner_stops_when_asked() -> None:
    clock = SimulatedClock()
    twin = Counter(clock)
    runner = TwinRunner(twin, clock, speed=1000.0)
    thread = threading.Thread(target=runner.run_forever)
    thread.start()
    while twin.steps < 50:
        threading.Event().wait(0.01)
    runner.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert twin.steps >= 50


def test_speed_must_be_positive() -> None:
    clock = SimulatedClock()
    with pytest.raises(InvalidInputError):
        TwinRunner(Counter(clock), clock, speed=0)


def test_a_paced_run_that_fell_behind_catches_up_with_the_wall() -> None:
    """A busy machine delays some steps; the runner must not keep that delay for ever."""
    clock = SimulatedClock()
    wall = [0.0]
    twin = Counter(clock)
    runner = TwinRunner(twin, clock, speed=1.0, wall=lambda: wall[0])
    waits: list[float] = []

    class RecordingStop(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            waits.append(timeout or 0.0)
            return False

    runner._stop = RecordingStop()
    origin = (0.0, 0.0)
    wall[0] = 10.0  # ten seconds lost before the next chunk
    runner.run_for(10, origin=origin)
    assert waits == []  # behind the wall: run flat out
    runner.run_for(5, origin=origin)
    assert waits and waits[0] > 0  # caught up (sim 11 s > wall 10 s): paced again


def test_a_paced_step_is_never_published_before_its_moment() -> None:
    """A step stamps its values with the clock *after* the step: publishing it before the
    wall reaches that moment shows operators values from the future (the dashboard bench
    measured samples arriving 184 ms before their source time)."""
    clock = SimulatedClock()
    wall = [0.0]
    twin = Counter(clock)
    runner = TwinRunner(twin, clock, speed=1.0, wall=lambda: wall[0])
    early: list[float] = []

    class AdvancingStop(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            wall[0] += timeout or 0.0  # the sleep passes wall time
            return False

    def published() -> None:
        if clock.elapsed > wall[0] + 1e-9:
            early.append(clock.elapsed - wall[0])

    runner._stop = AdvancingStop()
    runner.run_for(5, on_step=published, origin=(0.0, 0.0))
    assert twin.steps == 5
    assert early == []


def test_a_paced_run_keeps_the_clock_on_the_wall_from_the_runners_start() -> None:
    """The clock starts when the twin is made; connecting its edge node takes a while before
    the first step. A run paced from its own start kept that delay as a constant lag: the
    demo published every value 800 ms after its source time, and each chunk kept it."""
    clock = SimulatedClock()
    wall = [0.0]
    twin = Counter(clock)
    runner = TwinRunner(twin, clock, speed=1.0, wall=lambda: wall[0])
    lags: list[float] = []

    class AdvancingStop(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            wall[0] += timeout or 0.0
            return False

    runner._stop = AdvancingStop()
    wall[0] = 0.8  # the edge node connected and sent its births
    for _ in range(2):  # the service runs chunk after chunk
        runner.run_for(3, on_step=lambda: lags.append(wall[0] - clock.elapsed))
    assert twin.steps == 6
    assert max(abs(lag) for lag in lags) < 1e-9, lags
