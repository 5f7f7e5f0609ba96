"""The lake published to an fsspec URL: whole days, checksums last, nothing twice (ADR 0183)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import fsspec

from reind.factory.ingest.points import PointColumns
from reind.factory.ingest.store import open_store
from reind.factory.lake import Lake, export_closed, verify_lake
from reind.factory.lake.publish import publish, remote_checksums
from reind.factory.lake.simulated import fleet_days, fleet_units
from tests.factory.lake.conftest import START


def test_a_published_lake_verifies_and_only_changed_days_go_again(tmp_path: Path) -> None:
    store = open_store("duckdb::memory:")
    units = fleet_units(2)
    for batch in fleet_days(units, START, 2):
        store.write_batch(batch)
    lake = Lake(tmp_path / "local")
    now = START + timedelta(days=2, hours=2)
    assert len(export_closed(store, lake, now, since=date(2026, 1, 5))) == 2
    url = (tmp_path / "shared").as_uri()  # file:///...
    first = publish(lake, url)
    assert first.days == ["2026-01-05", "2026-01-06"] and first.files > 0
    assert verify_lake(Lake.at(url)) == []  # every partition arrived with its content
    assert publish(lake, url).days == []  # idempotent
    late = PointColumns()
    late.add(units[1].energy, int((START + timedelta(days=1, hours=5)).timestamp() * 1000), 2.0)
    store.write_batch(late)  # store-and-forward data for the second day
    assert [d.day for d in export_closed(store, lake, now)] == [date(2026, 1, 6)]
    again = publish(lake, url)
    assert again.days == ["2026-01-06"]
    assert verify_lake(Lake.at(url)) == []
    assert remote_checksums(url) == lake.checksums()
    store.close()


def test_any_fsspec_filesystem_takes_the_lake_manifest_last(tmp_path: Path) -> None:
    store = open_store("duckdb::memory:")
    for batch in fleet_days(fleet_units(1), START, 1):
        store.write_batch(batch)
    lake = Lake(tmp_path / "local")
    export_closed(store, lake, START + timedelta(days=1, hours=2), since=date(2026, 1, 5))
    store.close()
    url = "memory://reind-lake-test"
    published = publish(lake, url)
    memory = fsspec.filesystem("memory")
    names = {p.split("reind-lake-test/", 1)[1] for p in memory.find("/reind-lake-test")}
    local = {p.relative_to(lake.root).as_posix() for p in lake.root.rglob("*.parquet")}
    assert local <= names and published.files == len(local)
    with memory.open("/reind-lake-test/_manifest.json", "rb") as file:
        assert json.loads(file.read()) == lake.manifest()
    memory.rm("/reind-lake-test", recursive=True)
