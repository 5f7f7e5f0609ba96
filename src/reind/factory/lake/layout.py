"""Where the lake keeps what: one folder a table, hive-partitioned by day, group and edge node.

``<root>/<table>/day=YYYY-MM-DD/sp_group=<group>/edge_node=<node>/*.parquet``, the day
in Hong Kong time (a site's day, as shifts are), the group and edge node from the
Sparkplug series name ``group/node/device/metric``. Both readers (DuckDB's
``hive_partitioning``, Spark's partition discovery) see ``day``, ``sp_group`` and
``edge_node`` as columns; they are read as text (no type inference) so the engines agree.
Folders starting with ``_`` (staging, the manifest) are skipped by both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from reind.core.clock import HONG_KONG
from reind.core.errors import InvalidInputError

TABLES = ("points", "rollup_minute", "rollup_hour")
"""The tables a day exports: raw points and the two rollups."""

POINT_COLUMNS = (
    ("series", "VARCHAR"),
    ("ts", "BIGINT"),
    ("ord", "BIGINT"),
    ("datatype", "INTEGER"),
    ("value", "DOUBLE"),
    ("text", "VARCHAR"),
    ("int_value", "DECIMAL(20,0)"),
    ("bytes_value", "BLOB"),
)
"""The columns of a ``points`` file, in order, with their DuckDB types: the store's row
(``ingest/typed.py``, docs/decisions/0140). ``ts`` is milliseconds since the epoch;
``ord`` orders samples sharing a millisecond; ``datatype`` is Sparkplug's number (0 if
unknown); ``value`` is null for text, bytes and arrays; ``int_value`` holds an Int64 or
UInt64 beyond 2**53 exactly (Parquet DECIMAL(20,0), Spark ``DecimalType(20,0)``) beside
its rounded ``value``; ``text`` holds String, Text, UUID and arrays as JSON;
``bytes_value`` Bytes and File. Changing this is a change of the lake's interface."""

PARTITIONS = ("day", "sp_group", "edge_node")
"""The hive partition columns, outermost first."""

MANIFEST = "_manifest.json"
CHECKSUMS = "_checksums.json"
"""Per day, table and ``group/node`` partition: ``rows:md5`` of what the export wrote."""


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants a Hong Kong day starts and ends at."""
    start = datetime.combine(day, time(), HONG_KONG).astimezone(UTC)
    return start, start + timedelta(days=1)


def group_and_node(series: str) -> tuple[str, str]:
    """The Sparkplug group and edge node a series name begins with."""
    parts = series.split("/", 2)
    if len(parts) < 3 or not parts[0] or not parts[1]:
        raise InvalidInputError(f"series {series!r} is not group/node/...")
    return parts[0], parts[1]


@dataclass(frozen=True, slots=True)
class Lake:
    """A lake on a local folder (a ``file://`` URL or a path)."""

    root: Path

    @classmethod
    def at(cls, location: str) -> Lake:
        """The lake at a folder path or ``file://`` URL (object stores: not yet, ADR 0180)."""
        if "://" in location and not location.startswith("file://"):
            raise InvalidInputError(
                f"the lake must be a folder or a file:// URL for now, not {location!r}"
            )
        return cls(Path(location.removeprefix("file://")))

    def table(self, name: str) -> Path:
        """The folder of one table."""
        return self.root / name

    def day_folder(self, table: str, day: date) -> Path:
        """The partition folder of one table's day."""
        return self.table(table) / f"day={day.isoformat()}"

    def staging(self, table: str, day: date) -> Path:
        """Where a day is written before it replaces the published one."""
        return self.root / "_staging" / table / f"day={day.isoformat()}"

    def manifest(self) -> dict[str, Any]:
        """What was exported, by day: ``{"2026-01-05": {"rollup_hour": rows, ...}}``."""
        path = self.root / MANIFEST
        if not path.exists():
            return {}
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded

    def checksums(self) -> dict[str, dict[str, dict[str, str]]]:
        """What each exported day's partitions held: ``{day: {table: {"g/n": "rows:md5"}}}``
        (days exported before checksums existed are absent)."""
        path = self.root / CHECKSUMS
        if not path.exists():
            return {}
        loaded: dict[str, dict[str, dict[str, str]]] = json.loads(path.read_text("utf-8"))
        return loaded

    def record(
        self, day: date, counts: dict[str, int], checksums: dict[str, dict[str, str]]
    ) -> None:
        """Note a day as exported with its row counts and partition checksums.

        Checksums first: a crash between the two leaves the day unrecorded in
        the manifest, so the next run exports it again.
        """
        sums = self.checksums()
        sums[day.isoformat()] = checksums
        self._replace(CHECKSUMS, sums)
        manifest = self.manifest()
        manifest[day.isoformat()] = counts
        self._replace(MANIFEST, manifest)

    def _replace(self, name: str, content: dict[str, Any]) -> None:
        """Write a JSON file whole, then rename it into place."""
        self.root.mkdir(parents=True, exist_ok=True)
        staged = self.root / f"{name}.tmp"
        staged.write_text(json.dumps(content, sort_keys=True, indent=1), encoding="utf-8")
        staged.replace(self.root / name)
