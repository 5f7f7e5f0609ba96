"""Did the funded lines raise efficiency? Each linked line measured against its baseline.

The baseline is the line's own telemetry in the ``baseline_days`` before it
was commissioned when there is production in it (an upgraded line), else
the figures its applicant declared (a new line replacing manual work). The
result is since commissioning (or a given window). Every side is one sum of
ISO 22400 elements over its whole window, read from the hour rollups
(``factory.kpi.rollups``), never from raw points, and every ratio is divided
once from that sum: averaging daily or per-line ratios would weight a quiet
day like a busy one.

Labour: telemetry has no head count, so labour hours come from the staffing
on the link: operators on the line while it is in planned operation (POT,
every PackML state but Stopped/Stopping) — labour hours = operators × POT,
labour per unit = labour hours / produced quantity. A declared operator
count (not staffed hours per shift) because the twin and PLCs already tell
when the line is attended, and a count is what applicants know.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from reind.core.clock import HONG_KONG
from reind.factory.kpi import (
    ProductionElements,
    WorkUnit,
    energy_per_unit,
    first_pass_yield,
    oee,
    throughput_rate,
)
from reind.factory.kpi.rollups import RollupReader, elements_total
from reind.programme.funded_lines.services import (
    DeclaredBaseline,
    FundedLine,
    LinkedProject,
    linked_projects,
)
from reind.reporting.charts import bar_chart

BASELINE_DAYS = 90
"""How far before commissioning to look for the line's own telemetry."""
HOUR = timedelta(hours=1)


class Source(StrEnum):
    """Where one side of a comparison comes from."""

    TELEMETRY = "telemetry"
    DECLARED = "declared"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Window:
    """``[start, end)`` on whole hours, UTC."""

    start: datetime
    end: datetime

    @property
    def hours(self) -> float:
        """Length in hours."""
        return max((self.end - self.start).total_seconds(), 0.0) / 3600.0

    def label(self) -> str:
        """The window in Hong Kong time, as people read it."""
        fmt = "%Y-%m-%d %H:%M"
        return f"{self.start.astimezone(HONG_KONG):{fmt}} – {self.end.astimezone(HONG_KONG):{fmt}}"


@dataclass(frozen=True, slots=True)
class Side:
    """The before or after side: its source, window, summed elements and staffing."""

    source: Source
    window: Window | None = None
    elements: ProductionElements | None = None
    operators: float | None = None
    declared: DeclaredBaseline | None = None

    @property
    def labour_hours(self) -> float | None:
        """Operators × planned operation time, hours (None without a head count)."""
        if self.elements is None or self.operators is None:
            return None
        return self.operators * self.elements.pot / 3600.0


@dataclass(frozen=True, slots=True)
class Metric:
    """One outcome: before, after, the change, and how each side was found."""

    key: str
    before: float | None
    after: float | None
    higher_is_better: bool
    before_basis: str
    after_basis: str

    @property
    def change(self) -> float | None:
        """After minus before."""
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def relative_change(self) -> float | None:
        """(after − before) / before; None when before is unknown or zero."""
        if self.change is None or not self.before:
            return None
        return self.change / self.before

    @property
    def improved(self) -> bool | None:
        """True when the change goes the better way."""
        if self.change is None:
            return None
        return self.change > 0 if self.higher_is_better else self.change < 0


METRICS: dict[str, tuple[str, str, str, str]] = {
    "throughput": ("Throughput", "產量", "units per hour", "件／小時"),
    "oee": ("OEE", "整體設備效率", "", ""),
    "labour": ("Labour per unit", "每件人手工時", "labour hours per unit", "工時／件"),
    "energy": ("Energy per unit", "每件能耗", "kWh per unit", "千瓦時／件"),
    "yield": ("Yield (first pass)", "首次合格率", "", ""),
}
"""Each metric's name and unit in English and Chinese."""
RATIOS = frozenset({"oee", "yield"})


@dataclass(frozen=True, slots=True)
class LineOutcome:
    """One funded line measured against its baseline."""

    project: LinkedProject
    before: Side
    after: Side
    metrics: tuple[Metric, ...]

    def metric(self, key: str) -> Metric:
        """The metric named ``key``."""
        return next(m for m in self.metrics if m.key == key)

    @property
    def measured(self) -> bool:
        """True when throughput is known on both sides."""
        return self.metric("throughput").change is not None


