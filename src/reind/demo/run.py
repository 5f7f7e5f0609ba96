"""``reind demo``: the whole platform in one process, on embedded defaults.

SQLite for the programme office (with the seed-consistent portfolio on first
run), DuckDB for telemetry, an embedded MQTT broker (amqtt), both digital
twins publishing Sparkplug B, the ingest gateway with its alarms, and the
web application with the live plant dashboard. The database, rules engine,
telemetry store and plant link come from the composition root
(``reind.bootstrap``); the broker, gateway and twins are the demo's own.
Ctrl-C stops everything in reverse order; running it again continues from
what is stored.

``reind serve`` (``reind.serve``) is the same composition for a real
deployment, with PostgreSQL and an external broker given by configuration
and no twins.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from amqtt.broker import Broker
from fastapi import FastAPI
from rich.console import Console
from sqlalchemy import func, select

from reind.bootstrap import Platform, build_platform, session_secret, stop_all
from reind.core.db import Database
from reind.demo.funded_lines import ensure_demo_funded_lines
from reind.demo.users import DEMO_USERS, DOMAIN, create_demo_portfolio
from reind.factory.ingest.gateway import Gateway, GatewayConfig
from reind.factory.monitoring.engine import AlarmEngine
from reind.factory.twins.service import TwinService
from reind.programme.demo_data.portfolio import PortfolioSummary, seed_portfolio
from reind.programme.demo_data.staff import record_staff
from reind.serve import (
    Server,
    demo_alarm_rules,
    port_or_free,
    start_checkpoints,
)
from reind.settings import Settings
from reind.web.app import create_app

logger = logging.getLogger(__name__)


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
    host: str = "127.0.0.1"
    """Where the web app listens: on a loopback address its cookies go over plain http."""


def ensure_demo_users(platform: Platform) -> None:
    """The demo's sign-ins and its four worked RFS cases (idempotent)."""
    with platform.database.unit_of_work() as session:
        create_demo_portfolio(session, engine=platform.engine)


def ensure_demo_records(platform: Platform, seed: int) -> PortfolioSummary | None:
    """Everything the demo shows, each made once: the seed portfolio (its summary when loaded
    now), the sign-ins and their worked cases, the seed's staff (after the sign-ins: the
    demo's Ms Lam is the seed's member-lam) and both twins' linked projects. ``bench/pages.py``
    measures this same database."""
    summary = None
    if not _has_applications(platform.database):
        summary = seed_portfolio(
            platform.database, seed, engine=platform.engine, staff_accounts=False
        )
    ensure_demo_users(platform)
    with platform.database.unit_of_work() as session:
        record_staff(session)
    ensure_demo_funded_line(platform)
    return summary


def ensure_demo_funded_line(platform: Platform) -> None:
    """Both twins linked to their demo RFS projects with declared baselines (once)."""
    with platform.database.unit_of_work() as session:
        ensure_demo_funded_lines(session, platform.engine, DOMAIN)


def _has_applications(database: Database) -> bool:
    from reind.programme.applications.store import ApplicationRow

    with database.unit_of_work() as session:
        return bool(session.scalar(select(func.count()).select_from(ApplicationRow)))


def demo_settings(options: DemoOptions, mqtt_port: int) -> Settings:
    """The demo's own settings: everything embedded under ``options.data_dir``.

    Given explicitly, so ``REIND_DATABASE_URL`` and friends meant for ``reind
    serve`` never point the demo at a real database or broker.
    """
    return Settings(
        data_dir=options.data_dir,
        database_url=None,
        telemetry_url=None,
        audit_key=None,
        audit_checkpoints=None,
        mqtt_url=f"mqtt://127.0.0.1:{mqtt_port}",
    )


def on_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (127.0.0.0/8, ::1): no one else can listen in."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name (even "localhost") may resolve to anything


def demo_app(platform: Platform, settings: Settings, host: str) -> FastAPI:
    """The demo's web app: cookies over plain http only when bound to loopback (ADR 0134).

    A demo started on another address can be reached over a network, so it
    keeps ``Secure`` like every real server (the browser then needs https).
    """
    return create_app(
        platform,
        session_secret=session_secret(settings),
        secure_cookies=not on_loopback(host),
        warm_report_every=settings.report_warm_seconds,
        warm_at_start=True,
    )


def run_demo(options: DemoOptions, console: Console) -> None:
    """Start everything, serve until Ctrl-C, stop everything."""
    data_dir = options.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    mqtt_port = port_or_free(options.mqtt_port)
    settings = demo_settings(options, mqtt_port)
    stoppers: list[Callable[[], None]] = []
    try:
        # first, so it stops last: the plant link and gateway disconnect from a live broker
        broker = EmbeddedBroker(mqtt_port)
        with console.status(f"starting the MQTT broker on port {mqtt_port}"):
            broker.start()
        stoppers.append(broker.stop)
        alarms = AlarmEngine(rules=demo_alarm_rules())
        platform = build_platform(settings, plant=True, alarms=alarms)
        stoppers.append(platform.close)
        assert platform.telemetry is not None and platform.plant is not None  # mqtt_url is set
        database = platform.database
        with console.status("migrating the programme database"):
            database.migrate()
        with console.status("loading the demo's records (the portfolio on the first run only)"):
            summary = ensure_demo_records(platform, options.seed)
        if summary is not None:
            console.print(f"portfolio loaded in {summary.seconds:.0f} s")
        if settings.audit_checkpoint_minutes > 0:
            stoppers.append(start_checkpoints(database, settings))

        config = GatewayConfig(
            broker_url=f"mqtt://127.0.0.1:{mqtt_port}",
            store_url=settings.effective_telemetry_url,
            client_id="reind-demo-gateway",
            share_group=None,  # amqtt has no shared subscriptions; one gateway here
            protocol=3,
            alarm_engine=alarms,
        )
        # same process: the pages read the gateway's DuckDB file through the platform's store
        gateway = Gateway(config, platform.telemetry)
        gateway.start()
        stoppers.append(gateway.stop)

        platform.plant.start()  # stopped by platform.close
        for line in platform.plant.lines.values():
            twin = TwinService(
                line.kind, "127.0.0.1", mqtt_port, data_dir / "edge" / line.node,
                node=line.node, seed=options.seed, speed=options.speed, demo_pace=True,
            )  # fmt: skip
            twin.start()
            stoppers.append(twin.stop)

        app = demo_app(platform, settings, options.host)
        web_port = port_or_free(options.web_port)
        shown = f"[{options.host}]" if ":" in options.host else options.host
        url = f"http://{shown}:{web_port}"
        server = Server(
            uvicorn.Config(app, host=options.host, port=web_port, log_level="warning"),
            on_started=lambda: _print_ready(console, url, mqtt_port),
        )
        if not on_loopback(options.host):
            console.print(
                f"{options.host} is not a loopback address: cookies stay Secure, so sign in "
                f"through an https proxy in front of this port / {options.host} 不是本機回送位址："
                "Cookie 只經 HTTPS 傳送，請經 HTTPS 代理伺服器登入"
            )
        server.listen_for_stop()
        server.run()  # "ready" once it listens; returns on Ctrl-C / SIGTERM (reind.serve.Server)
        console.print("stopping")
    finally:
        stop_all(stoppers, "the demo")
    console.print("stopped cleanly")


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
