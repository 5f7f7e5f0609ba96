"""A running waffle twin on a real broker, and a dashboard connected to it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from reind.factory.control.packml import PackMLState
from reind.factory.monitoring.engine import AlarmEngine
from reind.factory.twins.base import Twin
from reind.factory.twins.service import TwinService
from reind.serve import demo_alarm_rules
from reind.web.plant_lines import brewery_line, waffle_line
from reind.web.plant_link import PlantLink


@dataclass
class RunningPlant:
    """The twin, the dashboard's link and the alarm engine behind it."""

    twin: Twin
    link: PlantLink
    alarms: AlarmEngine
    twins: list[Twin]


def wait_until(check: Callable[[], object], timeout: float = 20.0) -> None:
    """Poll ``check()`` until it is true or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def wait_executing(twin: Twin, timeout: float = 90.0) -> None:
    """Wait until the waffle machine has heated up and bakes (PackML Execute).

    The product's alarm rules suppress a cold plate while the machine heats up, so a fault
    injected before Execute raises nothing (ISA-18.2 state-based suppression).
    """
    wait_until(lambda: twin.tags["PackML/State"].value == int(PackMLState.EXECUTE), timeout)


def running_plant(
    port: int, state_dir: Path, speed: float = 20.0, brewery: bool = False
) -> Iterator[RunningPlant]:
    """Start the waffle twin (and with ``brewery`` the beer line at demo pace) and a
    PlantLink on the broker at ``port``; stop them all after."""
    services = [TwinService("waffle", "127.0.0.1", port, state_dir / "waffle", seed=7, speed=speed)]
    lines = [waffle_line()]
    if brewery:
        services.append(
            TwinService(
                "brewery",
                "127.0.0.1",
                port,
                state_dir / "brewery",
                seed=7,
                speed=speed,
                demo_pace=True,
            )  # fmt: skip
        )
        lines.append(brewery_line())
    for service in services:
        service.start()
    alarms = AlarmEngine(rules=demo_alarm_rules())  # the product's rules: a heat-up raises none
    link = PlantLink("127.0.0.1", port, lines, alarms=alarms, evaluate_alarms=True)
    link.start()
    try:
        yield RunningPlant(services[0].twin, link, alarms, [s.twin for s in services])
    finally:
        link.stop()
        for service in services:
            service.stop()
