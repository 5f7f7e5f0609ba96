"""Closed days go to the lake as hive-partitioned Parquet, once, whatever runs it again."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from reind.cli import app
from reind.factory.ingest.points import PointColumns
from reind.factory.ingest.store import open_store
from reind.factory.kpi.calendar import Period
from reind.factory.kpi.rollups import elements_by_period
from reind.factory.lake import Lake, closed_days, export_closed, fleet_kpis, verify_lake
from reind.factory.lake.engines import DuckDBLake
from reind.factory.lake.simulated import fleet_days, fleet_units
from tests.factory.lake.conftest import DAYS, NOW, START, Fleet


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.parquet"))}


def test_a_day_is_closed_only_after_its_hong_kong_midnight_and_the_grace() -> None:
    first = START.date() + timedelta(days=1)  # 5 January, Hong Kong
    end_of_first = START + timedelta(days=1)
    assert closed_days(first, end_of_first) == []
    assert closed_days(first, end_of_first + timedelta(hours=1)) == [first]


def test_the_lake_is_partitioned_by_day_group_and_edge_node(fleet: Fleet) -> None:
    folders = {
        p.parent.relative_to(fleet.lake.root).as_posix() for p in fleet.lake.root.rglob("*.parquet")
    }
    assert "rollup_hour/day=2026-01-05/sp_group=fleet/edge_node=line-000" in folders
    assert {f.split("/")[0] for f in folders} == {"points", "rollup_minute", "rollup_hour"}
    days = {f.split("/")[1] for f in folders}
    assert days == {f"day=2026-01-0{d}" for d in range(5, 5 + DAYS)}


def test_exporting_again_changes_nothing(fleet: Fleet) -> None:
    before = _files(fleet.lake.root)
    assert export_closed(fleet.store, fleet.lake, NOW, since=START.date()) == []
    again = export_closed(fleet.store, fleet.lake, NOW, since=START.date())
    assert again == [] and _files(fleet.lake.root) == before


def test_a_re_exported_day_replaces_its_files(tmp_path: Path) -> None:
    store = open_store("duckdb::memory:")
    units = fleet_units(1)
    for batch in fleet_days(units, START, 1):
        store.write_batch(batch)
    lake = Lake(tmp_path)
    day = date(2026, 1, 5)
    now = START + timedelta(days=1, hours=2)
    first = export_closed(store, lake, now, since=day)
    before = _files(tmp_path)
    late = PointColumns()
    late.add(units[0].energy, int((START + timedelta(hours=3, minutes=10)).timestamp() * 1000), 1.0)
    store.write_batch(late)  # store-and-forward data for a day already exported
    second = export_closed(store, lake, now, since=day)
    assert [d.day for d in first] == [day] and [d.day for d in second] == [day]
    assert second[0].rows["points"] == first[0].rows["points"] + 1
    assert set(_files(tmp_path)) == set(before)  # replaced, not added beside
    files = f"{tmp_path}/points/**/*.parquet"
    query = f"SELECT count(*) FROM read_parquet('{files}')"  # noqa: S608
    counted = duckdb.connect().execute(query).fetchall()
    assert counted == [(second[0].rows["points"],)]
    store.close()


def test_duckdb_over_the_lake_gives_the_stores_own_kpi_elements(fleet: Fleet) -> None:
    start, end = START + timedelta(days=1), START + timedelta(days=DAYS)
    engine = DuckDBLake(fleet.lake)
    try:
        rows = fleet_kpis(engine, start, end)
    finally:
        engine.close()
    for unit in fleet.units:
        line = "/".join(unit.series_prefix.split("/")[:2])  # fleet/line-000
        expected = elements_by_period(fleet.store, [unit], start, end, Period.SHIFT)
        got = {f"{r.shift_day} {r.shift}": r.elements for r in rows if r.line == line}
        assert list(got) == list(expected)
        for label, elements in expected.items():
            for name in ("apt", "adet", "adot", "asbt", "pq", "sq", "energy_kwh", "failures"):
                assert getattr(got[label], name) == pytest.approx(getattr(elements, name), abs=1e-5)


def test_reind_fleet_export_then_kpi_on_duckdb(tmp_path: Path) -> None:
    store_path = tmp_path / "telemetry.duckdb"
    store = open_store(f"duckdb:{store_path}")
    for batch in fleet_days(fleet_units(2), START, 1):
        store.write_batch(batch)
    store.close()
    runner = CliRunner()
    lake = str(tmp_path / "lake")
    exported = runner.invoke(
        app,
        [
            "fleet",
            "export",
            "--lake",
            lake,
            "--store",
            f"duckdb:{store_path}",
            "--since",
            "2026-01-05",
        ],
    )
    assert exported.exit_code == 0, exported.output
    assert "2026-01-05: points 384, rollup_minute 384, rollup_hour 384" in exported.stdout
    printed = runner.invoke(
        app, ["fleet", "kpi", "--lake", lake, "--from", "2026-01-05", "--to", "2026-01-05"]
    )
    assert printed.exit_code == 0, printed.output
    rows = printed.stdout.splitlines()
    assert rows[0] == "line,shift_day,shift,oee,availability,effectiveness,quality_ratio,mtbf_hours"
    assert [r.split(",")[:3] for r in rows[1:4]] == [
        ["fleet/line-000", "2026-01-04", "Night"],
        ["fleet/line-000", "2026-01-05", "Morning"],
        ["fleet/line-000", "2026-01-05", "Evening"],
    ]


def _one_day_lake(tmp_path: Path) -> tuple[Any, Lake, datetime]:
    store = open_store("duckdb::memory:")
    for batch in fleet_days(fleet_units(2), START, 1):
        store.write_batch(batch)
    lake = Lake(tmp_path / "lake")
    now = START + timedelta(days=1, hours=2)
    assert len(export_closed(store, lake, now, since=date(2026, 1, 5))) == 1
    return store, lake, now


def _alter(partition: Path) -> None:
    """Rewrite a partition's file with one value changed and the same number of rows."""
    (file,) = partition.glob("*.parquet")
    target = file.as_posix()
    connection = duckdb.connect()
    connection.execute(
        f"COPY (SELECT * REPLACE (CASE WHEN row_number() OVER () = 1 THEN value + 1 ELSE value END"  # noqa: S608
        f" AS value) FROM read_parquet('{target}', hive_partitioning = false)) TO '{target}.new'"
        " (FORMAT PARQUET)"
    )
    connection.close()
    Path(f"{target}.new").replace(file)


