"""The dashboard's KPI tiles: OEE and its factors from the store, undefined ones in words."""

from __future__ import annotations

import json
from datetime import timedelta

from reind.factory.ingest.duckdb_store import DuckDBStore
from reind.web.plant_kpis import kpi_tiles
from reind.web.plant_lines import waffle_line
from reind.web.plant_screen import tiles_of
from tests.factory.kpi.waffle_day import DAY_START, record_waffle_day


def test_kpi_tiles_come_from_the_telemetry_store_and_none_without_one() -> None:
    store = DuckDBStore()
    try:
        tiles = tiles_of(store, waffle_line(), "en", lambda text: text)
    finally:
        store.close()
    assert [t.name for t in tiles] == [
        "OEE",
        "Availability",
        "Performance",
        "Quality",
        "Throughput",
    ]
    assert tiles_of(None, waffle_line(), "en", lambda text: text) == []


def test_an_undefined_kpi_is_explained_in_an_operators_words_in_both_languages() -> None:
    store = DuckDBStore()
    try:
        en = {t.key: t for t in tiles_of(store, waffle_line(), "en", lambda text: text)}
        zh = {t.key: t for t in tiles_of(store, waffle_line(), "zh-Hant", lambda text: text)}
    finally:
        store.close()
    assert en["quality_ratio"].value == "—"
    assert en["quality_ratio"].why == "No units made yet today."
    assert "undefined" not in en["oee"].why and "APT" not in en["oee"].why
    assert zh["quality_ratio"].why == "今日尚未生產任何產品。"
    assert (en["oee"].target, en["throughput_rate"].target) == ("85.0 %", "45 units/h")


def test_each_tile_carries_the_shift_hour_by_hour_in_both_languages() -> None:
    store = DuckDBStore()
    try:
        record_waffle_day(store)
        now = DAY_START + timedelta(hours=12, minutes=30)  # 12:30 in Hong Kong, morning shift
        en = {t.key: t for t in kpi_tiles(store, waffle_line(), now, "en", "units/h")}
        zh = {t.key: t for t in kpi_tiles(store, waffle_line(), now, "zh-Hant", "單位/小時")}
    finally:
        store.close()
    oee = en["oee"]
    hours = [hour for hour, _ in oee.shift_hours]
    assert hours == ["07:00", "08:00", "09:00", "10:00", "11:00", "12:00"]
    values = [value for _, value in oee.shift_hours]
    assert all(v is not None and 0 < v <= 1 for v in values)
    # the flipper jam from 10:00 to 10:18 pulls the 10:00 hour down
    assert values[3] is not None and values[2] is not None and values[3] < values[2]
    assert oee.trend_text.startswith("OEE, this shift by hour: 07:00 ")
    assert zh["oee"].trend_text.startswith("整體設備效率，本班逐小時：07:00 ")
    assert "、08:00 " in zh["oee"].trend_text
    spark = json.loads(oee.spark_json)
    assert spark["target"] == 0.85 and spark["hours"] == hours and spark["percent"]
    assert json.loads(en["throughput_rate"].spark_json)["target"] is None
