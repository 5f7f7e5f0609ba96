"""ISO 22400 KPIs of every line in the lake, by shift, on either engine.

The element sums come from the one SQL definition (:mod:`.kpi_sql`) as exact
decimals; the KPIs are then the same functions the plant pages use
(:func:`reind.factory.kpi.elements.kpi_report`). Two engines given the same
lake give equal :class:`FleetRow` lists, decimal for decimal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from reind.factory.kpi.calendar import THREE_SHIFTS, ShiftCalendar
from reind.factory.kpi.elements import ProductionElements, kpi_report
from reind.factory.lake.engines import LakeEngine, define_views
from reind.factory.lake.kpi_sql import dimension_views, kpi_query

EPOCH = date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class FleetRow:
    """One line's elements in one shift, and the KPIs from them."""

    line: str
    """``group/edge node``."""
    shift_day: date
    shift: str
    totals: tuple[tuple[str, Decimal], ...]
    """Each element's exact sum, by field name."""
    kpis: dict[str, float | None] = field(compare=False, hash=False)

    @property
    def elements(self) -> ProductionElements:
        """The sums as summable elements (floats)."""
        return ProductionElements(**{name: float(value) for name, value in self.totals})


def fleet_kpis(
    engine: LakeEngine,
    start: datetime,
    end: datetime,
    calendar: ShiftCalendar = THREE_SHIFTS,
    pru_seconds: Mapping[str, Decimal] | None = None,
) -> list[FleetRow]:
    """Every line's KPIs by shift for hour buckets in ``[start, end)``, in line and time order.

    Each row holds the exact element sums; a shift in which no accumulator moved is absent.
    """
    define_views(engine, dimension_views(calendar, pru_seconds or {}))
    grouped: dict[tuple[str, int, str], dict[str, Decimal]] = {}
    for group, node, day, shift, name, total in engine.sql(kpi_query(start, end, calendar)):
        key = (f"{group}/{node}", int(day), str(shift))
        grouped.setdefault(key, {})[str(name)] = Decimal(total).normalize()
    starts = {shift.name: shift.start for shift in calendar.shifts}
    rows = []
    for (line, day, shift), totals in sorted(
        grouped.items(), key=lambda k: (k[0][0], k[0][1], starts[k[0][2]])
    ):
        ordered = tuple(sorted(totals.items()))
        elements = ProductionElements(**{n: float(v) for n, v in ordered})
        kpis = {name: kpi.value for name, kpi in kpi_report(elements).items()}
        rows.append(FleetRow(line, EPOCH + timedelta(days=day), shift, ordered, kpis))
    return rows
