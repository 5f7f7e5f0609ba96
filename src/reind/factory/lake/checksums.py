"""Content checksums of the lake's partitions: what a re-export and ``verify`` compare.

Row counts miss a value changed in place, a partition swapped for another day's,
or a file damaged on its way to shared storage. Each partition (table, day,
Sparkplug group, edge node) is summarised as ``rows:md5``, the MD5 of its rows
as text in the table's own order, computed by DuckDB the same way from the
rows the export is about to write and from the Parquet files it wrote. Text
and MD5 are stable across DuckDB versions, unlike its ``hash()``, so a
checksum recorded today still checks next year's reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from reind.factory.lake.layout import POINT_COLUMNS, Lake

ROLLUP_COLUMNS = (
    "series", "bucket", "count", "min_value", "max_value", "sum_value", "last_ts", "last_value",
)  # fmt: skip
"""The columns of a rollup file, in order (``export._rollup_table``)."""

_ORDER = {"points": "series, ts, ord"}
_ROLLUP_ORDER = "series, bucket"


def _columns(table: str) -> tuple[str, ...]:
    return tuple(n for n, _ in POINT_COLUMNS) if table == "points" else ROLLUP_COLUMNS


def checksum_sql(table: str, relation: str) -> str:
    """SQL giving (sp_group, edge_node, rows, md5) of each partition of ``relation``."""
    text = " || '|' || ".join(
        f"coalesce(CAST({name} AS VARCHAR), '\\N')" for name in _columns(table)
    )
    order = _ORDER.get(table, _ROLLUP_ORDER)
    return (
        f"SELECT sp_group, edge_node, count(*), md5(string_agg({text}, chr(10) ORDER BY {order})) "  # noqa: S608
        f"FROM {relation} GROUP BY sp_group, edge_node"
    )


def partition_checksums(
    connection: duckdb.DuckDBPyConnection, table: str, relation: str
) -> dict[str, str]:
    """``{"group/node": "rows:md5"}`` of a relation with ``sp_group`` and ``edge_node``."""
    found = connection.execute(checksum_sql(table, relation)).fetchall()
    return {f"{group}/{node}": f"{rows}:{digest}" for group, node, rows, digest in found}


def read_checksums(lake: Lake, table: str, day: date) -> dict[str, str]:
    """The checksums of what the lake's files for one table and day hold now.

    A file DuckDB cannot read counts as a partition whose checksum is
    ``unreadable``; a partition without files is absent.
    """
    folder = lake.day_folder(table, day)
    if not folder.exists():
        return {}
    files = (folder / "**" / "*.parquet").as_posix().replace("'", "''")
    relation = f"read_parquet('{files}', hive_partitioning = true, hive_types_autocast = false)"
    connection = duckdb.connect()
    try:
        return partition_checksums(connection, table, f"({relation})")
    except duckdb.Error:
        return _one_by_one(connection, lake, table, day)
    finally:
        connection.close()


def _one_by_one(
    connection: duckdb.DuckDBPyConnection, lake: Lake, table: str, day: date
) -> dict[str, str]:
    """Checksums partition by partition, so a damaged file names only its own partition."""
    found: dict[str, str] = {}
    for group_folder in sorted(lake.day_folder(table, day).glob("sp_group=*")):
        for node_folder in sorted(group_folder.glob("edge_node=*")):
            if not any(node_folder.glob("*.parquet")):
                continue  # an emptied partition: missing, not unreadable
            key = f"{group_folder.name.split('=', 1)[1]}/{node_folder.name.split('=', 1)[1]}"
            files = (node_folder / "*.parquet").as_posix().replace("'", "''")
            group, node = key.split("/", 1)
            relation = (
                f"(SELECT *, '{group}' AS sp_group, '{node}' AS edge_node "  # noqa: S608
                f"FROM read_parquet('{files}', hive_partitioning = false))"
            )
            try:
                found.update(partition_checksums(connection, table, relation))
            except duckdb.Error:
                found[key] = "unreadable"
    return found


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A partition whose files do not hold what the export wrote."""

    table: str
    day: date
    partition: str
    recorded: str | None
    found: str | None


def compare(
    table: str, day: date, recorded: dict[str, str], found: dict[str, str]
) -> list[Mismatch]:
    """The partitions that differ: changed, missing or not written by the export."""
    return [
        Mismatch(table, day, key, recorded.get(key), found.get(key))
        for key in sorted(set(recorded) | set(found))
        if recorded.get(key) != found.get(key)
    ]


def verify(lake: Lake) -> list[Mismatch]:
    """Every partition of every exported day whose content differs from its checksum."""
    mismatches: list[Mismatch] = []
    for key, tables in sorted(lake.checksums().items()):
        day = date.fromisoformat(key)
        for table, recorded in sorted(tables.items()):
            mismatches.extend(compare(table, day, recorded, read_checksums(lake, table, day)))
    return mismatches
