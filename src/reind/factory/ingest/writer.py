"""Where the gateway's batches are committed: in a thread, or in a process of its own.

Decoding, alarms and SPC run in the gateway's receive path; the store write
(numpy columns, DuckDB's de-duplication and rollups) costs about as much
again. In one process the two share one GIL and one core. A
:class:`ProcessWriter` moves the store into a child process, so receive and
write use both cores (docs/decisions/0027). The hand-off is one pickled
:class:`Batch` over a pipe, its points packed as numpy arrays with the series
as small integers (:mod:`.packed`): pickling lists of numbers one by one and
turning them into arrays again in the writer cost about 0.4 CPU µs a point
(ADR 0142).

The acknowledge-after-commit rule (docs/decisions/0022) is unchanged:
:meth:`BatchWriter.write` returns only once the batch is committed, in
whichever process, and only then does the gateway acknowledge its messages.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, ClassVar, Protocol

from reind.core.errors import ReindError
from reind.factory.ingest.packed import PackedPoints, SeriesCodes
from reind.factory.ingest.points import BirthRecord, DeadLetter, PointColumns
from reind.factory.ingest.store import TelemetryStore, open_store
from reind.factory.monitoring.events import AlarmEvent

logger = logging.getLogger(__name__)

OPEN_RETRY_SECONDS = 30.0
"""How long a new writer process retries opening a store that another process still holds
(a DuckDB file stays locked until the writer of a killed gateway has noticed and exited)."""


class StoreWriterError(ReindError):
    """The store could not commit a batch (or its writer process died); retry later."""

    code: ClassVar[str] = "store_write_failed"
    status: ClassVar[int] = 503
    title: ClassVar[str] = "Telemetry store unavailable"


@dataclass(slots=True)
class Batch:
    """Everything one transaction commits: points, dead letters, alarm events, births."""

    points: PointColumns | PackedPoints = field(default_factory=PointColumns)
    dead_letters: list[DeadLetter] = field(default_factory=list)
    alarm_events: list[AlarmEvent] = field(default_factory=list)
    births: list[BirthRecord] = field(default_factory=list)


class BatchWriter(Protocol):
    """Commits batches; ``write`` returns only after the commit."""

    def births(self) -> list[BirthRecord]:
        """The stored BIRTHs, to restore the host's alias tables on start."""
        ...

    def write(self, batch: Batch) -> int:
        """Commit ``batch`` in one transaction; return how many points were new."""
        ...

    def close(self) -> None:
        """Release the store (and the writer process)."""
        ...


class InlineWriter:
    """Writes in the calling thread to a store the caller opened (and closes)."""

    def __init__(self, store: TelemetryStore) -> None:
        self.store = store

    def births(self) -> list[BirthRecord]:
        """The stored BIRTHs."""
        return self.store.births()

    def write(self, batch: Batch) -> int:
        """Commit ``batch`` in this thread."""
        points = batch.points
        if isinstance(points, PointColumns):
            points = points.flat()  # the stores read the columns; blocks are the pipe's form
        return self.store.write_batch(points, batch.dead_letters, batch.alarm_events, batch.births)

    def close(self) -> None:
        """Nothing to release: the store belongs to the caller."""


