"""A plant engineer at the live dashboard, in Debian's Chromium: setpoints and alarms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from reind.bootstrap import Platform
from reind.core.db import Database
from reind.factory.monitoring.events import AlarmState
from reind.programme.accounts.users import add_user
from reind.programme.actors import SYSTEM, Role
from reind.schemes.catalogue import default_engine
from reind.web.app import create_app
from tests.e2e.conftest import LiveServer, screenshot
from tests.fixtures.servers import MosquittoBroker
from tests.web.plant_fixture import RunningPlant, running_plant, wait_executing, wait_until
from tests.web.world import FAST_HASHER

pytestmark = pytest.mark.integration

EMAIL, PASSWORD = "engineer@plant.example.hk", "waffles are best warm"


@pytest.fixture
def plant(mosquitto: MosquittoBroker, tmp_path: Path) -> Iterator[RunningPlant]:
    yield from running_plant(mosquitto.port, tmp_path / "edge", speed=10.0)


@pytest.fixture
def server(plant: RunningPlant, tmp_path: Path) -> Iterator[LiveServer]:
    database = Database(f"sqlite:///{tmp_path / 'reind.db'}")
    database.migrate()
    with database.unit_of_work() as session:
        add_user(
            session, SYSTEM, email=EMAIL, display_name="Kit Chan", role=Role.PLANT_ENGINEER,
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


def sign_in(page: Page, server: LiveServer, lang: str = "en") -> None:
    page.goto(f"{server.url}/sign-in?next=/plant/waffle-1")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Egg-waffle machine")).to_be_visible()
    if lang != "en":
        page.goto(f"{server.url}/plant/waffle-1?lang={lang}")
        expect(page.get_by_role("heading", name="雞蛋仔機")).to_be_visible()


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_engineer_changes_a_plate_setpoint_and_sees_it_drawn_over_the_temperature(
    page: Page, server: LiveServer, plant: RunningPlant, lang: str
) -> None:
    line = plant.link.line("waffle-1")
    wait_until(lambda: "Recipe/baking_side_a/plate_setpoint" in plant.link.values(line))
    sign_in(page, server, lang)
    field = page.locator('input[data-param="Recipe/baking_side_a/plate_setpoint"]')
    field.fill("196")
    field.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("196")
    expect(page.locator('[data-tag="Plate A/Setpoint"]').first).to_have_text("196", timeout=20_000)
    chart = page.locator('[data-trend="Plate A/Temperature"]')
    expect(chart).to_have_attribute("data-points", lambda_points(), timeout=20_000)
    expect(chart).to_have_attribute("data-setpoint", "196", timeout=20_000)  # same chart
    expect(page.locator("figure[data-chart]").first).to_contain_text("°C")
    expect(chart.locator("canvas")).to_be_visible()
    wait_until(lambda: abs(float(plant.twin.tags["Plate A/Temperature"].value) - 196) < 4, 60)
    screenshot(page, f"plant-waffle-setpoint-{lang}")


def lambda_points() -> re.Pattern[str]:
    """At least five points drawn on the trend."""
    return re.compile(r"^(?:[5-9]|\d{2,})$")


WORDS = {
    "en": ("Active, unacknowledged", "Acknowledge", "Acknowledged"),
    "zh-Hant": ("警報中，未確認", "確認", "已確認"),
}


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_engineer_acknowledges_from_the_banner_an_alarm_raised_by_an_injected_fault(
    page: Page, server: LiveServer, plant: RunningPlant, lang: str
) -> None:
    active, button, done = WORDS[lang]
    line = plant.link.line("waffle-1")
    wait_until(lambda: "Plate A/Temperature" in plant.link.values(line))
    sign_in(page, server, lang)
    wait_executing(plant.twin)  # a cold plate while heating up is suppressed by design
    plant.twin.inject_fault("heater_degradation", plate=0, health=0.05)
    # no reload: the banner is redrawn live, with the time, priority and state in words
    row = page.locator("#alarm-banner [data-banner-alarm]").first
    expect(row).to_contain_text(active, timeout=90_000)
    expect(row.locator(".prio-badge")).to_have_text(re.compile(r"^[1-4]$"))
    expect(row.locator("time")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    alarm_id = row.get_attribute("data-banner-alarm")
    row.get_by_role("button", name=button).click()
    expect(page.get_by_role("status")).to_contain_text(done)
    alarm = next(a for a in plant.alarms.alarms() if a.alarm_id == alarm_id)
    assert alarm.state in (AlarmState.ACKNOWLEDGED, AlarmState.NORMAL)
    expect(page.locator(f'#alarm-banner [data-banner-alarm="{alarm_id}"]')).to_have_count(0)
    screenshot(page, f"plant-waffle-alarm-{lang}")
