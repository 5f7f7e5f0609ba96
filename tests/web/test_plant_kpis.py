"""The dashboard's KPI tiles: OEE and its factors from the store, undefined ones in words."""

from __future__ import annotations

from reind.factory.ingest.duckdb_store import DuckDBStore
from reind.web.plant_lines import waffle_line
from reind.web.plant_screen import tiles_of


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
