"""The fleet KPIs' one definition: SQL that DuckDB and Spark SQL both run, word for word.

What it computes is what :mod:`reind.factory.kpi.rollups` computes from the
store: each accumulator's increase per hour bucket (``last - previous last``,
a reset counts from zero, a first bucket ``last - min``), booked to its
ISO 22400 element by the one PackML table (:mod:`reind.factory.kpi.mapping`),
summed by line (Sparkplug group and edge node) and shift (a shift calendar).
The ratios are then divided once, in Python, by :mod:`reind.factory.kpi.elements`.

Why it is exact on both engines: every increase is cast to ``DECIMAL(24, 6)``
before it is summed, so the sums do not depend on the order each engine adds
in (floating-point sums do); bucket arithmetic is integer. The dimension
tables (elements, shifts, units) are written here as ``VALUES`` so both
engines read the same data; only how the lake is opened differs
(:mod:`reind.factory.lake.engines`). Only functions both dialects have are
used: ``instr``, ``substr``, ``length``, ``LAG``, ``CAST``, ``%``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal

from reind.core.errors import InvalidInputError
from reind.factory.kpi.calendar import ShiftCalendar
from reind.factory.kpi.mapping import FAILURE_STATES, STATE_ELEMENTS
from reind.factory.kpi.rollups import LOOKBACK
from reind.factory.kpi.units import STATE_COUNT, STATE_TIME
from reind.factory.lake.layout import day_bounds

ROLLUPS = "lake_rollup_hour"
"""The view of the lake's hour rollups that each engine defines before running the query."""

UNIT_TAG = "PackML/"
"""Where a unit's own tags begin in a series name: ``group/node/<unit>PackML/...``."""


def element_rows() -> list[tuple[str, str, int]]:
    """(tag, element field, 1 if multiplied by the unit's planned run time per unit)."""
    rows = [(f"{STATE_TIME}{s.label}", e.value, 0) for s, e in STATE_ELEMENTS.items()]
    rows += [
        (f"{STATE_COUNT}{s.label}", "failures", 0)
        for s in sorted(FAILURE_STATES, key=lambda s: s.label)
    ]
    rows += [
        ("PackML/Processed Acc", "pq", 0),
        ("PackML/Processed Acc", "planned_run_time", 1),
        ("PackML/Defective Acc", "sq", 0),
        ("PackML/Admin/Rework Acc", "rq", 0),
        ("PackML/Admin/Energy kWh", "energy_kwh", 0),
    ]
    return rows


def shift_rows(calendar: ShiftCalendar) -> list[tuple[int, int, str, int]]:
    """(local weekday, local hour, shift name, days since the shift began) for every hour."""
    rows = []
    for weekday in range(7):
        for hour in range(24):
            found = calendar.shift_for(weekday, hour)
            if found is not None:
                rows.append((weekday, hour, found[0].name, found[1]))
    return rows


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _values(rows: list[tuple[object, ...]], names: str, blank: tuple[object, ...]) -> str:
    """An inline table both dialects read: ``SELECT * FROM VALUES (...), (...) AS t(names)``."""
    cells = []
    for row in rows or [blank]:
        parts = []
        for value in row:
            if isinstance(value, str):
                parts.append(_text(value))
            elif isinstance(value, Decimal):
                parts.append(f"CAST('{value}' AS DECIMAL(12, 6))")
            else:
                parts.append(str(int(value)))  # type: ignore[call-overload]
        cells.append("(" + ", ".join(parts) + ")")
    return f"SELECT * FROM VALUES {', '.join(cells)} AS t({names})"  # noqa: S608 - our own data


def dimension_views(calendar: ShiftCalendar, pru_seconds: Mapping[str, Decimal]) -> dict[str, str]:
    """The dimension tables as ``{view name: SELECT}``, the same for both engines.

    ``pru_seconds`` maps a unit (the series part between the edge node and
    ``PackML/``, e.g. ``waffle/`` or ``brewery/Bottling/``) to its planned run
    time per unit; units not named count 1 s.
    """
    units = [(unit, Decimal(value)) for unit, value in sorted(pru_seconds.items())]
    return {
        "kpi_elements": _values(list(element_rows()), "tag, field, per_unit", ("", "", 0)),
        "kpi_shifts": _values(
            list(shift_rows(calendar)), "weekday, hour, shift, days_back", (9, 99, "", 0)
        ),
        "kpi_units": _values(list(units), "unit, pru_seconds", ("", Decimal(1))),
    }


