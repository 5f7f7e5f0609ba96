"""KPI elements from the hour rollups: a year costs a few thousand rows, not millions of points.

Twins (and PackML machines) publish never-resetting accumulators: seconds
per state, entries per state, processed/defective/rework counts and energy.
The increase of an accumulator over an hour is the difference between the
``last`` value of that hour's rollup and the last value before it. An hour
without a rollup row is an hour in which the accumulator did not change.

Counter resets (a restarted twin or PLC starts its accumulators at zero)
show as a ``last`` below the previous one; the hour's increase is then taken
from zero, as Prometheus's ``increase()`` does. An accumulator with no value
before the window contributes what it gained inside its first bucket
(``last − min``).

A store that offers ``query_rollups_many`` (both of reind's do) is read in one
query for every accumulator of every unit, as numpy columns; the differencing,
labelling and summing are then vectorised and give the same numbers, bit for
bit, as the row-by-row path kept for readers with only ``query_rollups``
(docs/decisions/0083).

Timing convention: a sample stamped ``t`` describes the machine up to ``t``,
and twins sample on the last step of every minute, so an hour bucket covers
the steps stamped inside it (for 1 s steps, the hour shifted back by one
second). Over any window the totals agree with :mod:`.raw` integrating the
state events with ``step_seconds`` equal to the twin's step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from reind.factory.control.packml import PackMLState
from reind.factory.ingest.points import Resolution, Rollup
from reind.factory.ingest.store import RollupColumns
from reind.factory.kpi.calendar import THREE_SHIFTS, BucketLabeller, Period, ShiftCalendar
from reind.factory.kpi.elements import ProductionElements
from reind.factory.kpi.mapping import FAILURE_STATES, STATE_ELEMENTS
from reind.factory.kpi.units import WorkUnit

OEE_FIELDS = frozenset({"apt", "asut", "adet", "adot", "pq", "sq", "rq", "planned_run_time"})
"""The elements OEE, availability, effectiveness and quality need (fewer series to read)."""

LOOKBACK = timedelta(days=7)
"""How far before a window to look for an accumulator's previous value first."""
BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)


class RollupReader(Protocol):
    """The part of ``TelemetryStore`` this module reads (read-only)."""

    def query_rollups(
        self, series: str, start: datetime, end: datetime, resolution: Resolution
    ) -> list[Rollup]:
        """Rollup buckets of ``series`` starting in ``[start, end)``, oldest first."""
        ...


@runtime_checkable
class ManyRollupReader(Protocol):
    """A ``RollupReader`` that also reads many series in one query."""

    def query_rollups(
        self, series: str, start: datetime, end: datetime, resolution: Resolution
    ) -> list[Rollup]:
        """Rollup buckets of ``series`` starting in ``[start, end)``, oldest first."""
        ...

    def query_rollups_many(
        self, series: Sequence[str], start: datetime, end: datetime, resolution: Resolution
    ) -> RollupColumns:
        """Rollup buckets of every one of ``series`` in ``[start, end)``, as columns."""
        ...


def increments(
    rows: Iterable[Rollup], start_ms: int, baseline: float | None = None
) -> Iterable[tuple[int, float]]:
    """``(bucket_ms, increase)`` of a never-resetting accumulator from its rollup rows.

    Rows before ``start_ms`` only set the baseline; a decrease is a reset.
    """
    previous = baseline
    for row in rows:
        last = row.last
        if row.bucket_ms < start_ms:
            previous = last
            continue
        if previous is None:
            gained = last - row.minimum
        elif last >= previous:
            gained = last - previous
        else:
            gained = last
        previous = last
        if gained:
            yield row.bucket_ms, gained


def _accumulator_rows(
    store: RollupReader, series: str, start: datetime, end: datetime
) -> tuple[list[Rollup], float | None]:
    rows = store.query_rollups(series, start - LOOKBACK, end, "hour")
    start_ms = int(start.timestamp() * 1000)
    if rows and rows[0].bucket_ms < start_ms:
        return rows, None
    # nothing in the lookback: the value may have stood still for longer (a rare state)
    older = store.query_rollups(series, BEGINNING, start - LOOKBACK, "hour")
    return rows, (older[-1].last if older else None)


