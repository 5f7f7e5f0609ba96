"""The two engines that read the lake: DuckDB on one machine, Apache Spark for a fleet.

Each opens the lake's hour rollups as the view ``kpi_sql.ROLLUPS`` (hive
partitions read as text) and runs the same SQL text; that is all that differs.
Spark is imported here only when a :class:`SparkLake` is made (pyspark and a
Java 17 runtime; ADR 0180); ``local[2]`` uses this machine's two cores, and a
``spark://`` master a cluster reading the same files.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol

import duckdb

from reind.core.errors import InvalidInputError
from reind.factory.lake.kpi_sql import ROLLUPS
from reind.factory.lake.layout import Lake

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

logger = logging.getLogger(__name__)

EngineName = Literal["duckdb", "spark"]


class LakeEngine(Protocol):
    """An engine the fleet KPIs run on."""

    name: str

    def sql(self, statement: str) -> list[tuple[Any, ...]]:
        """Run one statement; its rows."""
        ...

    def close(self) -> None:
        """Let go of what the engine holds."""
        ...


class DuckDBLake:
    """The lake read by an in-process DuckDB."""

    name = "duckdb"

    def __init__(self, lake: Lake, threads: int | None = None) -> None:
        self._connection = duckdb.connect()
        if threads is not None:
            self._connection.execute(f"SET threads = {int(threads)}")
        files = (lake.table("rollup_hour") / "**" / "*.parquet").as_posix().replace("'", "''")
        if not any(lake.table("rollup_hour").glob("**/*.parquet")):
            raise InvalidInputError(f"no hour rollups in the lake at {lake.root}")
        view = (
            f"CREATE TEMPORARY VIEW {ROLLUPS} AS SELECT * FROM read_parquet('{files}',"  # noqa: S608
            " hive_partitioning = true, hive_types_autocast = false)"
        )
        self._connection.execute(view)

    def sql(self, statement: str) -> list[tuple[Any, ...]]:
        """Run one statement; its rows."""
        return self._connection.execute(statement).fetchall()

    def close(self) -> None:
        """Close the connection."""
        self._connection.close()


def spark_session(master: str = "local[2]", app: str = "reind-fleet") -> SparkSession:
    """A Spark session that reads hive partitions as text and stays small on one machine."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )


class SparkLake:
    """The lake read by Apache Spark (pyspark); the session is the caller's to stop."""

    name = "spark"

    def __init__(self, lake: Lake, session: SparkSession) -> None:
        self._session = session
        folder = lake.table("rollup_hour")
        if not any(folder.glob("**/*.parquet")):
            raise InvalidInputError(f"no hour rollups in the lake at {lake.root}")
        session.read.parquet(folder.as_posix()).createOrReplaceTempView(ROLLUPS)

    def sql(self, statement: str) -> list[tuple[Any, ...]]:
        """Run one statement; its rows as tuples."""
        return [tuple(row) for row in self._session.sql(statement).collect()]

    def close(self) -> None:
        """Drop the view (the session stays: starting one costs seconds)."""
        self._session.catalog.dropTempView(ROLLUPS)


def define_views(engine: LakeEngine, views: dict[str, str]) -> None:
    """Create (or replace) each temporary view in ``views`` on ``engine``."""
    for name, select in views.items():
        engine.sql(f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {select}")


def names() -> Sequence[EngineName]:
    """The engines there are."""
    return ("duckdb", "spark")
