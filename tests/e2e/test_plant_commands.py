"""An operator reads each line and clicks every command button of every unit, in English and
Chinese, in Chromium.

The waffle machine (one unit, prefix "") and the beer line at demo pace (its
brewhouse and bottling line) run on a real broker. Before pressing anything the
operator reads the line: its name, each unit's state, the counters, the beer
line's vessels and every trend drawn, in the page's language (the dashboards
in ``docs/screenshots``: ``plant-waffle-*``, ``plant-brewery-*``). Each click
must change the unit's state, shown in words in the page's language, and a
command the state forbids is refused with the reason, never sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from reind.bootstrap import Platform
from reind.core.db import Database
from reind.programme.accounts.users import add_user
from reind.programme.actors import SYSTEM, Role
from reind.schemes.catalogue import default_engine
from reind.web.app import create_app
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.journeys import english_on
from tests.fixtures.servers import MosquittoBroker
from tests.web.plant_fixture import RunningPlant, running_plant, wait_until
from tests.web.world import FAST_HASHER

pytestmark = pytest.mark.integration

EMAIL, PASSWORD = "operator@plant.example.hk", "start the line please"
ZH_STATES = {"Execute": "執行", "Held": "已暫停", "Stopped": "已停止", "Idle": "閒置"}
ZH_STATES |= {"Aborted": "已中止"}
ZH_COMMANDS = {"RESET": "重設", "START": "啟動", "HOLD": "暫停", "UNHOLD": "恢復"}
ZH_COMMANDS |= {"STOP": "停止", "ABORT": "中止", "CLEAR": "清除"}
# From Execute, every command once, each to the state the unit settles in.
ROUND = (
    ("HOLD", "Held"),
    ("UNHOLD", "Execute"),
    ("STOP", "Stopped"),
    ("RESET", "Idle"),
    ("START", "Execute"),
    ("ABORT", "Aborted"),
    ("CLEAR", "Stopped"),
)


@pytest.fixture
def plant(mosquitto: MosquittoBroker, tmp_path: Path) -> Iterator[RunningPlant]:
    yield from running_plant(mosquitto.port, tmp_path / "edge", speed=10.0, brewery=True)


@pytest.fixture
def server(plant: RunningPlant, tmp_path: Path) -> Iterator[LiveServer]:
    database = Database(f"sqlite:///{tmp_path / 'reind.db'}")
    database.migrate()
    with database.unit_of_work() as session:
        add_user(
            session, SYSTEM, email=EMAIL, display_name="Siu Ming", role=Role.PLANT_ENGINEER,
            password=PASSWORD, hasher=FAST_HASHER,
        )  # fmt: skip
    app = create_app(
        Platform(database, default_engine(), plant=plant.link),
        secure_cookies=False,
        password_hasher=FAST_HASHER,
    )
    with LiveServer(app) as live:
        yield live
    database.dispose()


def sign_in(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/sign-in?next=/plant")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/plant")


DRAWN = re.compile(r"^(?:[2-9]|\d{2,})$")
"""A trend with at least two points: a line, not a dot."""


def read_the_line(page: Page, plant: RunningPlant, line_id: str, lang: str) -> None:
    """What the operator reads before pressing anything, in ``lang``: the line's name, each
    unit executing, every counter with its number, each vessel's temperature (the beer
    line) and every trend drawn with its engineering unit."""
    line = plant.link.line(line_id)
    zh = lang == "zh-Hant"
    expect(page.get_by_role("heading", level=1)).to_have_text(line.title(lang))
    for unit in line.units:
        expect(page.locator(f'[data-unit="{unit}"] [data-state-of]')).to_have_text(
            ZH_STATES["Execute"] if zh else "Execute", timeout=60_000
        )
    counts = page.locator("dl.counters dd")
    expect(counts).to_have_count(len(line.counters))
    for at in range(len(line.counters)):
        expect(counts.nth(at)).to_have_text(re.compile(r"^\d[\d,]*$"), timeout=20_000)
    rows = page.locator("table.vessels tbody tr")
    expect(rows).to_have_count(len(line.vessels))
    for at in range(len(line.vessels)):
        expect(rows.nth(at).locator("td.num").first).to_have_text(re.compile(r"°C$|^—$"))
    for chart in line.charts:
        expect(page.locator(f'[data-trend="{chart.pv}"]')).to_have_attribute(
            "data-points", DRAWN, timeout=30_000
        )
        caption = page.locator("figure.trend figcaption").filter(
            has=page.locator(f'[data-tag="{chart.pv}"]')
        )
        expect(caption).to_contain_text("（" if zh else " (")  # the unit, bracketed as written
    if zh:
        assert english_on(page) == [], page.url


def run_every_command(page: Page, unit: str, zh: bool) -> None:
    """Click each command of ``unit`` in turn and see the unit settle where PackML says."""
    box = page.locator(f'[data-unit="{unit}"]')
    state = box.locator("[data-state-of]")
    expect(state).to_have_text(ZH_STATES["Execute"] if zh else "Execute", timeout=60_000)
    for command, settled in ROUND:
        button = box.locator(f'button[data-command="{command}"]')
        expect(button).to_have_text(ZH_COMMANDS[command] if zh else command.title())
        expect(button).to_be_enabled(timeout=20_000)
        button.click()
        expect(page.get_by_role("status")).to_be_visible()
        word = ZH_STATES[settled] if zh else settled
        expect(page.locator(f'[data-unit="{unit}"] [data-state-of]')).to_have_text(
            word, timeout=30_000
        )


@pytest.mark.parametrize(
    ("line_id", "unit", "dashboard"),
    [
        ("waffle-1", "", "plant-waffle-en"),
        ("brewery-1", "Brewhouse/", "plant-brewery-en"),
        ("brewery-1", "Bottling/", None),  # the brewhouse's page again
    ],
)
def test_every_command_of_every_unit_changes_its_state(
    page: Page,
    server: LiveServer,
    plant: RunningPlant,
    line_id: str,
    unit: str,
    dashboard: str | None,
) -> None:
    sign_in(page, server)
    page.goto(f"{server.url}/plant/{line_id}")
    read_the_line(page, plant, line_id, "en")
    if dashboard is not None:
        screenshot(page, dashboard)
    run_every_command(page, unit, zh=False)
    screenshot(page, f"plant-commands-{line_id}-{unit.rstrip('/').lower() or 'machine'}")


def test_the_chinese_pages_command_the_waffle_machine_explain_a_refusal_and_read_the_beer_line(
    page: Page, server: LiveServer, plant: RunningPlant
) -> None:
    sign_in(page, server)
    page.goto(f"{server.url}/plant/waffle-1?lang=zh-Hant")
    read_the_line(page, plant, "waffle-1", "zh-Hant")
    screenshot(page, "plant-waffle-zh-Hant")
    run_every_command(page, "", zh=True)
    # Stopped: Start is not possible; the button is disabled, so post it as a stale page would.
    line = plant.link.line("waffle-1")
    wait_until(lambda: plant.link.values(line).get("PackML/State Name") == "Stopped")
    page.evaluate(
        """() => { const b = document.querySelector('[data-unit=""] button[data-command="START"]');
                   b.disabled = false; b.click(); }"""
    )
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("已停止")
    expect(alert).to_contain_text("沒有發送")
    assert plant.twin.units[""].state.label == "Stopped"
    screenshot(page, "plant-commands-waffle-zh")
    page.goto(f"{server.url}/plant/brewery-1?lang=zh-Hant")
    read_the_line(page, plant, "brewery-1", "zh-Hant")
    screenshot(page, "plant-brewery-zh-Hant")
