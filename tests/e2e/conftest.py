"""End-to-end fixtures: the real app under uvicorn, Debian's Chromium via Playwright.

The browser is the one Debian installs (/usr/bin/chromium); Playwright never
downloads its own. Screenshots go to ``var/screenshots/`` for people to look at.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright

from reind.bootstrap import Platform, build_platform
from reind.core.db import Database
from reind.demo.users import DemoPortfolio, create_demo_portfolio
from reind.factory.ingest.store import TelemetryStore
from reind.schemes.catalogue import default_engine
from reind.settings import Settings
from reind.web.app import create_app
from tests.fixtures.servers import free_port, wait_for_port
from tests.web.world import FAST_HASHER

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class LiveServer:
    """A uvicorn server in a background thread."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self._server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def url(self) -> str:
        """Base URL."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self._thread.start()
        wait_for_port(self.port)
        return self

    def __exit__(self, *_: object) -> None:
        self._server.should_exit = True
        deadline = time.monotonic() + 10
        while self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)


@dataclass(frozen=True)
class DemoOffice:
    """A live server over its own SQLite database holding the demo portfolio."""

    server: LiveServer
    portfolio: DemoPortfolio
    database: Database


@contextmanager
def demo_office(folder: Path, telemetry: TelemetryStore | None = None) -> Iterator[DemoOffice]:
    """The demo portfolio in ``folder``, served with cheap password hashing, for journeys;
    with ``telemetry``, the analyst's pages measure the funded lines from it."""
    database = Database(f"sqlite:///{folder / 'reind.db'}")
    database.migrate()
    with database.unit_of_work() as session:
        portfolio = create_demo_portfolio(session, engine=default_engine(), hasher=FAST_HASHER)
    app = create_app(
        Platform(database, default_engine(), telemetry=telemetry),
        secure_cookies=False,
        password_hasher=FAST_HASHER,
    )
    with LiveServer(app) as server:
        yield DemoOffice(server, portfolio, database)
    database.dispose()


@pytest.fixture
def live_server() -> Iterator[LiveServer]:
    """The web app on a free port for one test."""
    with LiveServer(create_app(build_platform(Settings()))) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, for one test module.

    Not session-wide: Playwright's sync API keeps an event loop running in the
    main thread while it is open, which would break asyncio.run() elsewhere.
    """
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context and page."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under var/screenshots and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
