"""What an operator reads for the machines' own names, in English and Traditional Chinese.

The twins name their tags the way a PLC programmer does ("FV3/Glycol Valve",
"Bottling/PackML/Processed"); an operator on the Chinese page reads
"發酵罐 3 · 冷凍液閥門". Names are translated a path segment at a time, so a
new fermenter or plate needs no new entry. Kept as (English, Chinese) pairs
beside the domain, as the alarm states' ``LABELS`` are, rather than in the
page catalogue: they are the plant's vocabulary, not the page's.
"""

from __future__ import annotations

import re

from reind.factory.monitoring.events import LABELS, AlarmState

SEGMENTS: dict[str, tuple[str, str]] = {
    "Plate A": ("Plate A", "烤盤 A"),
    "Plate B": ("Plate B", "烤盤 B"),
    "Temperature": ("Temperature", "溫度"),
    "Setpoint": ("Setpoint", "設定值"),
    "Heater Output": ("Heater output", "加熱輸出"),
    "PackML": ("", ""),
    "Processed": ("Units made", "已生產"),
    "Defective": ("Defective", "次品"),
    "Brewhouse": ("Brewhouse", "糖化車間"),
    "Bottling": ("Bottling line", "灌裝線"),
    "Mash Temperature": ("Mash temperature", "糖化溫度"),
    "Mash Setpoint": ("Mash setpoint", "糖化設定溫度"),
    "Filler Speed": ("Filler speed", "灌裝速度"),
    "Bottles Good": ("Good bottles", "合格瓶數"),
    "Bottles Filled": ("Bottles filled", "已灌裝瓶數"),
    "Rejected Fill Level": ("Rejected: fill level", "液位不合格剔除"),
    "Glycol Valve": ("Glycol valve", "冷凍液閥門"),
    "Gravity": ("Gravity", "比重"),
    "Glycol": ("Glycol", "冷凍液"),
    "Supply Temperature": ("Supply temperature", "供液溫度"),
    "CO2": ("CO₂", "二氧化碳"),
    "Volume": ("Volume", "容量"),
    "Machine": ("Machine", "機器"),
    "Line": ("Line", "生產線"),
    "Waffles Dosed": ("Waffles dosed", "已注漿雞蛋仔"),
    "Last Fill Volume": ("Fill volume", "灌裝量"),
    "Alarm": ("Alarm", "警報"),
    "Batter Low": ("Batter low", "麵漿不足"),
    "Flipper Jammed": ("Flipper jammed", "翻轉器卡住"),
    "Freezer Warm": ("Freezer warm", "急凍櫃溫度過高"),
    "Heater A Saturated": ("Heater A at full power", "加熱器 A 滿載"),
    "Heater B Saturated": ("Heater B at full power", "加熱器 B 滿載"),
    "Plate A Temperature Deviation": ("Plate A temperature deviation", "烤盤 A 溫度偏差"),
    "Plate B Temperature Deviation": ("Plate B temperature deviation", "烤盤 B 溫度偏差"),
    "Filler Jammed": ("Filler jammed", "灌裝機卡住"),
    "Glycol Supply Warm": ("Glycol supply warm", "冷凍液供液溫度過高"),
    "Labeller Out Of Labels": ("Labeller out of labels", "貼標機標籤用完"),
    "Alarm Fermentation Stalled": ("Alarm: fermentation stalled", "警報：發酵停滯"),
    "Alarm Temperature High": ("Alarm: temperature high", "警報：溫度過高"),
}
"""Tag path segments as the machines publish them -> (English, Chinese)."""

VESSELS = {"FV": ("Fermenter", "發酵罐"), "BBT": ("Bright tank", "清酒罐")}
"""Numbered vessels: "FV3" -> "Fermenter 3" / "發酵罐 3"."""