class ProcessWriter:
    """Owns the store in a child process; batches go over a pipe, commits come back.

    If the child dies, the next ``write`` raises :class:`StoreWriterError` after
    starting a fresh child, so the gateway's retry of the same batch goes to it.
    The child exits when the pipe closes, which includes the gateway being killed.
    """

    def __init__(self, store_url: str, *, duckdb_threads: int = 1, niceness: int = 10) -> None:
        self.store_url = store_url
        self.duckdb_threads = duckdb_threads
        self.niceness = niceness
        self._context = mp.get_context("spawn")  # no fork of a process running paho threads
        self._births: list[BirthRecord] = []
        self._codes = SeriesCodes()  # the gateway's side of the packed hand-off
        self._start()

    def _start(self) -> None:
        parent, child = self._context.Pipe()
        self._process = self._context.Process(
            target=serve_store,
            args=(self.store_url, child, self.duckdb_threads, self.niceness),
            name="reind-store-writer",
            daemon=True,
        )
        self._process.start()
        child.close()
        self._connection = parent
        try:  # the child answers once the store is open
            parent.send(("births", None))
            status, value = parent.recv()
        except (EOFError, OSError) as error:
            raise StoreWriterError(
                "the store writer process could not open the store", store=self.store_url
            ) from error
        if status != "ok":
            raise StoreWriterError(f"the store refused to start: {value}", store=self.store_url)
        self._births = value

    @property
    def pid(self) -> int | None:
        """The writer process's id (for operators and tests)."""
        return self._process.pid

    def _call(self, kind: str, argument: Any) -> Any:
        try:
            self._connection.send((kind, argument))
            status, value = self._connection.recv()
        except (EOFError, OSError) as error:
            self._restart()
            raise StoreWriterError("the store writer process died; restarted it") from error
        if status != "ok":
            raise StoreWriterError(f"the store refused the batch: {value}", store=self.store_url)
        return value

    def _restart(self) -> None:
        logger.error("store writer process %s died; starting another", self._process.pid)
        self._connection.close()
        self._process.join(timeout=1)
        try:
            self._start()
        except StoreWriterError:
            logger.exception("the new store writer process failed too")

    def births(self) -> list[BirthRecord]:
        """The BIRTHs the store held when the writer process started."""
        return list(self._births)

    def write(self, batch: Batch) -> int:
        """Send ``batch`` to the writer process and wait for its commit.

        The points go packed (:mod:`.packed`): numpy arrays pickle as their
        buffers, and the series as small integers into the batch's names.
        """
        points = batch.points
        if isinstance(points, PointColumns):
            points = PackedPoints.pack(points, self._codes)
        packed = Batch(points, batch.dead_letters, batch.alarm_events, batch.births)
        return int(self._call("write", packed))

    def close(self) -> None:
        """Ask the writer process to close the store and exit; wait for it."""
        try:
            self._connection.send(("close", None))
            self._connection.recv()
        except (EOFError, OSError):
            logger.warning("store writer process was already gone at close")
        self._connection.close()
        self._process.join(timeout=30)
        if self._process.is_alive():  # our own child: never leave it behind
            self._process.kill()
            self._process.join()


def serve_store(
    store_url: str, connection: Connection, duckdb_threads: int = 1, niceness: int = 10
) -> None:
    """The writer process: open the store, then commit what arrives until told to stop.

    SIGINT is ignored so a Ctrl-C to the gateway's process group cannot cut a
    commit short; the gateway closes the pipe (or dies), which ends the loop.
    The process runs ``niceness`` steps nicer than the gateway: when the cores
    are contended, decoding and alarms go first and commits wait (the broker
    holds the messages meanwhile), which keeps alarm latency low.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if niceness:
        os.nice(niceness)
    store = _open_with_retry(store_url, duckdb_threads)
    try:
        while True:
            try:
                kind, argument = connection.recv()
            except EOFError:  # the gateway is gone: nothing more will be acknowledged
                return
            try:
                if kind == "write":
                    batch: Batch = argument
                    result: Any = store.write_batch(
                        batch.points, batch.dead_letters, batch.alarm_events, batch.births
                    )
                elif kind == "births":
                    result = store.births()
                else:
                    connection.send(("ok", None))
                    return
            except Exception as error:  # the gateway keeps the batch and retries
                logger.exception("store writer: %s failed", kind)
                connection.send(("error", f"{type(error).__name__}: {error}"))
                continue
            connection.send(("ok", result))
    finally:
        store.close()
        connection.close()


def _open_with_retry(store_url: str, duckdb_threads: int) -> TelemetryStore:
    deadline = time.monotonic() + OPEN_RETRY_SECONDS
    while True:
        try:
            store = open_store(store_url)
            break
        except Exception:  # e.g. the DuckDB file is still locked by a dying writer
            if time.monotonic() >= deadline:
                raise
            logger.warning("store %s not available yet; retrying", store_url, exc_info=True)
            time.sleep(0.25)
    configure = getattr(store, "set_threads", None)
    if configure is not None:
        configure(duckdb_threads)
    return store
