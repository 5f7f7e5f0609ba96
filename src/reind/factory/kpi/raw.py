"""KPI elements from raw points: PackML state events and counter samples.

For short windows (a shift on the dashboard, the last hour) and to
cross-check the rollup path: time elements come from integrating the
``PackML/State`` events (each point is a state change; the state holds until
the next), independently of the state-time accumulators; quantities and
energy from differencing the raw counter samples.

``step_seconds`` aligns the integration with accumulators sampled at the
end of fixed machine steps (a twin's ``dt``): a step stamped ``t`` covers
``(t − step, t]``, so state time is shifted by one step before it is put
into hour buckets (see :mod:`.rollups`). Use 0 for event-driven sources.

Where the store aggregates raw points itself (``query_increase`` and
``query_state_time``, both of reind's stores), the differencing and the
integration run in the database and only hour totals come back: a year is
a few thousand rows instead of 17 million points (docs/decisions/0083).
:func:`elements_from_points` keeps the Python integration over ``query_raw``
as the reference the tests hold the database path to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from reind.factory.control.packml import PackMLState
from reind.factory.ingest.points import Resolution, TelemetryPoint
from reind.factory.ingest.store import BucketAmounts, StateTime
from reind.factory.kpi.calendar import HOUR_MS, THREE_SHIFTS, BucketLabeller, Period, ShiftCalendar
from reind.factory.kpi.elements import ProductionElements
from reind.factory.kpi.mapping import FAILURE_STATES, STATE_ELEMENTS
from reind.factory.kpi.units import WorkUnit

LOOKBACKS = (timedelta(days=1), timedelta(days=30), timedelta(days=366))
"""Ever longer spans searched before a window for the value standing at its start."""
BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)


class RawReader(Protocol):
    """The part of ``TelemetryStore`` this module reads (read-only)."""

    def query_raw(self, series: str, start: datetime, end: datetime) -> list[TelemetryPoint]:
        """Points of ``series`` with ``start <= timestamp < end``, oldest first."""
        ...


@runtime_checkable
class RawAggregator(Protocol):
    """A store that differences and integrates raw points itself (``TelemetryStore``)."""

    def query_increase(
        self, series: Sequence[str], start: datetime, end: datetime, resolution: Resolution
    ) -> BucketAmounts:
        """Increase per bucket of never-decreasing counters, from raw points."""
        ...

    def query_state_time(
        self,
        series: Sequence[str],
        start: datetime,
        end: datetime,
        resolution: Resolution,
        delay_ms: int = 0,
    ) -> StateTime:
        """Time in each value of step series per bucket, and entries into each value."""
        ...


class _Totals:
    def __init__(self, period: Period, calendar: ShiftCalendar) -> None:
        self.labeller = BucketLabeller(period, calendar)
        self.labels: dict[int, str | None] = {}
        self.first: dict[str, int] = {}
        self.values: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))

    def add(self, bucket: int, field: str, amount: float) -> None:
        label = self.labels.get(bucket, "")
        if label == "":
            label = self.labels[bucket] = self.labeller.label(bucket)
            if label is not None and self.first.get(label, bucket) >= bucket:
                self.first[label] = bucket
        if label is not None:
            self.values[label][field] += amount

    def result(self) -> dict[str, ProductionElements]:
        ordered = sorted(self.values, key=self.first.__getitem__)
        return {label: ProductionElements(**self.values[label]) for label in ordered}


def _state_time(
    totals: _Totals, points: list[TelemetryPoint], start_ms: int, end_ms: int, step_ms: int
) -> None:
    events = [(p.timestamp_ms + step_ms, PackMLState(int(p.value))) for p in points if p.value]
    for index, (at, state) in enumerate(events):
        until = events[index + 1][0] if index + 1 < len(events) else end_ms
        begin, finish = max(at, start_ms), min(until, end_ms)
        field = STATE_ELEMENTS[state].value
        while begin < finish:
            bucket = begin - begin % HOUR_MS
            piece = min(finish, bucket + HOUR_MS) - begin
            totals.add(bucket, field, piece / 1000.0)
            begin += piece


def _failures(totals: _Totals, points: list[TelemetryPoint], start_ms: int, end_ms: int) -> None:
    previous: PackMLState | None = None
    for point in points:
        if not point.value:
            continue
        state = PackMLState(int(point.value))
        at = point.timestamp_ms
        if state in FAILURE_STATES and state is not previous and start_ms <= at < end_ms:
            totals.add(at - at % HOUR_MS, "failures", 1.0)
        previous = state


def _counter(
    totals: _Totals,
    points: list[TelemetryPoint],
    start_ms: int,
    fields: Sequence[tuple[str, float]],
) -> None:
    gains: dict[int, float] = defaultdict(float)
    previous: float | None = None
    for point in points:
        value = point.value
        if value is None:
            continue
        at = point.timestamp_ms
        if at >= start_ms and previous is not None:
            gains[at - at % HOUR_MS] += value - previous if value >= previous else value
        previous = value
    for bucket, gained in gains.items():
        if gained:
            for field, factor in fields:
                totals.add(bucket, field, gained * factor)


def _with_previous(
    store: RawReader, series: str, start: datetime, end: datetime
) -> list[TelemetryPoint]:
    """Points in ``[start, end)`` preceded by the last point before ``start``, if any."""
    points = store.query_raw(series, start - LOOKBACKS[0], end)
    start_ms = int(start.timestamp() * 1000)
    if points and points[0].timestamp_ms < start_ms:
        return points
    newer = start - LOOKBACKS[0]
    for span in (*LOOKBACKS[1:], None):
        older = BEGINNING if span is None else start - span
        before = store.query_raw(series, older, newer)
        if before:
            return [before[-1], *points]
        newer = older
    return points


def elements_by_period(
    store: RawReader,
    units: Sequence[WorkUnit],
    start: datetime,
    end: datetime,
    period: Period,
    calendar: ShiftCalendar = THREE_SHIFTS,
    step_seconds: float = 0.0,
) -> dict[str, ProductionElements]:
    """Summed elements of ``units`` per period label in ``[start, end)`` from raw points.

    In the database when the store can (:class:`RawAggregator`), else in Python.
    """
    if isinstance(store, RawAggregator):
        return elements_in_store(store, units, start, end, period, calendar, step_seconds)
    return elements_from_points(store, units, start, end, period, calendar, step_seconds)


def _counters(unit: WorkUnit) -> list[tuple[str, list[tuple[str, float]]]]:
    return [
        (unit.processed, [("pq", 1.0), ("planned_run_time", unit.pru_seconds)]),
        (unit.defective, [("sq", 1.0)]),
        (unit.rework, [("rq", 1.0)]),
        (unit.energy, [("energy_kwh", 1.0)]),
    ]


def elements_in_store(
    store: RawAggregator,
    units: Sequence[WorkUnit],
    start: datetime,
    end: datetime,
    period: Period,
    calendar: ShiftCalendar = THREE_SHIFTS,
    step_seconds: float = 0.0,
) -> dict[str, ProductionElements]:
    """:func:`elements_from_points`, with the points differenced and integrated in the store.

    Hour totals come back (seconds per state, entries per state, increase per
    counter); they are labelled and summed here. Quantities and times equal
    the Python path's; sums of fractional values (energy) can differ in the
    last bits, because the database adds in its own order.
    """
    step_ms = round(step_seconds * 1000)
    states = store.query_state_time([u.state for u in units], start, end, "hour", step_ms)
    counters = [(series, fields) for u in units for series, fields in _counters(u)]
    increase = store.query_increase(list(dict.fromkeys(s for s, _ in counters)), start, end, "hour")
    parts: list[tuple[NDArray[np.int64], NDArray[np.float64], str]] = []
    held, entries = states.held_seconds, states.entries
    failing = np.isin(entries.key, [float(s.value) for s in FAILURE_STATES])
    for position in range(len(units)):
        mine = held.index == position
        for key in np.unique(held.key[mine]):
            field = STATE_ELEMENTS[PackMLState(int(key))].value
            rows = mine & (held.key == key)
            parts.append((held.bucket_ms[rows], held.amount[rows], field))
        rows = (entries.index == position) & failing
        parts.append((entries.bucket_ms[rows], entries.amount[rows], "failures"))
    for series, fields in counters:
        rows = (increase.index == increase.series.index(series)) & (increase.amount != 0)
        for field, factor in fields:
            parts.append((increase.bucket_ms[rows], increase.amount[rows] * factor, field))
    return _sum_by_label(parts, BucketLabeller(period, calendar))


def _sum_by_label(
    parts: list[tuple[NDArray[np.int64], NDArray[np.float64], str]], labeller: BucketLabeller
) -> dict[str, ProductionElements]:
    """Amounts per (bucket, field) summed per period label, labels in time order."""
    if not parts:
        return {}
    buckets = np.concatenate([b for b, _, _ in parts])
    codes, labels = labeller.label_many(buckets)
    size = len(labels)
    totals: dict[str, NDArray[np.float64]] = {}
    present = np.zeros(size, dtype=np.bool_)
    first = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    offset = 0
    for bucket, amount, field in parts:
        code = codes[offset : offset + len(bucket)]
        offset += len(bucket)
        if not len(code):
            continue
        totals[field] = totals.get(field, np.zeros(size)) + np.bincount(
            code, weights=amount, minlength=size
        )
        present[code] = True
        np.minimum.at(first, code, bucket)
    ordered = sorted(
        (c for c in np.flatnonzero(present).tolist() if labels[c] is not None),
        key=lambda c: int(first[c]),
    )
    return {
        str(labels[c]): ProductionElements(**{f: float(v[c]) for f, v in totals.items()})
        for c in ordered
    }


def elements_from_points(
    store: RawReader,
    units: Sequence[WorkUnit],
    start: datetime,
    end: datetime,
    period: Period,
    calendar: ShiftCalendar = THREE_SHIFTS,
    step_seconds: float = 0.0,
) -> dict[str, ProductionElements]:
    """Summed elements per period label from raw points read through ``query_raw``.

    Every point becomes a Python object: for short windows, stores without
    aggregation, and as the reference :func:`elements_in_store` is tested against.
    """
    start_ms = int(start.timestamp() * 1000)
    end_ms = int(end.timestamp() * 1000)
    step_ms = round(step_seconds * 1000)
    totals = _Totals(period, calendar)
    for unit in units:
        events = _with_previous(store, unit.state, start, end)
        _state_time(totals, events, start_ms, end_ms, step_ms)
        _failures(totals, events, start_ms, end_ms)
        for series, fields in _counters(unit):
            points = _with_previous(store, series, start, end)
            _counter(totals, points, start_ms, fields)
    return totals.result()


def elements_total(
    store: RawReader,
    units: Sequence[WorkUnit],
    start: datetime,
    end: datetime,
    step_seconds: float = 0.0,
) -> ProductionElements:
    """Summed elements of ``units`` over ``[start, end)`` from raw points."""
    by_day = elements_by_period(store, units, start, end, Period.DAY, step_seconds=step_seconds)
    return ProductionElements.total(by_day.values())