TANK_STATES: dict[str, tuple[str, str]] = {
    "empty": ("Empty", "空置"),
    "fermenting": ("Fermenting", "發酵中"),
    "conditioning": ("Conditioning", "熟成中"),
    "ready": ("Ready", "待轉罐"),
    "carbonating": ("Carbonating", "充氣中"),
    "bottling": ("Bottling", "灌裝中"),
}
"""What each fermenter and bright tank is doing."""

PRODUCTS: dict[str, tuple[str, str]] = {
    "lager": ("Lager", "拉格啤酒"),
    "stout": ("Stout", "黑啤"),
    "ipa": ("IPA", "印度淡色艾爾"),
}
"""The beers the line brews."""

RULES: dict[str, tuple[str, str]] = {
    "machine alarm": ("Machine alarm", "機器警報"),
    "plate too cold": ("Plate too cold", "烤盤溫度過低"),
    "heater saturated": ("Heater at full power", "加熱器全功率運行"),
    "anomaly": ("Unusual reading", "讀數異常"),
}
"""Alarm rules as an operator reads them (SPC rules fall back to their own name)."""

PRIORITIES: dict[int, tuple[str, str]] = {
    1: ("Urgent", "緊急"),
    2: ("High", "高"),
    3: ("Medium", "中"),
    4: ("Low", "低"),
}
"""ISA-18.2 priorities, 1 first."""

KPI_NAMES: dict[str, tuple[str, str]] = {
    "oee": ("OEE", "整體設備效率"),
    "availability": ("Availability", "可用率"),
    "effectiveness": ("Performance", "表現率"),
    "quality_ratio": ("Quality", "合格率"),
    "throughput_rate": ("Throughput", "產量"),
}
"""ISO 22400 KPIs by the names an operator knows them (OEE = A x P x Q)."""

_VESSEL = re.compile(r"^(FV|BBT)(\d+)$")


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "zh-Hant" else pair[0]


def segment_text(segment: str, lang: str) -> str:
    """One path segment ("FV3", "Plate A", "Gravity") in ``lang``; unknown ones unchanged."""
    vessel = _VESSEL.match(segment)
    if vessel:
        return f"{_pick(VESSELS[vessel.group(1)], lang)} {vessel.group(2)}"
    pair = SEGMENTS.get(segment)
    return _pick(pair, lang) if pair else segment


def tag_text(tag: str, lang: str) -> str:
    """A tag ("FV3/Glycol Valve") as an operator reads it ("Fermenter 3 · Glycol valve")."""
    words = [segment_text(part, lang) for part in tag.split("/") if part]
    return " · ".join(word for word in words if word)


def unit_name(prefix: str, lang: str) -> str:
    """A PackML unit by its tag prefix ("Brewhouse/"; "" is the whole machine)."""
    return segment_text(prefix.rstrip("/") or "Machine", lang)


def tank_state_text(state: object, lang: str) -> str:
    """A vessel's state ("conditioning") in words."""
    pair = TANK_STATES.get(str(state))
    return _pick(pair, lang) if pair else str(state)


def product_text(product: object, lang: str) -> str:
    """A beer by name ("stout" -> "Stout" / "黑啤"); "—" for none."""
    if not product:
        return "—"
    pair = PRODUCTS.get(str(product))
    return _pick(pair, lang) if pair else str(product)


def rule_text(rule: str, lang: str) -> str:
    """An alarm rule in words."""
    pair = RULES.get(rule)
    return _pick(pair, lang) if pair else rule.replace("_", " ")


def priority_text(priority: int, lang: str) -> str:
    """ "Priority 2 · High" style words for an ISA-18.2 priority."""
    return _pick(PRIORITIES.get(priority, PRIORITIES[4]), lang)


def alarm_state_text(state: AlarmState, lang: str) -> str:
    """An ISA-18.2 state in words ("Returned to normal, unacknowledged")."""
    return _pick(LABELS[state], lang)


def kpi_name(name: str, lang: str) -> str:
    """An ISO 22400 KPI by its operator's name."""
    pair = KPI_NAMES.get(name)
    return _pick(pair, lang) if pair else name
