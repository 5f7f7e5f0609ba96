"""The fleet KPIs have one definition: DuckDB and Spark read the same lake and agree exactly."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from reind.cli import app
from reind.factory.lake import fleet_kpis
from reind.factory.lake.engines import DuckDBLake, SparkLake, spark_session
from tests.factory.lake.conftest import DAYS, START, Fleet

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """One local[2] session for the module: starting one costs tens of seconds."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = spark_session("local[2]")
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


def test_spark_and_duckdb_give_identical_fleet_kpis_by_line_and_shift(
    fleet: Fleet, spark: SparkSession
) -> None:
    start, end = START + timedelta(hours=5), START + timedelta(days=DAYS)
    pru = {"waffle/": Decimal("0.8")}
    duck = DuckDBLake(fleet.lake)
    try:
        on_duckdb = fleet_kpis(duck, start, end, pru_seconds=pru)
    finally:
        duck.close()
    on_spark = fleet_kpis(SparkLake(fleet.lake, spark), start, end, pru_seconds=pru)
    assert on_duckdb == on_spark
    assert [r.kpis for r in on_duckdb] == [r.kpis for r in on_spark]
    assert {r.line for r in on_spark} == {"fleet/line-000", "fleet/line-001", "fleet/line-002"}
    assert len(on_spark) == 3 * (1 + DAYS * 3)  # the night begun on the 4th, then every shift
    assert all(r.kpis["oee"] is not None for r in on_spark)


def test_reind_fleet_kpi_prints_the_same_on_both_engines(fleet: Fleet, spark: SparkSession) -> None:
    """``reind fleet kpi --engine duckdb|spark`` (Spark reuses the running session)."""
    runner = CliRunner()
    window = ["--lake", str(fleet.lake.root), "--from", "2026-01-05", "--to", "2026-01-06"]
    printed = {}
    for engine in ("duckdb", "spark"):
        result = runner.invoke(app, ["fleet", "kpi", *window, "--engine", engine])
        assert result.exit_code == 0, result.output
        printed[engine] = result.stdout
    assert printed["duckdb"] == printed["spark"]
    lines = printed["spark"].splitlines()
    assert lines[0].startswith("line,shift_day,shift,oee")
    assert "fleet/line-002,2026-01-06,Evening," in printed["spark"]
    assert not spark.sparkContext._jsc.sc().isStopped()  # the CLI left the session it found
