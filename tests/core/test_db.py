"""Migrations create the schema on SQLite and on a real PostgreSQL."""

from pathlib import Path

import pytest
from sqlalchemy import inspect

from reind.core.db import Database
from tests.fixtures.servers import PostgresServer


def test_migrations_create_the_decision_table_on_sqlite(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'reind.db'}")
    database.migrate()
    database.migrate()  # running again is harmless
    assert "rule_decisions" in inspect(database.engine).get_table_names()
    database.dispose()


@pytest.mark.integration
def test_migrations_create_the_decision_table_on_postgresql(
    postgres_server: PostgresServer,
) -> None:
    database = Database(postgres_server.create_database("core_db"))
    database.migrate()
    assert "rule_decisions" in inspect(database.engine).get_table_names()
    database.dispose()
