"""Every programme test runs against SQLite and against a real PostgreSQL.

The schema is made once per backend by the Alembic migrations and copied for
each test (a file copy for SQLite, ``CREATE DATABASE ... TEMPLATE`` for
PostgreSQL), so each test starts from a fresh, fully migrated database.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from reind.core.db import Database
from tests.fixtures.servers import PostgresServer

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.integration)]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file to copy."""
    path = tmp_path_factory.mktemp("programme") / "template.db"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    database.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    """The name of a migrated PostgreSQL database to copy."""
    name = f"programme_template_{uuid.uuid4().hex[:8]}"
    database = Database(postgres_server.create_database(name), poolclass=NullPool)
    database.migrate()
    database.dispose()
    return name


def _fresh_postgres(server: PostgresServer, template: str) -> str:
    name = f"programme_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return server.url(name)


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh, migrated programme database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "reind.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        database = Database(f"sqlite:///{path}")
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        template: str = request.getfixturevalue("postgres_template")
        database = Database(_fresh_postgres(server, template), pool_size=20, max_overflow=20)
    try:
        yield database
    finally:
        database.dispose()
