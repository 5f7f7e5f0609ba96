"""KPI tiles on the plant dashboard: OEE as availability x performance x quality.

Each tile shows today's value (Hong Kong day so far), its target, and the
current shift's value beside it, so an operator sees whether the shift is
pulling the day up or down, and a sparkline of the shift hour by hour (drawn by
uPlot in ``plant.js``; its values are also the figure's text for screen
readers), so a trend is seen before it becomes a bad day. A KPI that cannot be
computed yet says why in
the words an operator uses ("no units made yet today"), not ISO 22400's
element symbols. Targets are the usual world-class figures (Nakajima's OEE
85 % = 90 % x 95 % x 99.9 %); a value below its target is the abnormal case,
the only one drawn in colour.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from reind.core.clock import HONG_KONG
from reind.factory.kpi import Kpi, WorkUnit, kpi_report
from reind.factory.kpi.calendar import THREE_SHIFTS, Period
from reind.factory.kpi.rollups import RollupReader, elements_by_period, elements_total
from reind.web.plant_lines import LineSpec
from reind.web.plant_words import kpi_name

SHOWN = ("oee", "availability", "effectiveness", "quality_ratio", "throughput_rate")
TARGETS = {"oee": 0.85, "availability": 0.90, "effectiveness": 0.95, "quality_ratio": 0.999}
"""World-class targets (Nakajima); throughput's target is the line's ideal rate."""

WHY: dict[str, tuple[str, str]] = {
    "produced quantity (PQ)": ("No units made yet today.", "今日尚未生產任何產品。"),
    "actual production time (APT)": ("The line has not run yet today.", "今日生產線尚未運行。"),
    "planned busy time (PBT)": ("No production planned yet today.", "今日尚未安排生產。"),
    "order execution time (AOET)": ("No order has run yet today.", "今日尚未執行任何訂單。"),
}
"""An undefined KPI's missing element, in an operator's words."""


@dataclass(frozen=True, slots=True)
class KpiTile:
    """One KPI as a tile: value, target, the shift's value, or why there is none."""

    key: str
    name: str
    value: str
    target: str
    shift: str
    below_target: bool
    why: str
    shift_hours: tuple[tuple[str, float | None], ...] = ()
    """The shift so far, hour by hour: (local "HH:MM", value or None)."""
    trend_text: str = ""
    """The sparkline in words, for screen readers and a hover title."""

    @property
    def spark_json(self) -> str:
        """What ``plant.js`` draws: the hours, their values and the target."""
        return json.dumps(
            {
                "hours": [hour for hour, _ in self.shift_hours],
                "values": [value for _, value in self.shift_hours],
                "target": TARGETS.get(self.key),
                "percent": self.key != "throughput_rate",
            }
        )


def _why(kpi: Kpi, lang: str) -> str:
    for element, words in WHY.items():
        if element in kpi.reason_en:
            return words[1] if lang == "zh-Hant" else words[0]
    return kpi.reason_zh if lang == "zh-Hant" else kpi.reason_en


def _text(key: str, value: float | None, units_per_hour: str) -> str:
    if value is None:
        return "—"
    if key == "throughput_rate":
        return f"{value:,.0f} {units_per_hour}"
    return f"{value * 100:.1f} %"


def _work_units(line: LineSpec) -> list[WorkUnit]:
    return [
        WorkUnit(f"{line.line_id}/{prefix}", f"{line.series_prefix}{prefix}", pru)
        for prefix, pru in line.kpi_units
    ]


def _shift_by_hour(
    store: RollupReader, units: list[WorkUnit], start: datetime, now: datetime
) -> list[tuple[str, dict[str, Kpi]]]:
    """Each hour of the shift so far with its KPIs (an hour with no data is absent)."""
    end = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    by_hour = elements_by_period(store, units, start, end, Period.HOUR)
    return [(label[-5:], kpi_report(elements)) for label, elements in by_hour.items()]


def _trend_text(
    name: str, hours: tuple[tuple[str, float | None], ...], key: str, lang: str, unit: str
) -> str:
    if not hours:
        return (
            f"{name}：本班尚無逐小時數據"
            if lang == "zh-Hant"
            else f"{name}: no hour of this shift yet"
        )
    separator = "、" if lang == "zh-Hant" else ", "
    shown = separator.join(f"{hour} {_text(key, value, unit)}" for hour, value in hours)
    return (
        f"{name}，本班逐小時：{shown}"
        if lang == "zh-Hant"
        else f"{name}, this shift by hour: {shown}"
    )


def kpi_tiles(
    store: RollupReader, line: LineSpec, now: datetime, lang: str, units_per_hour: str
) -> list[KpiTile]:
    """Today's and this shift's KPIs of ``line`` as tiles, from the hour rollups."""
    units = _work_units(line)
    if not units:
        return []
    local = now.astimezone(HONG_KONG)
    day_start = datetime.combine(local.date(), time(0), HONG_KONG)
    found = THREE_SHIFTS.shift_at(local)
    shift_start = datetime.combine(found[1], found[0].start, HONG_KONG) if found else day_start
    today = kpi_report(elements_total(store, units, day_start, now))
    shift = kpi_report(elements_total(store, units, shift_start, now))
    hourly = _shift_by_hour(store, units, shift_start, now)
    ideal = sum(3600.0 / pru for _, pru in line.kpi_units)
    tiles = []
    for key in SHOWN:
        kpi = today[key]
        target = TARGETS.get(key, ideal)
        name = kpi_name(key, lang)
        hours = tuple((hour, report[key].value) for hour, report in hourly)
        tiles.append(
            KpiTile(
                key=key,
                name=name,
                value=_text(key, kpi.value, units_per_hour),
                target=_text(key, target, units_per_hour),
                shift=_text(key, shift[key].value, units_per_hour),
                below_target=key in TARGETS and kpi.value is not None and kpi.value < target,
                why="" if kpi.value is not None else _why(kpi, lang),
                shift_hours=hours,
                trend_text=_trend_text(name, hours, key, lang, units_per_hour),
            )
        )
    return tiles
