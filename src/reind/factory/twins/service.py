"""A twin running in a background thread, published over Sparkplug B.

One place for what ``reind twin run``, ``reind demo`` and the dashboard
tests all need: build the twin, bind it to an edge node, start it on a
shift, pace it, and stop it cleanly (the edge node's NDEATH goes out).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from reind.core.clock import utcnow
from reind.factory.sparkplug.edge import EdgeNode
from reind.factory.twins.base import Twin
from reind.factory.twins.catalogue import AutoStart, make_twin
from reind.factory.twins.clock import SimulatedClock, TwinRunner
from reind.factory.twins.sparkplug_link import SparkplugLink

logger = logging.getLogger(__name__)

GROUP = "reind"
"""The Sparkplug group every twin publishes in."""


class TwinService:
    """One twin, its edge node and the thread that steps it."""

    def __init__(
        self,
        kind: str,
        broker_host: str,
        broker_port: int,
        state_dir: Path,
        *,
        node: str | None = None,
        seed: int = 0,
        speed: float | None = 1.0,
        demo_pace: bool = False,
    ) -> None:
        """``speed`` is simulated seconds per wall second; None runs flat out.

        ``demo_pace``: the beer line's slow processes compressed (``make_twin``).
        """
        self.kind = kind
        self.node = node or f"{kind}-1"
        self.clock = SimulatedClock(utcnow())
        self.twin: Twin = make_twin(kind, self.clock, seed, demo_pace=demo_pace)
        self.runner = TwinRunner(self.twin, self.clock, speed)
        self._autostart = AutoStart(self.twin)
        self.edge = EdgeNode(
            GROUP, self.node, broker_host, broker_port, state_dir=state_dir, clock=self.clock
        )
        self.link = SparkplugLink(self.twin, self.edge, self.runner.lock)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"twin-{self.node}", daemon=True)

    def start(self) -> None:
        """Connect the edge node and start stepping."""
        self.edge.start()
        self._thread.start()

    def _after_step(self) -> None:
        with self.runner.lock:
            self._autostart()
        self.link.publish()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.runner.run_for(2.0, self._after_step)
            except Exception:
                logger.exception("twin %s failed a step; carrying on", self.node)

    def stop(self) -> None:
        """Stop stepping and disconnect (the edge node sends its death certificate)."""
        self._stop.set()
        self.runner.stop()
        self._thread.join(timeout=10)
        self.edge.stop()
