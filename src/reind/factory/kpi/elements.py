"""ISO 22400-2 time elements and quantities, and the KPIs computed from them.

Why a dataclass with ``+``: OEE of a line, a plant, a month or a year is
never the average of smaller OEEs. The elements (seconds and counts) are
summed over machines and periods and every ratio is divided **once**, at
the end. ``ProductionElements`` is that sum; the KPI functions only ever
read one of them.

A ratio whose denominator is zero (availability with no planned busy time,
quality with nothing produced) is a :class:`Kpi` with ``value=None`` and a
reason in English and Traditional Chinese, rather than ThingWorx's
convention of reporting availability as 1 (docs/decisions/0081).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class ProductionElements:
    """Summable ISO 22400 elements for one work unit (or many) over one period (or many).

    Times are seconds. ``planned_run_time`` is Σ PRU × PQ (the time the
    produced quantity should have taken at the planned rate), kept summed so
    that machines with different rates roll up correctly.
    """

    apt: float = 0.0
    """Actual production time (Execute, Completing)."""
    asut: float = 0.0
    """Actual setup time (Resetting, Starting: changeover, warm-up)."""
    adet: float = 0.0
    """Actual unit delay time: the unit's own faults (Held, Aborted ...)."""
    adot: float = 0.0
    """Actual unit down time: available, no order (Idle, Complete)."""
    asbt: float = 0.0
    """Starved or blocked by a neighbour (Suspended); reind's symbol, not ISO's."""
    not_planned: float = 0.0
    """Outside planned operation (Stopped, Stopping)."""
    pq: float = 0.0
    """Produced quantity."""
    sq: float = 0.0
    """Scrap quantity."""
    rq: float = 0.0
    """Rework quantity."""
    planned_run_time: float = 0.0
    """Σ PRU × PQ, seconds."""
    energy_kwh: float = 0.0
    """Energy consumed."""
    failures: float = 0.0
    """Stops for the unit's own faults (entries into Holding or Aborting)."""

    def __add__(self, other: ProductionElements) -> ProductionElements:
        if not isinstance(other, ProductionElements):
            return NotImplemented
        return ProductionElements(
            *(getattr(self, f.name) + getattr(other, f.name) for f in fields(self))
        )

    @classmethod
    def total(cls, parts: Iterable[ProductionElements]) -> ProductionElements:
        """Sum of ``parts`` (empty gives all zeros)."""
        result = cls()
        for part in parts:
            result = result + part
        return result

    # ------------------------------------------------------------ derived elements
    @property
    def gq(self) -> float:
        """Good quantity: PQ = GQ + SQ + RQ."""
        return self.pq - self.sq - self.rq

    @property
    def aupt(self) -> float:
        """Actual unit processing time = APT + ASUT."""
        return self.apt + self.asut

    @property
    def aubt(self) -> float:
        """Actual unit busy time = AUPT + ADET."""
        return self.aupt + self.adet

    @property
    def pbt(self) -> float:
        """Planned busy time = AUBT + ADOT (starved/blocked time is not the unit's)."""
        return self.aubt + self.adot

    @property
    def aoet(self) -> float:
        """Actual order execution time: busy plus waiting on neighbours."""
        return self.aubt + self.asbt

    @property
    def pot(self) -> float:
        """Planned operation time: planned busy time plus starved/blocked time."""
        return self.pbt + self.asbt


@dataclass(frozen=True, slots=True)
class Kpi:
    """One KPI value, or ``None`` with the reason it cannot be computed."""

    name: str
    value: float | None
    reason_en: str = ""
    reason_zh: str = ""

    @property
    def known(self) -> bool:
        """True when the KPI has a value."""
        return self.value is not None


def _ratio(name: str, numerator: float, denominator: float, what_en: str, what_zh: str) -> Kpi:
    if denominator <= 0:
        return Kpi(name, None, f"undefined: {what_en} is zero", f"無法計算:{what_zh}為零")
    return Kpi(name, numerator / denominator)


