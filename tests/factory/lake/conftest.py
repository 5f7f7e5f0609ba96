"""A small simulated fleet in a DuckDB store, and its lake (one of each per test module)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reind.factory.ingest.store import TelemetryStore, open_store
from reind.factory.kpi.units import WorkUnit
from reind.factory.lake import Lake, export_closed
from reind.factory.lake.simulated import fleet_days, fleet_units

START = datetime(2026, 1, 4, 16, tzinfo=UTC)
"""Midnight of Monday 5 January 2026 in Hong Kong."""
DAYS = 3
NOW = START + timedelta(days=DAYS, hours=2)
"""When the tests export: every simulated day has closed."""


@dataclass
class Fleet:
    """A store holding three lines' three days, and the lake they were exported to."""

    store: TelemetryStore
    units: list[WorkUnit]
    lake: Lake


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    """Three simulated lines over three days, exported to a lake."""
    store = open_store("duckdb::memory:")
    units = fleet_units(3)
    for batch in fleet_days(units, START, DAYS):
        store.write_batch(batch)
    lake = Lake(Path(tmp_path_factory.mktemp("lake")))
    export_closed(store, lake, NOW, since=START.date())
    try:
        yield Fleet(store, units, lake)
    finally:
        store.close()
