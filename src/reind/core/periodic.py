"""One job run every few seconds on a thread until stopped: the server's background rounds.

Checkpoints of the hash chains, due-date notices and the outbox's sending each run one
round now and then. A failing round is logged and the loop carries on (a long-running
loop, STYLE.md); the round is given by the caller, so the thread knows nothing of
databases, keys or mail.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)


class Periodic:
    """Runs ``job`` every ``every`` seconds, the first time after ``first_after`` seconds.

    ``name`` names the thread; ``failure`` is what the log says when a round fails
    ("sending notices failed").
    """

    def __init__(
        self,
        name: str,
        failure: str,
        job: Callable[[], object],
        every: float,
        first_after: float = 0,
    ) -> None:
        self._failure = failure
        self._job = job
        self._every = every
        self._first_after = first_after
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        """Start the rounds (the first one after ``first_after`` seconds)."""
        self._thread.start()

    def stop(self) -> None:
        """Stop after the round under way, if any."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        if self._stop.wait(self._first_after):
            return
        while not self._stop.is_set():
            try:
                self._job()
            except Exception:
                logger.exception("%s; trying again later", self._failure)
            self._stop.wait(self._every)