def _fields(unit: WorkUnit) -> list[tuple[str, str, float]]:
    """(series, element field, factor) for every accumulator of ``unit``."""
    wanted: list[tuple[str, str, float]] = [
        (unit.state_time(state), element.value, 1.0) for state, element in STATE_ELEMENTS.items()
    ]
    wanted += [(unit.state_count(state), "failures", 1.0) for state in FAILURE_STATES]
    wanted += [
        (unit.processed, "pq", 1.0),
        (unit.processed, "planned_run_time", unit.pru_seconds),
        (unit.defective, "sq", 1.0),
        (unit.rework, "rq", 1.0),
        (unit.energy, "energy_kwh", 1.0),
    ]
    return wanted


def elements_by_period(
    store: RollupReader,
    units: Sequence[WorkUnit],
    start: datetime,
    end: datetime,
    period: Period,
    calendar: ShiftCalendar = THREE_SHIFTS,
    only: Collection[str] | None = None,
) -> dict[str, ProductionElements]:
    """Summed elements of ``units`` per period label in ``[start, end)`` from hour rollups.

    ``start`` and ``end`` must be on whole hours. Labels come in time order;
    hours outside every shift are left out when grouping by shift, and a period
    in which no accumulator moved is absent. ``only``
    (e.g. :data:`OEE_FIELDS`) reads just the series those elements need; the
    other elements are then zero.
    """
    plan = [_series_targets(unit, only) for unit in units]
    if isinstance(store, ManyRollupReader):
        return _elements_from_columns(store, plan, start, end, BucketLabeller(period, calendar))
    start_ms = int(start.timestamp() * 1000)
    end_ms = int(end.timestamp() * 1000)
    labeller = BucketLabeller(period, calendar)
    labels: dict[int, str | None] = {}
    first: dict[str, int] = {}
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for by_series in plan:
        for series, targets in by_series.items():
            rows, baseline = _accumulator_rows(store, series, start, end)
            per_label: dict[str | None, float] = defaultdict(float)
            for bucket, gained in increments(rows, start_ms, baseline):
                if bucket >= end_ms:
                    break
                label = labels.get(bucket, "")
                if label == "":
                    label = labels[bucket] = labeller.label(bucket)
                    if label is not None and first.get(label, bucket) >= bucket:
                        first[label] = bucket
                per_label[label] += gained
            per_label.pop(None, None)
            for label, gained in per_label.items():
                assert label is not None
                row = totals[label]
                for field, factor in targets:
                    row[field] += gained * factor
    ordered = sorted(totals, key=first.__getitem__)
    return {label: ProductionElements(**totals[label]) for label in ordered}


def _series_targets(
    unit: WorkUnit, only: Collection[str] | None
) -> dict[str, list[tuple[str, float]]]:
    """The accumulators of ``unit`` to read, each with the (field, factor) pairs it feeds."""
    by_series: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for series, field, factor in _fields(unit):
        if only is None or field in only:
            by_series[series].append((field, factor))
    return by_series


