"""The composition root: what a reind process runs on, built once from ``Settings``.

Entry points (the ``reind`` commands, ``reind serve``, ``reind demo``, the ASGI
factory in ``web.asgi``) read the settings once, call ``build_platform`` and
hand the ``Platform`` down: ``create_app`` takes it whole, a command finds it
on the Typer context, and services receive the parts they need as
parameters. Nothing below the entry points builds a database, a rules engine,
a telemetry store or a plant link of its own (ADR 0094).

May import anything but the entry points (``reind.cli``, ``reind.demo``,
``reind.serve``); only they and ``reind.web``'s wiring import it.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: ``reind grant`` needs the engine and nothing else
    from reind.core.db import Database
    from reind.factory.ingest.store import TelemetryStore
    from reind.factory.monitoring.engine import AlarmEngine
    from reind.rules.engine import Engine
    from reind.settings import Settings
    from reind.web.plant_link import PlantLink

logger = logging.getLogger(__name__)

SERVER_POOL: dict[str, Any] = {"pool_size": 20, "max_overflow": 20}
"""Connection pool of a serving process on PostgreSQL (SQLite keeps SQLAlchemy's default)."""


@dataclass(frozen=True)
class Platform:
    """The long-lived parts of one process, made once and passed down.

    ``telemetry`` and ``plant`` are there only in a process connected to a
    plant (``reind demo``, ``reind serve`` with ``REIND_MQTT_URL``); pages that
    need them say so when they are missing.
    """

    database: Database
    engine: Engine
    telemetry: TelemetryStore | None = None
    plant: PlantLink | None = None
    audit_checkpoints: Path | None = None
    """The signed checkpoints file, for the auditor's page (None: none kept)."""
    audit_key: Path | None = None
    """The checkpoint signing key's path (its public half sits beside it)."""
    replica: Database | None = None
    """A streaming replica of ``database`` (``REIND_DATABASE_REPLICA_URL``): reads only."""

    @property
    def read_database(self) -> Database:
        """Where reports and read-only pages read: the replica when there is one."""
        return self.replica if self.replica is not None else self.database

    def close(self) -> None:
        """Stop the plant link, close the telemetry store, then dispose the database.

        Each is tried even if one before it fails (logged), so a stop never
        leaves files or connections open behind it.
        """
        stoppers: list[Callable[[], None]] = [self.database.dispose]
        if self.replica is not None:
            stoppers.append(self.replica.dispose)
        if self.telemetry is not None:
            stoppers.append(self.telemetry.close)
        if self.plant is not None:
            stoppers.append(self.plant.stop)
        stop_all(stoppers, "the platform")


def stop_all(stoppers: list[Callable[[], None]], what: str) -> None:
    """Call ``stoppers`` last first, logging (not raising) any that fails."""
    for stop in reversed(stoppers):
        try:
            stop()
        except Exception:
            logger.exception("failed while stopping %s; carrying on", what)


def rules_engine(*, lazy: bool = False, only: str | None = None) -> Engine:
    """A rules engine over the packaged schemes and parameters, built for this process.

    Built here, once per platform (or once per rules command, which needs
    nothing else), and handed down: no module below keeps an engine of its own.
    A rules command asks for it ``lazy`` (each scheme's parameters parsed when
    first used); a platform parses them all at start, so a bad file stops it there.
    ``only``: a scheme's code, for a command that decides with that scheme alone.
    """
    from reind.schemes.catalogue import build_engine

    return build_engine(lazy=lazy, only=only)


def build_platform(
    settings: Settings,
    *,
    plant: bool = False,
    alarms: AlarmEngine | None = None,
    serving: bool = False,
) -> Platform:
    """The platform ``settings`` describe.

    ``plant``: a process that runs the ingest gateway too (demo, serve) also
    gets the telemetry store and the plant link when ``settings.mqtt_url``
    names a broker; the link is built but not started (``platform.plant.start()``
    once the broker listens) and reports ``alarms`` from the gateway's engine.
    ``serving``: a web server's connection pool on PostgreSQL.
    """
    from reind.core.db import Database

    url = settings.effective_database_url
    options = SERVER_POOL if serving and not url.startswith("sqlite") else {}
    database = Database(url, **options)
    replica_url = settings.database_replica_url
    replica = None if replica_url is None else Database(replica_url, **options)
    checkpoints, key = settings.effective_audit_checkpoints, settings.effective_audit_key
    if not (plant and settings.mqtt_url):
        return Platform(
            database,
            rules_engine(),
            audit_checkpoints=checkpoints,
            audit_key=key,
            replica=replica,
        )
    from reind.factory.ingest.gateway_config import broker_address
    from reind.factory.ingest.store import open_store
    from reind.web.plant_lines import brewery_line, waffle_line
    from reind.web.plant_link import PlantLink

    try:
        host, port = broker_address(settings.mqtt_url)
        telemetry = open_store(settings.effective_telemetry_url)
    except BaseException:
        database.dispose()
        if replica is not None:
            replica.dispose()
        raise
    link = PlantLink(host, port, [waffle_line(), brewery_line()], alarms)
    return Platform(
        database,
        rules_engine(),
        telemetry,
        link,
        audit_checkpoints=checkpoints,
        audit_key=key,
        replica=replica,
    )


SESSION_KEY_FILE = "session.key"


def kept_session_secret(data_dir: Path) -> str:
    """The session-signing secret kept in ``data_dir`` (made on first start, mode 0600).

    Written to a private temporary file and linked into place, so two workers
    starting at once agree on one secret and never read a half-written file.
    """
    path = data_dir / SESSION_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=data_dir, prefix=".session-")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another worker got there first; use its secret
        finally:
            os.unlink(temporary)
    return path.read_text(encoding="utf-8").strip()


def session_secret(settings: Settings) -> str:
    """The one session secret of every entry point: ``REIND_SESSION_SECRET``, else the kept one.

    ``reind serve``, ``reind demo`` and the ASGI factory all call this, so a
    cookie signed by one is read by the others.
    """
    return settings.session_secret or kept_session_secret(settings.data_dir)