def start_of_day(day: date) -> datetime:
    """Midnight in Hong Kong on ``day``, as UTC (a whole hour: HK is UTC+8)."""
    return datetime.combine(day, time(), HONG_KONG).astimezone(UTC)


def ceil_hour(moment: datetime) -> datetime:
    """The first whole hour at or after ``moment`` (UTC): the current hour counts so far."""
    moment = moment.astimezone(UTC)
    floor = moment.replace(minute=0, second=0, microsecond=0)
    return floor if floor == moment else floor + HOUR


def work_unit(line: FundedLine) -> WorkUnit:
    """The PackML work unit whose accumulators the line publishes."""
    return WorkUnit(line.line_name_en, line.series_prefix, line.pru_seconds)


def _has_production(elements: ProductionElements) -> bool:
    return elements.pq > 0 and elements.aoet > 0


def measure_line(
    store: RollupReader,
    project: LinkedProject,
    now: datetime,
    *,
    after: Window | None = None,
    baseline_days: int = BASELINE_DAYS,
) -> LineOutcome:
    """Measure one linked line: its baseline against the time since commissioning."""
    line = project.line
    unit = work_unit(line)
    commissioned = start_of_day(line.commissioned_on)
    window = after or Window(commissioned, max(ceil_hour(now), commissioned))
    after_elements = elements_total(store, [unit], window.start, window.end)
    after_side = Side(Source.TELEMETRY, window, after_elements, line.operators)
    before_window = Window(commissioned - timedelta(days=baseline_days), commissioned)
    before_elements = elements_total(store, [unit], before_window.start, before_window.end)
    if _has_production(before_elements):
        before_side = Side(
            Source.TELEMETRY,
            before_window,
            before_elements,
            line.operators_before,
            project.declared,
        )
    elif project.declared is not None:
        before_side = Side(Source.DECLARED, declared=project.declared)
    else:
        before_side = Side(Source.NONE)
    return LineOutcome(project, before_side, after_side, _metrics(before_side, after_side))


def _from_elements(key: str, side: Side) -> tuple[float | None, str]:
    """The metric from a telemetry side, and the sums behind it."""
    e = side.elements
    if e is None or not _has_production(e):
        return None, "no production recorded"
    if key == "throughput":
        return throughput_rate(e).value, f"PQ {e.pq:,.0f} × 3600 / AOET {e.aoet:,.0f} s"
    if key == "oee":
        return oee(e).value, (
            f"APT {e.apt:,.0f} s / PBT {e.pbt:,.0f} s × PRU·PQ {e.planned_run_time:,.0f} s"
            f" / APT × GQ {e.gq:,.0f} / PQ {e.pq:,.0f}"
        )
    if key == "energy":
        return energy_per_unit(e).value, f"{e.energy_kwh:,.2f} kWh / PQ {e.pq:,.0f}"
    if key == "yield":
        return first_pass_yield(e).value, f"GQ {e.gq:,.0f} / PQ {e.pq:,.0f}"
    hours = side.labour_hours
    if hours is None:
        return None, "no staffing given"
    return hours / e.pq, (
        f"{side.operators:g} operators × POT {e.pot / 3600:,.1f} h / PQ {e.pq:,.0f}"
    )


def _declared(key: str, declared: DeclaredBaseline | None) -> float | None:
    if declared is None:
        return None
    return {
        "throughput": declared.throughput_per_hour,
        "oee": declared.oee,
        "labour": declared.labour_hours_per_unit,
        "energy": declared.energy_kwh_per_unit,
        "yield": declared.yield_ratio,
    }[key]


def _metrics(before: Side, after: Side) -> tuple[Metric, ...]:
    result = []
    for key in METRICS:
        after_value, after_basis = _from_elements(key, after)
        before_value: float | None = None
        before_basis = "no baseline"
        if before.source is Source.TELEMETRY:
            before_value, before_basis = _from_elements(key, before)
        if before_value is None and _declared(key, before.declared) is not None:
            before_value, before_basis = _declared(key, before.declared), "declared by applicant"
        result.append(
            Metric(key, before_value, after_value, key != "labour" and key != "energy",
                   before_basis, after_basis)
        )  # fmt: skip
    return tuple(result)