def _gains(
    store: ManyRollupReader, names: list[str], start: datetime, end: datetime
) -> tuple[RollupColumns, NDArray[np.float64], NDArray[np.bool_]]:
    """Every row of ``names`` from ``start - LOOKBACK``, its increase, and which rows count.

    The same arithmetic as :func:`increments`, element by element, so the
    floats are identical: a row's increase is ``last - previous last`` (a
    reset: ``last``), or ``last - min`` with nothing before it.
    """
    start_ms = int(start.timestamp() * 1000)
    end_ms = int(end.timestamp() * 1000)
    rows = store.query_rollups_many(names, start - LOOKBACK, end, "hour")
    index, last = rows.index, rows.last
    opens = np.ones(len(rows), dtype=np.bool_)
    opens[1:] = index[1:] != index[:-1]
    early = np.zeros(len(names), dtype=np.bool_)  # has a row before start: its own baseline
    early[index[opens]] = rows.bucket_ms[opens] < start_ms
    baseline = np.full(len(names), np.nan)
    known = early.copy()
    missing = [name for i, name in enumerate(names) if not early[i]]
    if missing:  # nothing in the lookback: the value may have stood still for longer
        older = store.query_rollups_many(missing, BEGINNING, start - LOOKBACK, "hour")
        closes = np.ones(len(older), dtype=np.bool_)
        closes[:-1] = older.index[1:] != older.index[:-1]
        for position, value in zip(older.index[closes], older.last[closes], strict=True):
            slot = names.index(missing[int(position)])
            baseline[slot], known[slot] = value, True
    previous = np.empty_like(last)
    previous[1:] = last[:-1]
    previous[opens] = baseline[index[opens]]
    has_previous = ~opens | known[index]
    with np.errstate(invalid="ignore"):
        gained = np.where(
            has_previous, np.where(last >= previous, last - previous, last), last - rows.minimum
        )
    counts = (rows.bucket_ms >= start_ms) & (rows.bucket_ms < end_ms) & (gained != 0)
    return rows, gained, counts


def _elements_from_columns(
    store: ManyRollupReader,
    plan: list[dict[str, list[tuple[str, float]]]],
    start: datetime,
    end: datetime,
    labeller: BucketLabeller,
) -> dict[str, ProductionElements]:
    """:func:`elements_by_period` from one multi-series query, summed in the same order."""
    names = list(dict.fromkeys(series for by_series in plan for series in by_series))
    rows, gained, counts = _gains(store, names, start, end)
    codes, labels = labeller.label_many(rows.bucket_ms[counts])
    row_code = np.full(len(rows), -1, dtype=np.intp)
    row_code[counts] = codes
    dropped = [code for code, label in enumerate(labels) if label is None]
    if dropped:
        row_code[np.isin(row_code, dropped)] = -1
    size = len(labels)
    present = np.zeros(size, dtype=np.bool_)
    totals: dict[str, NDArray[np.float64]] = {}
    bounds = np.searchsorted(rows.index, np.arange(len(names) + 1))
    for by_series in plan:
        for series, targets in by_series.items():
            slot = names.index(series)
            code = row_code[bounds[slot] : bounds[slot + 1]]
            used = code >= 0
            if not used.any():
                continue
            code = code[used]
            # bincount adds in row order, as the loop over rows does: the same floats
            sums = np.bincount(
                code, weights=gained[bounds[slot] : bounds[slot + 1]][used], minlength=size
            )
            present[np.unique(code)] = True
            for field, factor in targets:
                totals[field] = totals.get(field, np.zeros(size)) + sums * factor
    first = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    chosen = row_code >= 0
    np.minimum.at(first, row_code[chosen], rows.bucket_ms[chosen])
    ordered = sorted(np.flatnonzero(present).tolist(), key=lambda c: int(first[c]))
    return {
        str(labels[c]): ProductionElements(**{f: float(v[c]) for f, v in totals.items()})
        for c in ordered
    }


def elements_total(
    store: RollupReader, units: Sequence[WorkUnit], start: datetime, end: datetime
) -> ProductionElements:
    """Summed elements of ``units`` over the whole of ``[start, end)`` from hour rollups."""
    by_day = elements_by_period(store, units, start, end, Period.DAY)
    return ProductionElements.total(by_day.values())


def seconds_by_state(
    store: RollupReader, unit: WorkUnit, start: datetime, end: datetime
) -> dict[PackMLState, float]:
    """Seconds ``unit`` spent in each PackML state in ``[start, end)`` (from rollups)."""
    start_ms = int(start.timestamp() * 1000)
    end_ms = int(end.timestamp() * 1000)
    result: dict[PackMLState, float] = {}
    for state in PackMLState:
        rows, baseline = _accumulator_rows(store, unit.state_time(state), start, end)
        result[state] = sum(g for b, g in increments(rows, start_ms, baseline) if b < end_ms)
    return result
