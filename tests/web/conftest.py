"""API tests run on SQLite; a representative subset also on a real PostgreSQL.

Reuses the programme tests' migrated templates (a file copy for SQLite,
``CREATE DATABASE ... TEMPLATE`` for PostgreSQL), so each test starts from a
fresh database that the Alembic migrations made, accounts table included.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from reind.core.db import Database
from tests.fixtures.servers import PostgresServer
from tests.programme.conftest import _fresh_postgres, postgres_template, sqlite_template
from tests.web.world import World, make_world

__all__ = ["postgres_template", "sqlite_template"]  # fixtures, re-exported for these tests


def _sqlite(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    path = tmp_path / "reind.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    return Database(f"sqlite:///{path}")


@pytest.fixture
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """A world of users, one per role, on a fresh SQLite database."""
    database = _sqlite(request, tmp_path)
    try:
        yield make_world(database)
    finally:
        database.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.integration)]
)
def shared_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One world for a whole module, for tests that each make their own fresh subjects.

    On SQLite and on a real PostgreSQL (there through the hot path too).
    """
    if request.param == "sqlite":
        database = _sqlite(request, tmp_path_factory.mktemp("shared"))
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        template: str = request.getfixturevalue("postgres_template")
        database = Database(_fresh_postgres(server, template), pool_size=10, max_overflow=10)
    try:
        world = make_world(database)
        with world.client:
            yield world
    finally:
        database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.integration)])
def any_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """The same world on SQLite and on a real PostgreSQL (there through the hot path too)."""
    if request.param == "sqlite":
        database = _sqlite(request, tmp_path)
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        template: str = request.getfixturevalue("postgres_template")
        database = Database(_fresh_postgres(server, template), pool_size=10, max_overflow=10)
    try:
        world = make_world(database)
        with world.client:  # the lifespan: on PostgreSQL the hot path serves (ADR 0091)
            yield world
    finally:
        database.dispose()