def _product(name: str, *parts: Kpi) -> Kpi:
    for part in parts:
        if part.value is None:
            return Kpi(name, None, f"{part.name} is {part.reason_en}", part.reason_zh)
    value = 1.0
    for part in parts:
        assert part.value is not None
        value *= part.value
    return Kpi(name, value)


def availability(e: ProductionElements) -> Kpi:
    """APT / PBT."""
    return _ratio("availability", e.apt, e.pbt, "planned busy time (PBT)", "計劃佔用時間")


def effectiveness(e: ProductionElements) -> Kpi:
    """PRU × PQ / APT (can exceed 1 when the planned rate is conservative)."""
    return _ratio(
        "effectiveness", e.planned_run_time, e.apt, "actual production time (APT)", "實際生產時間"
    )


def quality_ratio(e: ProductionElements) -> Kpi:
    """GQ / PQ."""
    return _ratio("quality_ratio", e.gq, e.pq, "produced quantity (PQ)", "生產數量")


def oee(e: ProductionElements) -> Kpi:
    """Availability × effectiveness × quality ratio."""
    return _product("oee", availability(e), effectiveness(e), quality_ratio(e))


def nee(e: ProductionElements) -> Kpi:
    """AUPT / PBT × effectiveness × quality ratio (setup is not counted as a loss)."""
    utilisation = _ratio("aupt_over_pbt", e.aupt, e.pbt, "planned busy time (PBT)", "計劃佔用時間")
    return _product("nee", utilisation, effectiveness(e), quality_ratio(e))


def setup_rate(e: ProductionElements) -> Kpi:
    """ASUT / AUPT."""
    return _ratio("setup_rate", e.asut, e.aupt, "processing time (AUPT)", "加工時間")


def technical_efficiency(e: ProductionElements) -> Kpi:
    """APT / (APT + ADET)."""
    return _ratio(
        "technical_efficiency",
        e.apt,
        e.apt + e.adet,
        "production plus delay time",
        "生產及延誤時間",
    )


def throughput_rate(e: ProductionElements) -> Kpi:
    """PQ per hour of actual order execution time (AOET)."""
    return _ratio(
        "throughput_rate", e.pq * 3600.0, e.aoet, "order execution time (AOET)", "訂單執行時間"
    )


def scrap_ratio(e: ProductionElements) -> Kpi:
    """SQ / PQ."""
    return _ratio("scrap_ratio", e.sq, e.pq, "produced quantity (PQ)", "生產數量")


def rework_ratio(e: ProductionElements) -> Kpi:
    """RQ / PQ."""
    return _ratio("rework_ratio", e.rq, e.pq, "produced quantity (PQ)", "生產數量")


def first_pass_yield(e: ProductionElements) -> Kpi:
    """GP / IP: units good at the first inspection over units inspected (GQ / PQ here)."""
    return _ratio("first_pass_yield", e.gq, e.pq, "inspected quantity", "檢驗數量")


def mtbf(e: ProductionElements) -> Kpi:
    """Mean time between failures, hours: processing time (AUPT) per failure."""
    return _ratio("mtbf_hours", e.aupt / 3600.0, e.failures, "number of failures", "故障次數")


def mttr(e: ProductionElements) -> Kpi:
    """Mean time to restoration, hours: delay time (ADET) per failure."""
    return _ratio("mttr_hours", e.adet / 3600.0, e.failures, "number of failures", "故障次數")


def energy_per_unit(e: ProductionElements) -> Kpi:
    """kWh per produced unit (comprehensive energy consumption)."""
    return _ratio("energy_kwh_per_unit", e.energy_kwh, e.pq, "produced quantity (PQ)", "生產數量")


ALL_KPIS = (
    availability,
    effectiveness,
    quality_ratio,
    oee,
    nee,
    setup_rate,
    technical_efficiency,
    throughput_rate,
    scrap_ratio,
    rework_ratio,
    first_pass_yield,
    mtbf,
    mttr,
    energy_per_unit,
)


def kpi_report(e: ProductionElements) -> dict[str, Kpi]:
    """Every KPI computable from elements, by name."""
    return {k.name: k for k in (f(e) for f in ALL_KPIS)}
