"""First come, first served for SQLite's one writer (ADR 0095, issue 12).

SQLite lets one transaction write at a time. A writer that finds the lock
taken waits in SQLite's busy handler, which sleeps with a growing back-off
(1, 2, 5 ... then 100 ms between tries) and keeps no queue: a writer that
arrives just as the lock is released takes it, while one that has waited for
seconds is asleep. Under load most writers got in at once and a few waited
until the busy timeout (write p99 3.5-7 s, and 503s).

``WriterQueue`` makes the wait fair. Writers of one process take a place in
line and are let in strictly in arrival order, one at a time, each handed the
turn by the one before (no polling, no sleeping). Between processes (several
uvicorn workers on one file) the writer at the head of each process's line
also takes a lock on a file beside the database, through a turnstile: it
first takes byte 0 (the door), then byte 1 (the room), then lets go of the
door. A process whose writer has just left the room cannot send its next one
in ahead of another process's writer already past the door, so busy
processes take turns instead of one starving the other. The file locks are
tried without blocking every ``POLL_SECONDS`` so the wait keeps its timeout.

Readers never come here: they begin DEFERRED on a WAL snapshot. SQLite's own
lock still decides who writes; the queue only orders who asks, so a writer
from a process that does not queue (the ``sqlite3`` shell, a migration) is
still waited for with the busy timeout.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections import deque
from pathlib import Path

POLL_SECONDS = 0.001
"""How often the head of a process's line tries the file lock held by another process."""
_DOOR, _ROOM = 0, 1


class WriterQueue:
    """A fair (FIFO) turn for one database file's writers, across threads and processes."""

    def __init__(self, lock_file: Path | None) -> None:
        self._mutex = threading.Lock()
        self._line: deque[threading.Lock] = deque()
        self._taken = False
        self._lock_file = lock_file
        self._fd: int | None = None

    def acquire(self, timeout: float) -> bool:
        """Wait for this writer's turn, at most ``timeout`` seconds; False if it did not come."""
        deadline = time.monotonic() + timeout
        with self._mutex:
            if not self._taken and not self._line:
                self._taken = True
                place = None
            else:
                place = threading.Lock()
                place.acquire()
                self._line.append(place)
        if place is not None and not place.acquire(timeout=max(0.0, timeout)):
            with self._mutex:
                if place in self._line:  # still in line: leave it
                    self._line.remove(place)
                    return False
            # the turn was handed over just as the wait ended: it is ours
        if self._enter_room(deadline):
            return True
        self._hand_on()
        return False

    @property
    def waiting(self) -> int:
        """How many writers are in line behind the one whose turn it is."""
        with self._mutex:
            return len(self._line)

    def release(self) -> None:
        """End this writer's turn and let the next in line in."""
        if self._fd is not None:
            fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, _ROOM)
        self._hand_on()

    def _hand_on(self) -> None:
        with self._mutex:
            if self._line:
                self._line.popleft().release()  # the turn passes straight to the next in line
            else:
                self._taken = False

    def _enter_room(self, deadline: float) -> bool:
        if self._lock_file is None:
            return True
        if self._fd is None:
            self._fd = os.open(self._lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        if not _lock(self._fd, _DOOR, deadline):
            return False
        try:
            return _lock(self._fd, _ROOM, deadline)
        finally:
            fcntl.lockf(self._fd, fcntl.LOCK_UN, 1, _DOOR)


def _lock(fd: int, byte: int, deadline: float) -> bool:
    """Take ``byte`` of the lock file, trying every ``POLL_SECONDS`` until ``deadline``."""
    while True:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, byte)
            return True
        except OSError:
            if time.monotonic() >= deadline:
                return False
        time.sleep(POLL_SECONDS)


_queues: dict[tuple[int, str], WriterQueue] = {}
_queues_lock = threading.Lock()


def writer_queue(database_file: str | None) -> WriterQueue:
    """The queue of this process's writers to ``database_file`` (None: in memory, this engine's).

    One per file and process: two engines on one file share it, since a
    process's ``fcntl`` locks are its own whichever descriptor took them.
    """
    if database_file is None:
        return WriterQueue(None)
    path = str(Path(database_file).resolve())
    with _queues_lock:
        key = (os.getpid(), path)
        queue = _queues.get(key)
        if queue is None:
            queue = _queues[key] = WriterQueue(Path(f"{path}-writers"))
        return queue