@dataclass(frozen=True, slots=True)
class OutcomeSummary:
    """Outcomes across every linked line, for the report.

    OEE before and after are computed from the elements summed over the
    lines whose baseline is their own telemetry (like for like); declared
    baselines are ratios and cannot be summed, so they count in the
    per-line medians only.
    """

    outcomes: tuple[LineOutcome, ...]
    lines_linked: int
    lines_measured: int
    median_throughput_change: float | None
    throughput_improved: int
    like_for_like: int
    oee_before: float | None
    oee_after: float | None
    elements_before: ProductionElements = field(repr=False)
    elements_after: ProductionElements = field(repr=False)
    oee_after_all: float | None = None


def summarise(outcomes: Sequence[LineOutcome]) -> OutcomeSummary:
    """The summary of ``outcomes`` (elements summed, ratios divided once)."""
    measured = [o for o in outcomes if o.measured]
    changes = [c for o in measured if (c := o.metric("throughput").relative_change) is not None]
    same = [o for o in measured if o.before.source is Source.TELEMETRY]
    before = ProductionElements.total(o.before.elements for o in same if o.before.elements)
    after = ProductionElements.total(o.after.elements for o in same if o.after.elements)
    after_all = ProductionElements.total(o.after.elements for o in outcomes if o.after.elements)
    return OutcomeSummary(
        outcomes=tuple(outcomes),
        lines_linked=len(outcomes),
        lines_measured=len(measured),
        median_throughput_change=statistics.median(changes) if changes else None,
        throughput_improved=sum(1 for o in measured if o.metric("throughput").improved),
        like_for_like=len(same),
        oee_before=oee(before).value if same else None,
        oee_after=oee(after).value if same else None,
        elements_before=before,
        elements_after=after,
        oee_after_all=oee(after_all).value,
    )


def measure_all(
    session: Session,
    store: RollupReader,
    as_of: date,
    now: datetime,
    baseline_days: int = BASELINE_DAYS,
) -> OutcomeSummary:
    """Every linked line measured up to the end of ``as_of`` (or ``now``, if earlier)."""
    end = min(start_of_day(as_of + timedelta(days=1)), ceil_hour(now))
    outcomes = []
    for project in linked_projects(session):
        start = start_of_day(project.line.commissioned_on)
        if start >= end:
            continue  # commissioned after the date of the report
        outcomes.append(
            measure_line(store, project, now, after=Window(start, end), baseline_days=baseline_days)
        )
    return summarise(outcomes)


def _rate(outcome: LineOutcome, side: str) -> float:
    value: float | None = getattr(outcome.metric("throughput"), side)
    return value or 0.0


def _share(outcome: LineOutcome) -> float:
    """Throughput after as a percentage of before (0 without a baseline)."""
    before = _rate(outcome, "before")
    return 100.0 * _rate(outcome, "after") / before if before else 0.0


def report_context(
    session: Session, store: RollupReader, as_of: date, now: datetime, lang: str, pdf: bool
) -> dict[str, object]:
    """What the progress report's outcomes section shows: the summary and a chart."""
    summary = measure_all(session, store, as_of, now)
    zh = lang == "zh-Hant"
    measured = [o for o in summary.outcomes if o.measured]
    chart = ""
    if measured:
        # as a share of each line's own baseline: lines of 24 and 7,000 units an hour share no axis
        chart = bar_chart(
            "投產後產量（相對基線的百分比）"
            if zh
            else "Throughput after commissioning, as a percentage of the baseline",
            [o.project.reference for o in measured],
            [("之後" if zh else "after", [_share(o) for o in measured])],
            "% 基線（100 = 不變）" if zh else "% of baseline (100 = unchanged)",
            "{:.0f}%",
            "png" if pdf else "svg",
        )
    return {"summary": summary, "chart": chart, "names": METRICS, "ratios": RATIOS}
