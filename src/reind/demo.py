"""``reind demo``: the whole platform in one process, on embedded defaults.

SQLite for the programme office (with the seed-consistent portfolio on first
run), DuckDB for telemetry, an embedded MQTT broker (amqtt), both digital
twins publishing Sparkplug B, the ingest gateway with its alarms, and the
web application with the live plant dashboard. Ctrl-C stops everything in
reverse order; running it again continues from what is stored.

``reind serve`` is the same composition for a real deployment, with
PostgreSQL and an external broker given by configuration and no twins.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from amqtt.broker import Broker
from rich.console import Console
from sqlalchemy import func, select

from reind.core.clock import hk_today
from reind.core.db import Database
from reind.factory.ingest.gateway import Gateway, GatewayConfig, broker_address
from reind.factory.ingest.store import open_store
from reind.factory.monitoring.engine import AlarmEngine
from reind.factory.monitoring.rules import LimitRule, RuleScope
from reind.factory.twins.service import TwinService
from reind.programme.demo_data.portfolio import seed_portfolio
from reind.settings import Settings
from reind.web.app import create_app
from reind.web.demo_users import DEMO_USERS, create_demo_portfolio
from reind.web.plant_lines import brewery_line, waffle_line
from reind.web.plant_link import PlantLink

logger = logging.getLogger(__name__)


def demo_alarm_rules() -> list[LimitRule]:
    """What the demo watches: every machine alarm tag, and the waffle plates' temperature."""
    return [
        LimitRule("machine alarm", high=0.5, scope=RuleScope(series="*Alarm*")),
        LimitRule(
            "plate too cold", low=150.0, deadband=5.0, for_seconds=10.0,
            scope=RuleScope(series="*/Plate ?/Temperature"),
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


class _Server(uvicorn.Server):
    """uvicorn, but signals are ours: a signal only ends serving, then ``run_demo``
    stops the rest.

    Stock uvicorn re-raises SIGTERM after shutting down, which would kill the
    process before the twins, gateway and databases are closed; and its
    handlers come too late to catch a Ctrl-C right after "ready" is printed.
    """

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    def listen_for_stop(self) -> None:
        """From now on SIGINT and SIGTERM end serving (even before it starts)."""
        for sig in STOP_SIGNALS:
            signal.signal(sig, self.handle_exit)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class EmbeddedBroker:
    """amqtt's MQTT 3.1.1 broker on its own event-loop thread."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="mqtt-broker", daemon=True)

    def start(self) -> None:
        """Start and wait until it listens."""
        self._thread.start()
        if not self._ready.wait(30) or self._error is not None:
            raise RuntimeError(f"the embedded MQTT broker did not start: {self._error}")

    def _run(self) -> None:
        async def serve() -> None:
            broker = Broker(
                {
                    "listeners": {"default": {"type": "tcp", "bind": f"127.0.0.1:{self.port}"}},
                    "plugins": {
                        "amqtt.plugins.authentication.AnonymousAuthPlugin": {
                            "allow_anonymous": True
                        }
                    },
                }
            )
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            await broker.start()
            self._ready.set()
            await self._stop.wait()
            await broker.shutdown()

        try:
            asyncio.run(serve())
        except Exception as exc:
            self._error = exc
            logger.exception("embedded MQTT broker failed")
            self._ready.set()

    def stop(self) -> None:
        """Shut down and wait."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)


@dataclass
class DemoOptions:
    """What ``reind demo`` was asked for."""

    data_dir: Path
    web_port: int = 8000
    mqtt_port: int = 1883
    speed: float = 1.0
    seed: int = 2021


def ensure_demo_users(database: Database) -> None:
    """The demo's sign-ins and its four worked RFS cases (idempotent)."""
    with database.unit_of_work() as session:
        create_demo_portfolio(session)


def ensure_demo_funded_line(database: Database) -> None:
    """Link RFS-DEMO-0004 to the waffle twin's line, with a declared manual baseline (once).

    Commissioned on the first demo day: before it there was no line, so the
    baseline is what the applicant declares for making egg waffles by hand
    (two staff, one iron each, about 24 an hour, a tenth thrown away).
    """
    from reind.programme.accounts.store import UserRow
    from reind.programme.accounts.users import actor_of
    from reind.programme.applications.store import ApplicationRow
    from reind.programme.funded_lines.services import DeclaredBaseline, declare_baseline, link_line
    from reind.programme.funded_lines.store import FundedLineRow
    from reind.web.demo_users import DOMAIN

    with database.unit_of_work() as session:
        app_id = session.scalar(
            select(ApplicationRow.id).where(ApplicationRow.reference == "RFS-DEMO-0004")
        )
        officer = session.scalar(select(UserRow).where(UserRow.email == f"officer@{DOMAIN}"))
        if app_id is None or officer is None or session.get(FundedLineRow, app_id) is not None:
            return
        line = waffle_line()
        link_line(
            session, app_id, actor_of(officer), series_prefix=line.series_prefix,
            line_name_en=line.title_en, line_name_zh=line.title_zh,
            commissioned_on=hk_today(), pru_seconds=80.0, operators=1.0,
        )  # fmt: skip
        manual = DeclaredBaseline(
            throughput_per_hour=24.0, labour_hours_per_unit=2 / 24, energy_kwh_per_unit=0.25,
            yield_ratio=0.9, basis="Made by hand: two staff, one gas-fired iron each.",
        )  # fmt: skip
        declare_baseline(session, app_id, actor_of(officer), manual)


def _has_applications(database: Database) -> bool:
    from reind.programme.applications.store import ApplicationRow

    with database.unit_of_work() as session:
        return bool(session.scalar(select(func.count()).select_from(ApplicationRow)))


def _secret(data_dir: Path) -> str:
    """A session secret kept in the data directory, so sign-ins survive a restart."""
    path = data_dir / "session-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def run_demo(options: DemoOptions, console: Console) -> None:
    """Start everything, serve until Ctrl-C, stop everything."""
    data_dir = options.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(f"sqlite:///{data_dir / 'reind.db'}")
    stoppers: list[Callable[[], None]] = [database.dispose]
    try:
        with console.status("migrating the programme database"):
            database.migrate()
        if not _has_applications(database):
            with console.status("loading the seed-consistent portfolio (first run only)"):
                summary = seed_portfolio(database, options.seed)
            console.print(f"portfolio loaded in {summary.seconds:.0f} s")
        ensure_demo_users(database)
        ensure_demo_funded_line(database)

        mqtt_port = port_or_free(options.mqtt_port)
        broker = EmbeddedBroker(mqtt_port)
        with console.status(f"starting the MQTT broker on port {mqtt_port}"):
            broker.start()
        stoppers.append(broker.stop)

        alarms = AlarmEngine(rules=demo_alarm_rules())
        config = GatewayConfig(
            broker_url=f"mqtt://127.0.0.1:{mqtt_port}",
            store_url=f"duckdb:{data_dir / 'telemetry.duckdb'}",
            client_id="reind-demo-gateway",
            share_group=None,  # amqtt has no shared subscriptions; one gateway here
            protocol=3,
            alarm_engine=alarms,
        )
        store = open_store(config.store_url)
        stoppers.append(store.close)
        gateway = Gateway(config, store)
        gateway.start()
        stoppers.append(gateway.stop)

        lines = [waffle_line(), brewery_line()]
        link = PlantLink("127.0.0.1", mqtt_port, lines, alarms=alarms)
        link.start()
        stoppers.append(link.stop)
        for line in lines:
            twin = TwinService(
                line.kind, "127.0.0.1", mqtt_port, data_dir / "edge" / line.node,
                node=line.node, seed=options.seed, speed=options.speed,
            )  # fmt: skip
            twin.start()
            stoppers.append(twin.stop)

        app = create_app(database, session_secret=_secret(data_dir), secure_cookies=False)
        app.state.plant = link
        app.state.telemetry = store  # same process: reads share the gateway's DuckDB file
        web_port = port_or_free(options.web_port)
        server = _Server(uvicorn.Config(app, host="127.0.0.1", port=web_port, log_level="warning"))
        url = f"http://127.0.0.1:{web_port}"
        server.listen_for_stop()
        _print_ready(console, url, mqtt_port)
        server.run()  # returns on Ctrl-C / SIGTERM (uvicorn handles the signals)
        console.print("stopping")
    finally:
        for stop in reversed(stoppers):
            try:
                stop()
            except Exception:
                logger.exception("failed while stopping the demo; carrying on")
    console.print("stopped cleanly")


def run_serve(settings: Settings, host: str, port: int, console: Console) -> None:
    """A real deployment: the configured database, broker and telemetry store.

    Same composition as the demo minus the twins and the embedded broker: the
    web app, and, when ``REIND_MQTT_URL`` is set, the gateway and the plant
    dashboard's host connection to the real machines.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.effective_database_url)
    stoppers: list[Callable[[], None]] = [database.dispose]
    try:
        database.migrate()
        app = create_app(
            database,
            session_secret=settings.session_secret or _secret(settings.data_dir),
            secure_cookies=settings.secure_cookies,
        )
        if settings.mqtt_url:
            alarms = AlarmEngine(rules=demo_alarm_rules())
            config = GatewayConfig(
                broker_url=settings.mqtt_url,
                store_url=settings.effective_telemetry_url,
                client_id=f"reind-gateway-{socket.gethostname()}",
                alarm_engine=alarms,
            )
            store = open_store(config.store_url)
            stoppers.append(store.close)
            gateway = Gateway(config, store)
            gateway.start()
            stoppers.append(gateway.stop)
            broker_host, broker_port = broker_address(settings.mqtt_url)
            link = PlantLink(broker_host, broker_port, [waffle_line(), brewery_line()], alarms)
            link.start()
            stoppers.append(link.stop)
            app.state.plant = link
            app.state.telemetry = store
        server = _Server(uvicorn.Config(app, host=host, port=port, log_level="info"))
        server.listen_for_stop()
        console.print(f"reind serving on http://{host}:{port}")
        server.run()
    finally:
        for stop in reversed(stoppers):
            try:
                stop()
            except Exception:
                logger.exception("failed while stopping; carrying on")


def _print_ready(console: Console, url: str, mqtt_port: int) -> None:
    console.print(f"\n[bold green]reind is ready[/] at [bold]{url}[/]  (MQTT on port {mqtt_port})")
    console.print("Sign in at /sign-in as any of these (demo passwords, local use only):")
    for user in DEMO_USERS:
        console.print(
            f"  {user.role.value:<17} {user.email:<28} {user.password:<22} {user.display_name}",
            highlight=False,
            soft_wrap=True,
        )
    console.print(f"Plant dashboard: {url}/plant/waffle-1 · Ctrl-C stops everything\n")
