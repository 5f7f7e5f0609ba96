"""``reind serve``: reind for a real deployment, in one process.

The configured database (``REIND_DATABASE_URL``), migrated on start, and the
web application; with ``REIND_MQTT_URL`` also the ingest gateway into the
configured telemetry store and the plant dashboard's host connection to the
real machines. Everything long-lived comes from the composition root
(``reind.bootstrap``). SIGINT or SIGTERM ends serving, then everything stops
in reverse order.

Also the pieces ``reind demo`` shares with it: the uvicorn server whose
signals are ours, the alarm rules, a free port, the kept session secret.
Imported by the entry points only (``reind.cli``, ``reind.demo``).
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn
from rich.console import Console

from reind.bootstrap import build_platform, stop_all
from reind.core.db import Database
from reind.core.periodic import Periodic
from reind.factory.control.packml import PackMLState
from reind.factory.ingest.gateway import Gateway, GatewayConfig
from reind.factory.monitoring.engine import AlarmEngine
from reind.factory.monitoring.rules import LimitRule, RuleScope
from reind.factory.monitoring.suppression import AT_REST, HEAT_UP
from reind.settings import Settings
from reind.web.asgi import served_app

logger = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def demo_alarm_rules() -> list[LimitRule]:
    """What the demo watches: every machine alarm tag, and the waffle plates' temperature.

    A plate is cold, and its heater flat out, while the machine heats up (Resetting,
    Starting) and cold while it is stopped: those alarms are suppressed by design in
    those states (ISA-18.2 state-based suppression), so a heat-up raises none.
    """
    saturated = "*/Alarm/Heater ? Saturated"
    return [
        # A machine's own alarm stops or spoils production: priority 2 (respond in minutes).
        LimitRule(
            "machine alarm", high=0.5, scope=RuleScope(series="*Alarm*", exclude=saturated),
            priority=2,
        ),
        # A heater at full power for two minutes cannot hold its plate: in production only
        # (its two-minute latch still holds for a moment when the heat-up ends in Idle).
        LimitRule(
            "heater saturated", high=0.5, scope=RuleScope(series=saturated), priority=3,
            suppressed_in=HEAT_UP | AT_REST | {PackMLState.IDLE},
        ),
        # A cold plate under-bakes until it recovers: priority 3 (respond within the batch).
        LimitRule(
            "plate too cold", low=150.0, deadband=5.0, for_seconds=10.0,
            scope=RuleScope(series="*/Plate ?/Temperature"), priority=3,
            suppressed_in=HEAT_UP | AT_REST,
        ),
    ]  # fmt: skip


def port_or_free(wanted: int) -> int:
    """``wanted`` if nothing listens there, else a free port."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", wanted))
            return wanted
        except OSError:
            probe.bind(("127.0.0.1", 0))
            return int(probe.getsockname()[1])


