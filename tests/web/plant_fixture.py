"""A running waffle twin on a real broker, and a dashboard connected to it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reind.core.clock import utcnow
from reind.factory.monitoring.engine import AlarmEngine
from reind.factory.monitoring.rules import LimitRule, RuleScope
from reind.factory.sparkplug.edge import EdgeNode
from reind.factory.twins.base import Twin
from reind.factory.twins.catalogue import AutoStart, make_twin
from reind.factory.twins.clock import SimulatedClock, TwinRunner
from reind.factory.twins.sparkplug_link import SparkplugLink
from reind.web.plant_lines import GROUP, waffle_line
from reind.web.plant_link import PlantLink


@dataclass
class RunningPlant:
    """The twin, its runner thread and the dashboard's link."""

    twin: Twin
    link: PlantLink
    alarms: AlarmEngine


def wait_until(check: object, timeout: float = 20.0) -> None:
    """Poll ``check()`` until it is true or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def running_plant(port: int, state_dir: Path, speed: float = 20.0) -> Iterator[RunningPlant]:
    """Start the waffle twin and a PlantLink on the broker at ``port``; stop both after."""
    clock = SimulatedClock(utcnow())
    twin = make_twin("waffle", clock, 7)
    runner = TwinRunner(twin, clock, speed)
    autostart = AutoStart(twin)
    edge = EdgeNode(GROUP, "waffle-1", "127.0.0.1", port, state_dir=state_dir, clock=clock)
    sparkplug = SparkplugLink(twin, edge, runner.lock)
    edge.start()
    stop = threading.Event()

    def after_step() -> None:
        with runner.lock:
            autostart()
        sparkplug.publish()

    def loop() -> None:
        while not stop.is_set():
            runner.run_for(2.0, after_step)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    alarms = AlarmEngine(
        rules=[
            LimitRule("plate A too cold", low=150.0, scope=RuleScope(metric="Plate A/Temperature"))
        ]
    )
    link = PlantLink("127.0.0.1", port, [waffle_line()], alarms=alarms, evaluate_alarms=True)
    link.start()
    try:
        yield RunningPlant(twin, link, alarms)
    finally:
        stop.set()
        runner.stop()
        thread.join(timeout=10)
        link.stop()
        edge.stop()
