"""One store suite, two backends: every test taking ``store`` runs on both."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from reind.factory.ingest.store import TelemetryStore, open_store
from tests.fixtures.servers import PostgresServer

_databases = itertools.count()


@pytest.fixture(
    params=[
        "duckdb-memory",
        "duckdb-file",
        pytest.param("postgresql", marks=pytest.mark.integration),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TelemetryStore]:
    """A fresh, empty telemetry store of each kind."""
    if request.param == "duckdb-memory":
        opened = open_store("duckdb::memory:")
    elif request.param == "duckdb-file":
        opened = open_store(f"duckdb:{tmp_path / 'telemetry.duckdb'}")
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        opened = open_store(server.create_database(f"telemetry_{next(_databases)}"))
    try:
        yield opened
    finally:
        opened.close()
