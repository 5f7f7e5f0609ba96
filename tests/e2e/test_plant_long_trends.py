"""A plant engineer looks back a week and a month, in Debian's Chromium: the trend comes
from the hour rollups (bounded points), and each KPI tile draws the shift hour by hour."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from reind.bootstrap import Platform
from reind.core.clock import utcnow
from reind.core.db import Database
from reind.factory.control.packml import PackMLCommand as C
from reind.factory.evaluation.replay import birth, point, record
from reind.factory.ingest.duckdb_store import DuckDBStore
from reind.factory.ingest.points import TelemetryPoint
from reind.factory.twins.clock import SimulatedClock
from reind.factory.twins.waffle import WaffleMachine
from reind.programme.accounts.users import add_user
from reind.programme.actors import SYSTEM, Role
from reind.schemes.catalogue import default_engine
from reind.web.app import create_app
from reind.web.plant_trends import MAX_POINTS
from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.test_plant_journeys import EMAIL, PASSWORD
from tests.fixtures.servers import MosquittoBroker
from tests.web.plant_fixture import RunningPlant, running_plant
from tests.web.world import FAST_HASHER

pytestmark = pytest.mark.integration

PREFIX = "reind/waffle-1/waffle/"
RECENT_HOURS = 3
"""The last hours are a real twin's run (for the shift's KPIs); before them, 30 days of
plate readings every five minutes (8,640 a series: 2.6 million had they been seconds)."""


def month_of_plates(store: DuckDBStore) -> None:
    now = utcnow()
    start = now - timedelta(days=30, hours=1)
    end = now - timedelta(hours=RECENT_HOURS)
    points: list[TelemetryPoint] = []
    at = start
    while at < end:
        ms = int(at.timestamp() * 1000)
        day = (at - start).total_seconds() / 86400
        setpoint = 185.0 if day < 10 else 190.0
        for plate, phase in (("A", 0.0), ("B", 1.0)):
            wave = 3.0 * math.sin(2 * math.pi * day + phase)
            points.append(point(f"{PREFIX}Plate {plate}/Temperature", ms, setpoint + wave))
            points.append(point(f"{PREFIX}Plate {plate}/Setpoint", ms, setpoint))
        at += timedelta(minutes=5)
    store.write_batch(points)
    twin = WaffleMachine(SimulatedClock(end), seed=3)
    store.write_batch(birth(twin, PREFIX))
    actions = {0: [lambda t: t.command("", C.RESET)], 600: [lambda t: t.command("", C.START)]}
    record(twin, RECENT_HOURS * 3600 - 120, PREFIX, store.write_batch, actions)


@pytest.fixture(scope="module")
def month() -> Iterator[DuckDBStore]:
    store = DuckDBStore()
    month_of_plates(store)
    yield store
    store.close()


@pytest.fixture
def plant(mosquitto: MosquittoBroker, tmp_path: Path) -> Iterator[RunningPlant]:
    yield from running_plant(mosquitto.port, tmp_path / "edge", speed=10.0)


@pytest.fixture
def server(plant: RunningPlant, month: DuckDBStore, tmp_path: Path) -> Iterator[LiveServer]:
    database = Database(f"sqlite:///{tmp_path / 'reind.db'}")
    database.migrate()
    with database.unit_of_work() as session:
        add_user(
            session, SYSTEM, email=EMAIL, display_name="Kit Chan", role=Role.PLANT_ENGINEER,
            password=PASSWORD, hasher=FAST_HASHER,
        )  # fmt: skip
    platform = Platform(database, default_engine(), telemetry=month, plant=plant.link)
    app = create_app(platform, secure_cookies=False, password_hasher=FAST_HASHER)
    with LiveServer(app) as live:
        yield live
    database.dispose()


LABELS = {
    "en": ("7 days", "30 days", "this shift by hour", "This shift, hour by hour"),
    "zh-Hant": ("7 日", "30 日", "本班逐小時", "本班逐小時"),
}


def points_between(low: int, high: int) -> re.Pattern[str]:
    """An attribute holding a whole number from ``low`` to ``high``."""
    return re.compile("^(" + "|".join(str(n) for n in range(low, high + 1)) + ")$")


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_a_week_and_a_month_load_from_hour_rollups_and_tiles_draw_the_shift(
    page: Page, server: LiveServer, lang: str
) -> None:
    week, month, spoken, caption = LABELS[lang]
    page.goto(f"{server.url}/sign-in?next=/plant/waffle-1")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{server.url}/plant/waffle-1?lang={lang}")
    chart = page.locator('[data-trend="Plate A/Temperature"]')

    with page.expect_response(re.compile(r"/trend\?range=7d$")) as answered:
        page.get_by_role("button", name=week, exact=True).click()
    body = answered.value.json()
    expect(chart).to_have_attribute("data-range", "7d")
    pv = body["series"]["Plate A/Temperature"]
    assert 7 * 24 - 2 <= len(pv) <= 7 * 24  # one point an hour, not one a second
    assert all(b[0] - a[0] >= 3_600_000 for a, b in zip(pv, pv[1:], strict=False))
    expect(chart).to_have_attribute("data-points", points_between(7 * 24 - 2, 7 * 24 + 5))

    with page.expect_response(re.compile(r"/trend\?range=30d$")) as answered:
        page.get_by_role("button", name=month, exact=True).click()
    body = answered.value.json()
    expect(chart).to_have_attribute("data-range", "30d")
    for series in body["series"].values():
        assert len(series) <= 30 * 24 <= MAX_POINTS
    pv = body["series"]["Plate A/Temperature"]
    assert len(pv) >= 30 * 24 - 2
    setpoints = {p[1] for p in body["series"]["Plate A/Setpoint"]}
    assert {185.0, 190.0} <= setpoints  # the change on day 10 is in the month
    expect(chart).to_have_attribute("data-points", points_between(30 * 24 - 2, 30 * 24 + 5))
    expect(chart.locator("canvas")).to_be_visible()

    tile = page.locator('.kpi[data-kpi="oee"]')
    spark = tile.locator(".spark")
    expect(spark).to_have_attribute("role", "img")
    expect(spark).to_have_attribute("aria-label", re.compile(re.escape(spoken) + r".*\d\d:00"))
    expect(spark.locator("canvas")).to_be_visible()
    expect(tile.locator("figcaption")).to_contain_text(caption)
    page.evaluate("window.scrollTo(0, 0)")  # the sticky alarm banner back above the tiles
    screenshot(page, f"plant-waffle-month-{lang}")
