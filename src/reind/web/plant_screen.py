"""What one line's dashboard shows, in the page's language, ready for the template.

The view (``web.views.plant``) translates the request; this module turns the
plant link's values, the alarm engine and the telemetry store into rows,
tiles, charts and words, so the page and its live updates draw the same
things. High-performance HMI (ISA-101): colour only for the abnormal, so the
states that need an operator are listed here once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reind.core.clock import utcnow
from reind.factory.control.packml import PackMLState
from reind.factory.kpi.rollups import RollupReader
from reind.web.plant_alarms import AlarmBoard, alarm_board
from reind.web.plant_commands import allowed
from reind.web.plant_format import limits_text, number_text, unit_text
from reind.web.plant_kpis import KpiTile, kpi_tiles
from reind.web.plant_lines import LineSpec
from reind.web.plant_link import PlantLink
from reind.web.plant_trends import RANGES, TrendSpec
from reind.web.plant_words import (
    priority_text,
    product_text,
    segment_text,
    tag_text,
    tank_state_text,
    unit_name,
)

ABNORMAL_STATES = frozenset(
    {"Held", "Holding", "Suspended", "Suspending", "Stopped", "Stopping", "Aborted", "Aborting"}
)
"""PackML states an operator must notice (drawn in colour; the rest stay grey)."""

Gettext = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Chart:
    """One trend chart as the page draws it."""

    pv: str
    setpoint: str | None
    title: str
    unit: str
    json: str
    """Its description for plant.js (``data-chart``)."""


@dataclass(frozen=True, slots=True)
class Vessel:
    """A fermenter or bright tank in one row."""

    name: str
    state: str
    product: str
    batch: str
    temperature: str
    setpoint: str
    gravity: str


def board_of(link: PlantLink, line: LineSpec, lang: str) -> AlarmBoard:
    """The line's alarm board (empty without an alarm engine)."""
    alarms = link.alarms.alarms() if link.alarms is not None else []
    return alarm_board(alarms, line.series_prefix, link.now_ms(), lang)


def charts_of(line: LineSpec, lang: str, _: Gettext) -> list[Chart]:
    """The line's trend charts with their titles and units in ``lang``."""
    out = []
    for spec in line.charts:
        unit = unit_text(spec.unit, _)
        title = tag_text(spec.pv, lang)
        described = {
            "pv": spec.pv,
            "setpoint": spec.setpoint,
            "unit": unit,
            "pv_label": title,
            "sp_label": _("Setpoint"),
            "time_label": _("Time"),
        }
        out.append(Chart(spec.pv, spec.setpoint, title, unit, json.dumps(described)))
    return out


def vessels_of(line: LineSpec, values: dict[str, object], lang: str) -> list[Vessel]:
    """Every tank of the line with its state and readings."""
    rows = []
    for prefix in line.vessels:
        if f"{prefix}State" not in values:
            continue
        gravity = values.get(f"{prefix}Gravity", values.get(f"{prefix}CO2"))
        rows.append(
            Vessel(
                name=segment_text(prefix.rstrip("/"), lang),
                state=tank_state_text(values.get(f"{prefix}State"), lang),
                product=product_text(values.get(f"{prefix}Product"), lang),
                batch=str(values.get(f"{prefix}Batch") or "—"),
                temperature=_with_unit(values.get(f"{prefix}Temperature"), "°C"),
                setpoint=_with_unit(values.get(f"{prefix}Setpoint"), "°C"),
                gravity=number_text(gravity) if gravity is not None else "—",
            )
        )
    return rows


def _with_unit(value: object, unit: str) -> str:
    return "—" if value is None else f"{number_text(value)} {unit}"


def parameters_of(line: LineSpec, values: dict[str, object], lang: str) -> list[dict[str, Any]]:
    """Recipe parameters in procedural order, phase and parameter named in ``lang``."""
    rows = []
    zh = lang == "zh-Hant"
    for tag in sorted(values, key=line.order):
        spec = line.spec(tag)
        if spec is None:
            continue
        unit_prefix, _, rest = tag.partition("Recipe/")
        phase_id = rest.split("/", 1)[0]
        phase = line.phase(phase_id)
        phase_words = (phase.title_zh if zh else phase.title_en) if phase else phase_id
        if unit_prefix:
            phase_words = f"{segment_text(unit_prefix.rstrip('/'), lang)} · {phase_words}"
        name = (spec.description_zh if zh else spec.description_en) or spec.name
        rows.append(
            {"tag": tag, "phase": phase_words, "name": name, "spec": spec, "value": values[tag]}
        )
    return rows


def tiles_of(store: RollupReader | None, line: LineSpec, lang: str, _: Gettext) -> list[KpiTile]:
    """Today's KPI tiles, if the store is there to compute them."""
    if store is None:
        return []
    return kpi_tiles(store, line, utcnow(), lang, _("units/h"))


def screen(
    link: PlantLink, line: LineSpec, store: RollupReader | None, lang: str, _: Gettext
) -> dict[str, Any]:
    """Everything ``plant/line.html`` draws for ``line``."""
    values = link.values(line)
    return {
        "line": line,
        "values": values,
        "parameters": parameters_of(line, values, lang),
        "tiles": tiles_of(store, line, lang, _),
        "board": board_of(link, line, lang),
        "charts": charts_of(line, lang, _),
        "vessels": vessels_of(line, values, lang),
        "ranges": [
            (key, label[1] if lang == "zh-Hant" else label[0]) for key, label in RANGES.items()
        ],
        "abnormal_states": ABNORMAL_STATES,
        "allowed": allowed,
        "words": {
            "states": {state.label: _(state.label) for state in PackMLState},
            "allowed": {state.label: sorted(allowed(state.label)) for state in PackMLState},
            "abnormal": sorted(ABNORMAL_STATES),
        },
        "num": number_text,
        "unit_word": lambda unit: unit_text(unit, _),
        "limits": lambda spec: limits_text(spec.low, spec.high, spec.unit, _),
        "tag_name": lambda tag: tag_text(tag, lang),
        "unit_name": lambda prefix: unit_name(prefix, lang),
        "priority_word": lambda priority: priority_text(priority, lang),
    }


__all__ = ["ABNORMAL_STATES", "Chart", "TrendSpec", "Vessel", "screen"]
