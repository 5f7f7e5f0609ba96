"""What the gateway has received and not yet committed, and the acks waiting on it.

The receive path (paho's thread) and the reorder timer add points, dead
letters and BIRTHs here with the message ids to acknowledge; the writer thread
takes a whole batch every ``batch_points`` points or ``batch_seconds``, and
the gateway acknowledges its messages only after it committed (0022). A
message held for reordering is acknowledged with the points it finally
yields, so its id waits under its topic meanwhile.

Kept apart from :mod:`.gateway`, which owns the MQTT session and decides
*what* a message yields; this module only decides *when* it is written.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from reind.factory.ingest.points import BirthRecord, DeadLetter, PointColumns

Ack = tuple[int, int]
"""(connection generation, MQTT message id): an ack is sent only on its own connection."""


@dataclass(slots=True)
class Pending:
    """One batch in the making."""

    points: PointColumns = field(default_factory=PointColumns)
    dead_letters: list[DeadLetter] = field(default_factory=list)
    acks: list[Ack] = field(default_factory=list)
    births: list[BirthRecord] = field(default_factory=list)
    since: float | None = None

    def touch(self) -> None:
        """Start the batch's clock if this is its first content."""
        if self.since is None:
            self.since = time.monotonic()


class BatchQueue:
    """The one pending batch, guarded by a condition the writer thread waits on."""

    def __init__(
        self,
        *,
        batch_points: int,
        batch_seconds: float,
        max_pending_points: int,
        max_wait_seconds: float,
        stopping: threading.Event,
    ) -> None:
        """``max_wait_seconds``: the longest the receive path waits for room (half the
        keepalive, so paho still pings)."""
        self.batch_points = batch_points
        self.batch_seconds = batch_seconds
        self.max_pending_points = max_pending_points
        self.max_wait_seconds = max_wait_seconds
        self._stopping = stopping
        self._cond = threading.Condition()
        self._pending = Pending()
        self._deferred: dict[str, list[Ack]] = {}

    def sizes(self) -> tuple[int, int]:
        """Points and acks waiting (for the metrics)."""
        with self._cond:
            return len(self._pending.points), len(self._pending.acks)

    def wake(self) -> None:
        """Wake the writer (at stop)."""
        with self._cond:
            self._cond.notify_all()

    def add(
        self,
        points: PointColumns | None = None,
        dead_letters: list[DeadLetter] | None = None,
        births: list[BirthRecord] | None = None,
        acks: list[Ack] | None = None,
    ) -> None:
        """Add to the batch without waiting for room (timers, BIRTHs, overheard acks)."""
        with self._cond:
            pending = self._pending
            if points:
                pending.points.extend(points)
            if dead_letters:
                pending.dead_letters.extend(dead_letters)
            if births:
                pending.births.extend(births)
            if acks:
                pending.acks.extend(acks)
            pending.touch()

    def enqueue(
        self,
        points: PointColumns,
        dead: DeadLetter | None,
        ack: Ack | None,
        holding: bool = False,
        topic: str = "",
    ) -> None:
        """Queue one message's yield; ``holding``: its ack waits for its topic's release."""
        with self._cond:
            # a memory bound only (Receive Maximum is the back-pressure): wait for the
            # writer, but never so long that paho's thread misses sending a ping
            if len(self._pending.points) >= self.max_pending_points:
                until = time.monotonic() + self.max_wait_seconds
                while (
                    len(self._pending.points) >= self.max_pending_points
                    and not self._stopping.is_set()
                    and time.monotonic() < until
                ):
                    self._cond.wait(0.1)
            pending = self._pending
            pending.touch()
            pending.points.extend(points)
            if dead is not None:
                pending.dead_letters.append(dead)
            if holding:
                if ack is not None:
                    self._deferred.setdefault(topic, []).append(ack)
            else:
                if ack is not None:
                    pending.acks.append(ack)
                deferred = self._deferred.pop(topic, None) if self._deferred else None
                if deferred:
                    pending.acks.extend(deferred)
            if len(pending.points) >= self.batch_points:
                self._cond.notify_all()

    def deferred_topics(self) -> list[str]:
        """Topics with acks waiting for held messages."""
        with self._cond:
            return list(self._deferred)

    def release(self, topics: list[str]) -> None:
        """Acknowledge, with the next batch, what was held under these topics."""
        if not topics:
            return
        with self._cond:
            for topic in topics:
                self._pending.acks.extend(self._deferred.pop(topic, []))
            self._pending.touch()

    def take(self) -> Pending | None:
        """Wait for a batch to be due (or the stop), then hand it over whole."""
        with self._cond:
            while not self._stopping.is_set():
                pending = self._pending
                if pending.since is not None:
                    due = pending.since + self.batch_seconds
                    if len(pending.points) >= self.batch_points or time.monotonic() >= due:
                        break
                    self._cond.wait(max(0.0, due - time.monotonic()))
                else:
                    self._cond.wait(self.batch_seconds)
            batch, self._pending = self._pending, Pending()
            self._cond.notify_all()
            return batch if batch.since is not None else None