def test_a_partition_altered_with_the_same_row_count_is_caught_and_repaired(
    tmp_path: Path,
) -> None:
    store, lake, now = _one_day_lake(tmp_path)
    assert verify_lake(lake) == []
    partition = (
        lake.day_folder("points", date(2026, 1, 5)) / "sp_group=fleet" / "edge_node=line-001"
    )
    _alter(partition)
    rows = (
        duckdb.connect()
        .execute(
            f"SELECT count(*) FROM read_parquet('{partition.as_posix()}/*.parquet')"  # noqa: S608
        )
        .fetchall()
    )
    assert rows == [(lake.manifest()["2026-01-05"]["points"] // 2,)]  # counts alone agree
    (mismatch,) = verify_lake(lake)
    assert (mismatch.table, mismatch.partition) == ("points", "fleet/line-001")
    assert mismatch.recorded is not None and mismatch.found is not None
    assert mismatch.recorded.split(":")[0] == mismatch.found.split(":")[0]  # same rows
    redone = export_closed(store, lake, now, since=date(2026, 1, 5))
    assert [d.day for d in redone] == [date(2026, 1, 5)]  # the next run repairs it
    assert verify_lake(lake) == []
    store.close()


def test_a_damaged_or_missing_partition_file_is_named_by_reind_fleet_verify(
    tmp_path: Path,
) -> None:
    store, lake, _ = _one_day_lake(tmp_path)
    store.close()
    day = lake.day_folder("rollup_hour", date(2026, 1, 5))
    (file,) = (day / "sp_group=fleet" / "edge_node=line-000").glob("*.parquet")
    file.write_bytes(file.read_bytes()[:-40])  # truncated on its way to shared storage
    for missing in (lake.day_folder("rollup_minute", date(2026, 1, 5)) / "sp_group=fleet").glob(
        "edge_node=line-001/*.parquet"
    ):
        missing.unlink()
    checked = CliRunner().invoke(app, ["fleet", "verify", "--lake", str(lake.root)])
    assert checked.exit_code == 2, checked.output
    assert "rollup_hour 2026-01-05 fleet/line-000" in checked.stdout
    assert "found unreadable" in checked.stdout
    assert "rollup_minute 2026-01-05 fleet/line-001" in checked.stdout
    assert "found None" in checked.stdout
    assert "points" not in checked.stdout.replace("partition(s)", "")
