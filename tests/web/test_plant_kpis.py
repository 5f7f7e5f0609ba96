"""The dashboard's KPI panel reads the telemetry store of the app's platform."""

from __future__ import annotations

from types import SimpleNamespace

from fastapi import FastAPI

from reind.bootstrap import Platform
from reind.core.db import Database
from reind.factory.ingest.duckdb_store import DuckDBStore
from reind.schemes.catalogue import default_engine
from reind.web.plant_lines import waffle_line
from reind.web.views.plant import _kpis


def _request(platform: Platform) -> object:
    app = FastAPI()
    app.state.platform = platform
    return SimpleNamespace(app=app)


def test_kpis_come_from_the_platforms_telemetry_store_and_none_without_one() -> None:
    database = Database("sqlite://")
    store = DuckDBStore()
    try:
        line = waffle_line()
        with_store = _kpis(_request(Platform(database, default_engine(), telemetry=store)), line)  # type: ignore[arg-type]
        without = _kpis(_request(Platform(database, default_engine())), line)  # type: ignore[arg-type]
    finally:
        store.close()
        database.dispose()
    assert [k.name for k in with_store] == [
        "oee",
        "availability",
        "effectiveness",
        "quality_ratio",
        "throughput_rate",
    ]
    assert without == []
