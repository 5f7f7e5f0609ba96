"""The writers' queue (ADR 0095): first come, first served, within a process and between two.

Timing is never asserted, only who got the turn first.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import threading
import time
from pathlib import Path

from reind.core.writer_queue import WriterQueue, writer_queue


def test_writers_of_one_process_get_their_turn_in_arrival_order() -> None:
    queue = WriterQueue(None)
    assert queue.acquire(1.0)
    order: list[int] = []

    def write(number: int) -> None:
        assert queue.acquire(10.0)
        order.append(number)
        queue.release()

    threads = []
    for number in range(8):
        threads.append(threading.Thread(target=write, args=(number,)))
        threads[-1].start()
        _until(lambda n=number: queue.waiting > n)
    queue.release()
    for thread in threads:
        thread.join()
    assert order == list(range(8))


def test_a_writer_whose_wait_times_out_leaves_the_line_and_the_rest_go_on() -> None:
    queue = WriterQueue(None)
    assert queue.acquire(1.0)
    assert not queue.acquire(0.05)  # the turn is taken: refused after its timeout
    assert queue.waiting == 0
    queue.release()
    assert queue.acquire(0.05)  # nobody left holding a place in line
    queue.release()


def test_one_queue_per_file_and_process_shared_by_every_engine(tmp_path: Path) -> None:
    first = writer_queue(str(tmp_path / "a.db"))
    assert writer_queue(str(tmp_path / "." / "a.db")) is first
    assert writer_queue(str(tmp_path / "b.db")) is not first
    assert writer_queue(None) is not writer_queue(None)  # in memory: each engine its own


def _ask(lock_file: str, asked: str, got: str) -> None:
    queue = WriterQueue(Path(lock_file))
    Path(asked).touch()
    assert queue.acquire(30.0)
    Path(got).touch()
    time.sleep(0.3)
    queue.release()


def test_a_process_cannot_send_its_next_writer_in_ahead_of_another_process_waiting(
    tmp_path: Path,
) -> None:
    """The turnstile: our writer leaves and our next one asks at once, but the other
    process's writer was already waiting at the door, so it goes first."""
    lock_file = tmp_path / "db-writers"
    asked, got = tmp_path / "asked", tmp_path / "got"
    ours = WriterQueue(lock_file)
    assert ours.acquire(5.0)
    other = multiprocessing.get_context("spawn").Process(
        target=_ask, args=(str(lock_file), str(asked), str(got))
    )
    other.start()
    try:
        _until(asked.exists, seconds=60)
        _until(lambda: _door_taken(ours))
        ours.release()
        assert ours.acquire(30.0)  # asked the moment ours left
        assert got.exists(), "our next writer got in ahead of the other process's"
        ours.release()
    finally:
        other.join(30)
    assert other.exitcode == 0


def _door_taken(ours: WriterQueue) -> bool:
    """Whether another process holds byte 0 (it asked and waits for the room).

    Tried on the queue's own descriptor: closing any other descriptor of the file
    would drop every lock this process holds on it (POSIX record locks).
    """
    fd = ours._fd  # noqa: SLF001  (the test looks at the lock it must not disturb)
    assert fd is not None
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 0)
    except OSError:
        return True
    fcntl.lockf(fd, fcntl.LOCK_UN, 1, 0)
    return False


def _until(done: object, seconds: float = 10.0) -> None:
    assert callable(done)
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.005)