class Server(uvicorn.Server):
    """uvicorn, but signals are ours: a signal only ends serving, then the caller
    stops the rest.

    Stock uvicorn re-raises SIGTERM after shutting down, which would kill the
    process before the twins, gateway and databases are closed; and its
    handlers come too late to catch a Ctrl-C right after "ready" is printed.
    """

    def __init__(self, config: uvicorn.Config, on_started: Callable[[], None] | None = None):
        super().__init__(config)
        self._on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Start (the app's lifespan first, then the listening socket), then say so: a
        "ready" printed before ``run`` came before a warmed app listened (ADR 0225)."""
        await super().startup(sockets=sockets)
        if self.started and self._on_started is not None:
            self._on_started()

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    def listen_for_stop(self) -> None:
        """From now on SIGINT and SIGTERM end serving (even before it starts)."""
        for sig in STOP_SIGNALS:
            signal.signal(sig, self.handle_exit)


def start_checkpoints(database: Database, settings: Settings) -> Callable[[], None]:
    """Checkpoint the audit chain and the plant's command log a minute from now, then every
    ``audit_checkpoint_minutes`` (ADR 0120); returns the stop.

    The signing key and the checkpoint file are outside the database, so a
    chain cut back or rewritten with its head is still caught by ``reind
    audit verify``.
    """
    from reind.programme.audit.checkpoints import (
        CheckpointSchedule,
        load_or_create_key,
        write_checkpoint,
    )

    key = load_or_create_key(settings.effective_audit_key)
    log = settings.effective_audit_checkpoints

    from reind.factory.commands.checkpoints import write_command_checkpoint

    def once() -> object:
        with database.unit_of_work() as session:
            written = write_checkpoint(session, key, log)
        with database.unit_of_work() as session:  # the plant's log: the same mechanism and key
            write_command_checkpoint(session, key, settings.effective_plant_checkpoints)
        return written

    schedule = CheckpointSchedule(once, settings.audit_checkpoint_minutes * 60, first_after=60)
    schedule.start()
    return schedule.stop


NOTICE_SECONDS = 15.0
"""How often ``serve`` sends the notices that are due."""
DUE_SECONDS = 3600.0
"""How often ``serve`` looks for reports and milestones falling due (``reind notices due``)."""


def start_due_notices(database: Database, every: float = DUE_SECONDS) -> Callable[[], None]:
    """Write due-date notices now and then every ``every`` seconds on a thread; the stopper.

    Each due date is told once however often this runs (``notices.due``), so
    a restart or a cron job running ``reind notices due`` as well is harmless.
    """
    from reind.programme.notices.due import notify_due

    def once() -> None:
        with database.unit_of_work() as session:
            notify_due(session)

    rounds = Periodic("due-notices", "writing due notices failed", once, every)
    rounds.start()
    return rounds.stop


def start_notices(database: Database, smtp_url: str) -> Callable[[], None]:
    """Send due notices from the outbox every ``NOTICE_SECONDS`` on a thread; the stopper.

    A failing round is logged and the loop carries on: the rows stay pending
    with their backoff (``notices.delivery``).
    """
    from reind.programme.notices import deliver_due

    def once() -> None:
        deliver_due(database, smtp_url)

    rounds = Periodic("notices", "sending notices failed", once, NOTICE_SECONDS, NOTICE_SECONDS)
    rounds.start()
    return rounds.stop


def run_serve(settings: Settings, host: str, port: int, console: Console) -> None:
    """A real deployment: the configured database, broker and telemetry store.

    Same composition as the demo minus the twins and the embedded broker: the
    web app, and, when ``REIND_MQTT_URL`` is set, the gateway and the plant
    dashboard's host connection to the real machines.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    alarms = AlarmEngine(rules=demo_alarm_rules())
    platform = build_platform(settings, plant=True, alarms=alarms)
    stoppers: list[Callable[[], None]] = [platform.close]
    try:
        platform.database.migrate()
        if settings.audit_checkpoint_minutes > 0:
            stoppers.append(start_checkpoints(platform.database, settings))
        stoppers.append(start_due_notices(platform.database))
        if settings.smtp_url:
            stoppers.append(start_notices(platform.database, settings.smtp_url))
        app = served_app(platform, settings)
        if settings.mqtt_url and platform.telemetry is not None and platform.plant is not None:
            # connected to a plant (REIND_MQTT_URL): ingest its data, show it on the dashboard
            config = GatewayConfig(
                broker_url=settings.mqtt_url,
                store_url=settings.effective_telemetry_url,
                client_id=f"reind-gateway-{socket.gethostname()}",
                alarm_engine=alarms,
            )
            gateway = Gateway(config, platform.telemetry)
            gateway.start()
            stoppers.append(gateway.stop)
            platform.plant.start()  # stopped by platform.close
        server = Server(
            uvicorn.Config(app, host=host, port=port, log_level="info"),
            on_started=lambda: console.print(f"reind serving on http://{host}:{port}"),
        )
        server.listen_for_stop()
        server.run()
    finally:
        stop_all(stoppers, "reind serve")
