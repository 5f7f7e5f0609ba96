"""Production analytics: ISO 22400-2 KPIs from PackML state time, counters and telemetry.

- ``elements``: the summable time elements and quantities, and the KPIs from them.
- ``mapping``: the one table mapping PackML states to time elements.
- ``calendar``: shift calendars (data) and hour/shift/day/month periods in HK time.
- ``units``: work units and the accumulator series they publish.
- ``rollups``: elements from hour rollups (a year without scanning raw points).
- ``raw``: elements from raw state events and counters (short windows, cross-checks).
- ``capability``: Cp and Cpk.
- ``anomaly``: online anomaly detection (river) as another alarm source.

May import: ``reind.core`` and sibling ``reind.factory`` packages, never ``twins``
(the detector's evaluation on the twins lives in ``reind.factory.evaluation``).
"""

from reind.factory.kpi.calendar import THREE_SHIFTS, Period, Shift, ShiftCalendar
from reind.factory.kpi.capability import Capability, process_capability
from reind.factory.kpi.elements import (
    ALL_KPIS,
    Kpi,
    ProductionElements,
    availability,
    effectiveness,
    energy_per_unit,
    first_pass_yield,
    kpi_report,
    mtbf,
    mttr,
    nee,
    oee,
    quality_ratio,
    rework_ratio,
    scrap_ratio,
    setup_rate,
    technical_efficiency,
    throughput_rate,
)
from reind.factory.kpi.mapping import FAILURE_STATES, STATE_ELEMENTS, TimeElement
from reind.factory.kpi.units import WorkUnit, twin_unit

__all__ = [
    "ALL_KPIS",
    "FAILURE_STATES",
    "STATE_ELEMENTS",
    "THREE_SHIFTS",
    "Capability",
    "Kpi",
    "Period",
    "ProductionElements",
    "Shift",
    "ShiftCalendar",
    "TimeElement",
    "WorkUnit",
    "availability",
    "effectiveness",
    "energy_per_unit",
    "first_pass_yield",
    "kpi_report",
    "mtbf",
    "mttr",
    "nee",
    "oee",
    "process_capability",
    "quality_ratio",
    "rework_ratio",
    "scrap_ratio",
    "setup_rate",
    "technical_efficiency",
    "throughput_rate",
    "twin_unit",
]
