"""End-to-end fixtures: the real app under uvicorn, Debian's Chromium via Playwright.

The browser is the one Debian installs (/usr/bin/chromium); Playwright never
downloads its own. Screenshots go to ``var/screenshots/`` for people to look at.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright

from reind.bootstrap import build_platform
from reind.settings import Settings
from reind.web.app import create_app
from tests.fixtures.servers import free_port, wait_for_port

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
