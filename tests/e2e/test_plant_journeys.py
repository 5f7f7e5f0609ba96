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
from tests.web.plant_fixture import RunningPlant, running_plant, wait_until
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


def sign_in(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/sign-in?next=/plant/waffle-1")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Egg-waffle machine")).to_be_visible()


def test_engineer_changes_a_plate_setpoint_and_the_trend_follows(
    page: Page, server: LiveServer, plant: RunningPlant
) -> None:
    line = plant.link.line("waffle-1")
    wait_until(lambda: "Recipe/baking_side_a/plate_setpoint" in plant.link.values(line))
    sign_in(page, server)
    field = page.locator('input[data-param="Recipe/baking_side_a/plate_setpoint"]')
    field.fill("196")
    field.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("196")
    expect(page.locator('[data-tag="Plate A/Setpoint"]').first).to_have_text("196", timeout=20_000)
    trend = page.locator('canvas[data-trend="Plate A/Temperature"]')
    expect(trend).to_have_attribute("data-points", lambda_points(), timeout=20_000)
    wait_until(lambda: abs(float(plant.twin.tags["Plate A/Temperature"].value) - 196) < 4, 60)
    screenshot(page, "plant-waffle-setpoint")


def lambda_points() -> re.Pattern[str]:
    """At least five points drawn on the trend."""
    return re.compile(r"^(?:[5-9]|\d{2,})$")


def test_engineer_acknowledges_an_alarm_raised_by_an_injected_fault(
    page: Page, server: LiveServer, plant: RunningPlant
) -> None:
    line = plant.link.line("waffle-1")
    wait_until(lambda: "Plate A/Temperature" in plant.link.values(line))
    sign_in(page, server)
    plant.twin.inject_fault("heater_degradation", plate=0, health=0.05)
    wait_until(lambda: any(a.active for a in plant.alarms.alarms()), timeout=90)
    page.reload()
    row = page.locator("tr[data-alarm]").first
    expect(row).to_contain_text("active_unacknowledged")
    row.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("status")).to_contain_text("acknowledge")
    alarm = next(a for a in plant.alarms.alarms() if a.history)
    assert alarm.state in (AlarmState.ACKNOWLEDGED, AlarmState.NORMAL)
    screenshot(page, "plant-waffle-alarm")
