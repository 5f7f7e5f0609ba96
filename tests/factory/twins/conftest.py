"""Helpers for twin tests: a warm waffle machine and a telemetry recorder."""

from __future__ import annotations

from collections import defaultdict

import pytest

from reind.factory.control.packml import PackMLCommand
from reind.factory.twins.base import Twin
from reind.factory.twins.clock import SimulatedClock
from reind.factory.twins.tags import TagValue
from reind.factory.twins.waffle import WaffleMachine


class Telemetry:
    """Everything a twin reported by exception, tag by tag, as an operator's historian would."""

    def __init__(self) -> None:
        self.history: dict[str, list[TagValue]] = defaultdict(list)

    def run(self, twin: Twin, seconds: float) -> None:
        for _ in range(round(seconds / twin.dt)):
            twin.step()
            for name, value in twin.tags.drain().items():
                self.history[name].append(value)

    def seen(self, name: str, value: TagValue) -> bool:
        return value in self.history.get(name, [])

    def last(self, name: str) -> TagValue:
        return self.history[name][-1]


def producing_waffle_machine(seed: int = 7) -> WaffleMachine:
    """A waffle machine warmed up and in Execute."""
    machine = WaffleMachine(SimulatedClock(), seed=seed)
    machine.command("", PackMLCommand.RESET)
    machine.run(900)
    machine.command("", PackMLCommand.START)
    machine.run(60)
    assert machine.machine.state.label == "Execute"
    return machine


@pytest.fixture
def waffle() -> WaffleMachine:
    """A waffle machine in Execute."""
    return producing_waffle_machine()


@pytest.fixture
def telemetry() -> Telemetry:
    """A fresh telemetry recorder."""
    return Telemetry()
