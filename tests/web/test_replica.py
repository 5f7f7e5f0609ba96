"""A streaming replica for the programme office (issue 18): reports read it, writes never do.

The replica is a real one: ``pg_basebackup -R`` of the test session's PostgreSQL,
started on a port of its own, streaming from the primary.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from reind.bootstrap import Platform
from reind.core.db import Database
from reind.programme.actors import Role
from reind.schemes.catalogue import default_engine
from reind.web.app import create_app
from tests.fixtures.servers import (
    PostgresServer,
    _pg_bin,
    _run_as_postgres_user,
    free_port,
    wait_for_port,
)
from tests.programme.conftest import _fresh_postgres, postgres_template
from tests.web.test_pages_world import Browser
from tests.web.world import FAST_HASHER, PASSWORD, World, add_person, make_world

__all__ = ["postgres_template"]  # fixtures
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def replica_port(postgres_server: PostgresServer) -> Iterator[int]:
    """A hot standby of the session's PostgreSQL, streaming from it; its port."""
    base = Path(tempfile.mkdtemp(prefix="reind-replica-"))
    data = base / "data"
    prefix = _run_as_postgres_user()
    if prefix:
        shutil.chown(base, "postgres", "postgres")
    subprocess.run(
        [*prefix, _pg_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(postgres_server.port),
         "-U", "postgres", "-D", str(data), "-R", "-X", "stream", "--checkpoint=fast"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    # --checkpoint=fast: the default spread checkpoint waits up to 0.9 x checkpoint_timeout
    # (4.5 min) once the session's server has many dirty pages, as it has late in the suite.
    port = free_port()
    # a standby needs at least the primary's max_connections (the session server has 200)
    options = (
        f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c hot_standby=on"
        " -c max_connections=200"
    )
    subprocess.run(
        [*prefix, _pg_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log"),
         "-w", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    try:
        wait_for_port(port)
        yield port
    finally:
        subprocess.run(
            [*prefix, _pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)


def _wait_for(database: Database, name: str) -> None:
    """Until the replica has the database ``name`` and its migrations (30 s at most)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with database.engine.connect() as connection:
                if connection.execute(text("SELECT count(*) FROM users")).scalar():
                    return
        except Exception:  # noqa: BLE001, S110 - not replayed yet: the database may not exist
            pass
        time.sleep(0.2)
    pytest.fail(f"the replica never showed {name}")


def test_the_report_reads_the_replica_and_the_page_shows_its_lag(
    postgres_server: PostgresServer, postgres_template: str, replica_port: int
) -> None:
    primary_url = _fresh_postgres(postgres_server, postgres_template)
    primary = Database(primary_url)
    world: World = make_world(primary)
    name = primary_url.rsplit("/", 1)[1]
    replica = Database(f"postgresql+psycopg://postgres@127.0.0.1:{replica_port}/{name}")
    try:
        _wait_for(replica, name)
        lag = replica.replica_lag()
        assert lag is not None and lag >= 0
        assert primary.replica_lag() is None  # the primary is not replaying anything
        platform = Platform(primary, default_engine(), replica=replica)
        assert platform.read_database is replica
        app = create_app(platform, secure_cookies=False, password_hasher=FAST_HASHER)
        with TestClient(app) as web:
            form = {"email": world.email("analyst"), "password": PASSWORD}
            assert web.post("/sign-in", data=form, follow_redirects=False).status_code == 303
            page = web.get("/analyst?as_of=2026-03-31&report_lang=en")
            assert page.status_code == 200 and 'id="replica-lag"' in page.text
            assert "s behind the primary" in page.text
            chinese = web.get("/analyst?as_of=2026-03-31&lang=zh-Hant")
            assert "落後主資料庫" in chinese.text
            report = web.get("/analyst/report.html?as_of=2026-03-31&report_lang=en")
            assert report.status_code == 200 and "<html" in report.text
        with replica.engine.connect() as connection:  # what served the report cannot write
            assert connection.execute(text("SELECT pg_is_in_recovery()")).scalar() is True
    finally:
        world.client.close()
        replica.dispose()
        primary.dispose()


def _sign_in(app: FastAPI, world: World, who: str) -> Browser:
    browser = Browser(app)
    form = {"email": world.email(who), "password": PASSWORD}
    assert browser.post("/sign-in", data=form, follow_redirects=False).status_code == 303
    return browser


def _replay(replica: Database, action: str) -> None:
    with replica.engine.connect() as connection:
        connection.execute(text(f"SELECT pg_wal_replay_{action}()"))


def test_office_lists_read_the_replica_but_whoever_wrote_reads_its_own_write(
    postgres_server: PostgresServer, postgres_template: str, replica_port: int
) -> None:
    """Replay paused on the replica: the officer who records an enquiry sees it on the desk
    at once (the primary, until the replica has replayed past that write); another officer
    reads the replica and does not, until replay resumes."""
    primary_url = _fresh_postgres(postgres_server, postgres_template)
    primary = Database(primary_url)
    world: World = make_world(primary)
    add_person(world, "second_officer", Role.OFFICER)
    name = primary_url.rsplit("/", 1)[1]
    replica = Database(f"postgresql+psycopg://postgres@127.0.0.1:{replica_port}/{name}")
    question = "Is there money for a replica-tested line?"
    try:
        _wait_for(replica, name)
        app = create_app(
            Platform(primary, default_engine(), replica=replica),
            secure_cookies=False,
            password_hasher=FAST_HASHER,
        )
        writer, reader = _sign_in(app, world, "officer"), _sign_in(app, world, "second_officer")
        caught_up = primary.wal_position()
        assert caught_up is not None
        deadline = time.monotonic() + 30
        while not replica.replayed(caught_up) and time.monotonic() < deadline:
            time.sleep(0.1)
        for browser in (writer, reader):  # each reads the replica again: its sign-in replayed
            assert browser.page("/desk").status_code == 200
        _replay(replica, "pause")
        try:
            recorded = writer.submit("/desk/enquiries", {"question": question, "channel": "phone"})
            assert recorded.status_code == 303
            assert question in writer.get("/desk").text  # its own write, from the primary
            assert question not in reader.get("/desk").text  # the replica, paused before it
        finally:
            _replay(replica, "resume")
        deadline = time.monotonic() + 30
        while question not in reader.get("/desk").text and time.monotonic() < deadline:
            time.sleep(0.2)
        assert question in reader.get("/desk").text
        assert question in writer.get("/desk").text  # and the writer is back on the replica
    finally:
        world.client.close()
        replica.dispose()
        primary.dispose()
