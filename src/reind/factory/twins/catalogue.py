"""Which twins exist, how to build one, and how a shift starts it without an operator.

The entry points (CLI, demo) go through here so they never need to know a
twin's class or how its units are started.
"""

from __future__ import annotations

from reind.core.errors import NotFoundError
from reind.factory.control.packml import PackMLCommand, PackMLState
from reind.factory.twins.base import Twin
from reind.factory.twins.brewery import BeerLine
from reind.factory.twins.clock import SimulatedClock
from reind.factory.twins.waffle import WaffleMachine

TWINS: dict[str, type[Twin]] = {"waffle": WaffleMachine, "brewery": BeerLine}


def make_twin(
    kind: str, clock: SimulatedClock, seed: int, scheduled: bool = True, demo_pace: bool = False
) -> Twin:
    """A twin of ``kind`` ("waffle" or "brewery") on ``clock`` with ``seed``.

    ``scheduled=False`` leaves the beer line's units to an operator's commands;
    ``demo_pace`` compresses the slow processes: the beer line's brewing and
    fermentation, the waffle machine's mixing, cooling and freezing.
    """
    if kind == "waffle":
        return WaffleMachine(clock, seed, demo_pace=demo_pace)
    if kind == "brewery":
        return BeerLine(clock, seed, auto=scheduled, demo_pace=demo_pace)
    raise NotFoundError(f"no twin {kind!r} (twins: {', '.join(TWINS)})")


class AutoStart:
    """Resets and starts the waffle machine once, as the morning shift would.

    The beer line schedules itself; this only gets a stopped waffle machine to
    Execute, and stays out of the way after that (an operator's Stop sticks).
    """

    def __init__(self, twin: Twin, enabled: bool = True) -> None:
        """Watch ``twin``; only a ``WaffleMachine`` needs it."""
        self.twin = twin
        self.done = not enabled or not isinstance(twin, WaffleMachine)

    def __call__(self) -> None:
        """Call after each step."""
        if self.done:
            return
        unit = self.twin.units[""]
        if unit.state is PackMLState.STOPPED:
            self.twin.command("", PackMLCommand.RESET)
        elif unit.state is PackMLState.IDLE:
            self.twin.command("", PackMLCommand.START)
            self.done = True