def offset_ms(calendar: ShiftCalendar, start: datetime, end: datetime) -> int:
    """The calendar's UTC offset in ms, which must not change over the window (no DST)."""
    first, last = (
        start.astimezone(calendar.zone).utcoffset(),
        end.astimezone(calendar.zone).utcoffset(),
    )
    if first is None or first != last:
        raise InvalidInputError("the fleet KPIs need a calendar zone without daylight saving")
    return int(first.total_seconds() * 1000)


def kpi_query(start: datetime, end: datetime, calendar: ShiftCalendar) -> str:
    """Element sums by line, shift day and shift for buckets in ``[start, end)``.

    Rows: ``sp_group, edge_node, shift_day`` (days since 1970-01-01 in the
    calendar's zone), ``shift, field, total`` (DECIMAL). The partitions read
    reach back ``LOOKBACK`` before ``start`` for each accumulator's previous value.
    """
    if start.minute or start.second or end.minute or end.second:
        raise InvalidInputError("the fleet KPIs are by whole hours")
    offset = offset_ms(calendar, start, end)
    first_day = (start - LOOKBACK).astimezone(calendar.zone).date()
    last_day = (end - timedelta(milliseconds=1)).astimezone(calendar.zone).date()
    if day_bounds(last_day)[1] < end:
        raise InvalidInputError("the window ends after its last day")
    start_ms, end_ms = int(start.timestamp() * 1000), int(end.timestamp() * 1000)
    day_ms, hour_ms = 86_400_000, 3_600_000
    return f"""
WITH ordered AS (
    SELECT sp_group, edge_node, series, bucket, min_value, last_value,
           LAG(last_value) OVER (PARTITION BY series ORDER BY bucket) AS previous
    FROM {ROLLUPS}
    WHERE day >= '{first_day.isoformat()}' AND day <= '{last_day.isoformat()}'
),
gained AS (
    SELECT sp_group, edge_node, series, bucket + {offset} AS local_ms,
           CAST(CASE WHEN previous IS NULL THEN last_value - min_value
                     WHEN last_value >= previous THEN last_value - previous
                     ELSE last_value END AS DECIMAL(24, 6)) AS gained,
           instr(series, '{UNIT_TAG}') AS at,
           length(sp_group) + length(edge_node) + 3 AS unit_at
    FROM ordered
    WHERE bucket >= {start_ms} AND bucket < {end_ms}
),
booked AS (
    SELECT g.sp_group, g.edge_node, e.field,
           CASE WHEN e.per_unit = 1
                THEN g.gained * COALESCE(u.pru_seconds, CAST(1 AS DECIMAL(12, 6)))
                ELSE g.gained * CAST(1 AS DECIMAL(12, 6)) END AS amount,
           CAST((g.local_ms - g.local_ms % {day_ms}) / {day_ms} AS BIGINT) AS local_day,
           CAST((g.local_ms % {day_ms} - g.local_ms % {hour_ms}) / {hour_ms} AS BIGINT)
               AS local_hour
    FROM gained g
    JOIN kpi_elements e ON e.tag = substr(g.series, g.at)
    LEFT JOIN kpi_units u ON u.unit = substr(g.series, g.unit_at, g.at - g.unit_at)
    WHERE g.at > 0 AND g.gained <> 0
)
SELECT b.sp_group, b.edge_node, b.local_day - s.days_back AS shift_day, s.shift, b.field,
       SUM(b.amount) AS total
FROM booked b
JOIN kpi_shifts s ON s.weekday = (b.local_day + 3) % 7 AND s.hour = b.local_hour
GROUP BY b.sp_group, b.edge_node, b.local_day - s.days_back, s.shift, b.field
ORDER BY sp_group, edge_node, shift_day, shift, field
"""  # noqa: S608 - numbers and dates computed here, no outside text
