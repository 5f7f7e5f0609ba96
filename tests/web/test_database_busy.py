"""A database that stays locked past its busy timeout answers a write 503 with Retry-After,
not 500, and a read as usual (it reads a snapshot; ADR 0095)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy import func, select

from reind.core.db import Database, is_busy
from reind.programme.applications.store import ApplicationRow
from tests.web.test_api_guarantees import DRAFT
from tests.web.world import make_world


def test_a_write_blocked_past_the_busy_timeout_is_503_with_retry_after_and_stores_nothing(
    sqlite_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "reind.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}", sqlite_busy_timeout=0.2)
    world = make_world(database)
    body = {**DRAFT, "enterprise_id": world.enterprise_a}
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock and does not let go
    try:
        created = world.client.post(
            "/api/v1/applications", json=body, headers=world.auth("applicant")
        )
        listed = world.client.get(
            f"/api/v1/enterprises/{world.enterprise_a}/contacts", headers=world.auth("officer")
        )
    finally:
        blocker.rollback()
        blocker.close()
    assert created.status_code == 503, created.text
    assert created.headers["Retry-After"] == "1"
    assert created.headers["content-type"] == "application/problem+json"
    assert created.json()["code"] == "database_busy"
    # A read does not queue for the writer's lock: it reads a snapshot (ADR 0095).
    assert listed.status_code == 200, listed.text
    with database.unit_of_work() as session:
        assert session.execute(select(func.count()).select_from(ApplicationRow)).scalar_one() == 0
    again = world.client.post("/api/v1/applications", json=body, headers=world.auth("applicant"))
    assert again.status_code == 201, again.text
    database.dispose()


def test_only_sqlite_busy_counts_as_busy() -> None:
    busy = "database is locked"
    assert is_busy(sqlite3.OperationalError(busy))
    assert not is_busy(sqlite3.OperationalError("no such table: claims"))
    assert not is_busy(ValueError(busy))
