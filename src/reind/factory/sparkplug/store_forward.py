"""Store-and-forward buffer for an edge node that cannot reach its broker.

Values recorded while offline are kept on disk in a SQLite file, so they
survive a restart of the edge process too, bounded to ``max_rows`` (the
oldest are dropped first, with a warning). After the next BIRTH they are
replayed in order with ``is_historical`` set. Each row is one metric encoded
as a Sparkplug payload, so every datatype the codec handles is stored as is.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

from reind.factory.sparkplug.codec import Metric, Payload, decode_payload, encode_payload

logger = logging.getLogger(__name__)


class StoreAndForwardBuffer:
    """A bounded, ordered, on-disk queue of (device_id, Metric)."""

    def __init__(self, path: Path, max_rows: int = 100_000) -> None:
        self.path = path
        self.max_rows = max_rows
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS buffered ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT, device_id TEXT, metric BLOB NOT NULL)"
        )
        self.dropped = 0

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT count(*) FROM buffered").fetchone()
        return int(count)

    def add(self, device_id: str | None, metric: Metric) -> None:
        """Keep ``metric`` for later; drop the oldest row when full."""
        blob = encode_payload(Payload(None, None, (metric,)))
        with self._lock:
            self._db.execute(
                "INSERT INTO buffered (device_id, metric) VALUES (?, ?)", (device_id, blob)
            )
            (count,) = self._db.execute("SELECT count(*) FROM buffered").fetchone()
            excess = int(count) - self.max_rows
            if excess > 0:
                self._db.execute(
                    "DELETE FROM buffered WHERE id IN"
                    " (SELECT id FROM buffered ORDER BY id LIMIT ?)",
                    (excess,),
                )
                self.dropped += excess
                logger.warning("store-and-forward buffer full: dropped %d oldest values", excess)

    def peek(self, limit: int = 500) -> list[tuple[int, str | None, Metric]]:
        """The oldest ``limit`` rows as (row id, device_id, metric)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, device_id, metric FROM buffered ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        return [(row_id, device, decode_payload(blob).metrics[0]) for row_id, device, blob in rows]

    def remove_through(self, row_id: int) -> None:
        """Forget every row up to and including ``row_id`` (they were sent)."""
        with self._lock:
            self._db.execute("DELETE FROM buffered WHERE id <= ?", (row_id,))

    def close(self) -> None:
        """Close the SQLite file."""
        with self._lock:
            self._db.close()
