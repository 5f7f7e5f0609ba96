"""A year of one bottling line's telemetry: OEE by shift from rollups vs a raw scan.

The year is synthesised episode by episode (two shifts 07:00-23:00 Hong Kong
time Monday to Saturday, a changeover at each start, random holds and
suspensions) and published exactly as the twins publish: a ``PackML/State``
point per state change, ``PackML/Admin/StateTime/<State>`` on each change and
on the last second of each minute, ``Processed Acc`` every second of Execute
(two bottles a second), ``Defective Acc`` on change, energy with the state
times. It starts a week before the measured year (the line's commissioning),
so the year's first hour has a previous value to difference against, as it
would in service. Everything goes in through ``TelemetryStore.write_batch``, so the
rollups are the ingest path's own.

The store is DuckDB in a scratch file (the embedded default) unless
``--store`` names a PostgreSQL database (which should be empty).

Then it times OEE by shift for the year from the hour rollups (target
50 ms; one ``query_rollups_many``) and from a raw scan of the year with the
differencing and integration done in the store (``query_increase``,
``query_state_time``; target 2 s), checks both give the same elements,
checks the in-store raw path against the Python one over ``query_raw`` on
the first ``--check-days``, and runs the anomaly-detection evaluation on the
twins' injected faults.

    python bench/kpi.py               # a year
    python bench/kpi.py --days 30     # shorter
    python bench/kpi.py --no-anomaly  # skip the fault evaluation
    python bench/kpi.py --store postgresql://localhost/kpi_bench
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reind.factory.control.packml import PackMLState
from reind.factory.evaluation.anomaly import evaluate
from reind.factory.ingest.points import TelemetryPoint
from reind.factory.ingest.store import TelemetryStore, open_store
from reind.factory.kpi import Period, ProductionElements, WorkUnit, oee
from reind.factory.kpi import raw as raw_kpi
from reind.factory.kpi import rollups as rollup_kpi
from reind.factory.kpi.mapping import FAILURE_STATES

S = PackMLState
YEAR_START = datetime(2025, 12, 31, 16, tzinfo=UTC)  # 2026-01-01 00:00 in Hong Kong
HISTORY_DAYS = 7  # the line was commissioned a week before the year that is measured
GENERATED_FROM = YEAR_START - timedelta(days=HISTORY_DAYS)
ROLLUP_TARGET_S = 0.050
RAW_TARGET_S = 2.0
LINE = WorkUnit("bottling", "reind/brewery-1/brewery/Bottling/", pru_seconds=0.5)
WATTS = {S.EXECUTE: 18_000.0, S.STOPPED: 0.0}
STANDBY_WATTS = 4_000.0


def episodes(days: int, rng: random.Random) -> Iterator[tuple[int, PackMLState]]:
    """(start second from YEAR_START, state): the line's day, shift after shift."""
    yield 0, S.STOPPED
    for day in range(days):
        base = day * 86400
        if (GENERATED_FROM + timedelta(days=day, hours=8)).weekday() == 6:
            continue  # Sunday: stays Stopped
        t = base + 7 * 3600
        end = base + 23 * 3600
        for state, length in ((S.RESETTING, 1200), (S.IDLE, 60), (S.STARTING, 30)):
            yield t, state
            t += length
        while True:
            yield t, S.EXECUTE
            t += int(rng.expovariate(1 / 5400)) + 60
            if t >= end - 1800:
                break
            if rng.random() < 0.6:  # an internal stop: Held
                yield t, S.HOLDING
                yield t + 5, S.HELD
                t += 5 + rng.randint(180, 1200)
                yield t, S.UNHOLDING
                t += 5
            else:  # starved or blocked: Suspended
                yield t, S.SUSPENDING
                yield t + 2, S.SUSPENDED
                t += 2 + rng.randint(60, 600)
                yield t, S.UNSUSPENDING
                t += 2
        completing = min(t, end - 600)
        yield completing, S.COMPLETING
        yield completing + 60, S.COMPLETE
        yield end, S.STOPPING
        yield end + 10, S.STOPPED


class LinePublisher:
    """Turns episodes into the points a PackML unit publishes by exception."""

    def __init__(self, unit: WorkUnit, rng: random.Random) -> None:
        self.unit = unit
        self.rng = rng
        self.acc = dict.fromkeys(PackMLState, 0.0)
        self.entries = dict.fromkeys(PackMLState, 0)
        self.processed = 0
        self.defective = 0
        self.energy = 0.0
        self.t0_ms = int(GENERATED_FROM.timestamp() * 1000)

    def _p(self, out: list[TelemetryPoint], series: str, t: int, value: float) -> None:
        out.append(TelemetryPoint(series, self.t0_ms + t * 1000, value))

    def birth(self) -> list[TelemetryPoint]:
        """Every accumulator at zero, as a DBIRTH carries them."""
        out: list[TelemetryPoint] = []
        u = self.unit
        self.entries[S.STOPPED] = 1
        for state in PackMLState:
            self._p(out, u.state_time(state), 0, 0.0)
            self._p(out, u.state_count(state), 0, float(self.entries[state]))
        for series in (u.processed, u.defective, u.rework, u.energy):
            self._p(out, series, 0, 0.0)
        self._p(out, u.state, 0, float(S.STOPPED))
        return out

    def run(self, state: PackMLState, start: int, end: int) -> list[TelemetryPoint]:
        """Points for ``state`` held over ``(start, end]`` plus the change at ``end``."""
        out: list[TelemetryPoint] = []
        u = self.unit
        base = self.acc[state]
        time_series = u.state_time(state)
        watts = WATTS.get(state, STANDBY_WATTS) / 3.6e6
        executing = state is S.EXECUTE
        rng = self.rng
        for t in range(start + 1, end + 1):
            self.energy += watts
            if executing:
                self.processed += 2
                bad = rng.random() < 0.006
                self._p(out, u.processed, t, float(self.processed))
                if bad:
                    self.defective += 1
                    self._p(out, u.defective, t, float(self.defective))
            if t % 60 == 59 and t != end:
                self._p(out, time_series, t, base + (t - start))
                self._p(out, u.energy, t, round(self.energy, 4))
        self.acc[state] = base + (end - start)
        self._p(out, time_series, end, self.acc[state])
        self._p(out, u.energy, end, round(self.energy, 4))
        return out

    def enter(self, state: PackMLState, t: int) -> list[TelemetryPoint]:
        """The state change at ``t``."""
        out: list[TelemetryPoint] = []
        self.entries[state] += 1
        self._p(out, self.unit.state_count(state), t, float(self.entries[state]))
        self._p(out, self.unit.state, t, float(state))
        return out


def generate(store: TelemetryStore, days: int) -> int:
    """Write ``days`` of the line from ``GENERATED_FROM``; returns the number of points."""
    rng = random.Random(2026)
    line = LinePublisher(LINE, rng)
    total = 0
    batch = line.birth()
    plan = list(episodes(days, rng))
    horizon = days * 86400
    successors = [*plan[1:], (horizon, S.STOPPED)]
    for (start, state), (end, following) in zip(plan, successors, strict=True):
        end = min(end, horizon)
        if end <= start:
            continue
        batch += line.run(state, start, end - 1 if end == horizon else end)
        if end < horizon:
            batch += line.enter(following, end)
        if len(batch) > 400_000:
            total += store.write_batch(batch)
            batch = []
    total += store.write_batch(batch)
    return total


def raw_scan(store: TelemetryStore, end: datetime) -> dict[str, ProductionElements]:
    """OEE elements by shift from raw points, differenced and integrated in the store."""
    return raw_kpi.elements_in_store(store, [LINE], YEAR_START, end, Period.SHIFT, step_seconds=1.0)


def raw_in_python(store: TelemetryStore, end: datetime) -> dict[str, ProductionElements]:
    """The same from every raw point as a Python object (``query_raw``): the reference."""
    return raw_kpi.elements_from_points(
        store, [LINE], YEAR_START, end, Period.SHIFT, step_seconds=1.0
    )


def same(a: ProductionElements, b: ProductionElements) -> bool:
    """Equal within floating-point summation error."""
    return all(
        abs(getattr(a, f.name) - getattr(b, f.name)) <= 1e-6 * max(1.0, abs(getattr(a, f.name)))
        for f in fields(ProductionElements)
    )


def agree(a: dict[str, ProductionElements], b: dict[str, ProductionElements]) -> bool:
    """Same shifts in the same order, same elements."""
    return list(a) == list(b) and all(same(a[k], b[k]) for k in a)


def describe(url: str | None) -> str:
    """Which store the figures are for."""
    if url is None:
        return "DuckDB (the embedded default), a file in a scratch directory"
    return "PostgreSQL" if url.startswith("postgres") else url


def main() -> None:
    """Generate, time both paths, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument(
        "--check-days",
        type=int,
        default=14,
        help="days on which the in-store raw path is checked against Python",
    )
    parser.add_argument("--store", help="a telemetry store URL (default: DuckDB, scratch file)")
    parser.add_argument("--no-anomaly", action="store_true")
    args = parser.parse_args()  # fmt: skip
    end = YEAR_START + timedelta(days=args.days)
    print(f"{args.days} days of one bottling line; load average {os.getloadavg()[0]:.2f}")
    print(f"store: {describe(args.store)}")
    with tempfile.TemporaryDirectory(prefix="reind-kpi-bench-") as scratch:
        store = open_store(args.store or f"duckdb:{Path(scratch) / 'telemetry.duckdb'}")
        began = time.perf_counter()
        points = generate(store, args.days + HISTORY_DAYS)
        spent = time.perf_counter() - began
        print(f"generated and wrote {points:,} raw points in {spent:.1f} s")

        timings = []
        for _ in range(5):
            began = time.perf_counter()
            lean = rollup_kpi.elements_by_period(
                store, [LINE], YEAR_START, end, Period.SHIFT, only=rollup_kpi.OEE_FIELDS
            )
            figures = {label: oee(e).value for label, e in lean.items()}
            timings.append(time.perf_counter() - began)
        best = min(timings)
        began = time.perf_counter()
        by_shift = rollup_kpi.elements_by_period(store, [LINE], YEAR_START, end, Period.SHIFT)
        every = time.perf_counter() - began
        known = [v for v in figures.values() if v is not None]
        print(
            f"OEE by shift from hour rollups: {len(figures)} shifts in {best * 1000:.1f} ms"
            f" (best of 5; first run {timings[0] * 1000:.1f} ms; load average"
            f" {os.getloadavg()[0]:.2f}); target {ROLLUP_TARGET_S * 1000:.0f} ms;"
            f" ratio to target {best / ROLLUP_TARGET_S:.2f}"
        )
        print(f"  every element (all 23 accumulators, for all 14 KPIs): {every * 1000:.1f} ms")
        print(f"  mean shift OEE {sum(known) / len(known):.3f} over {len(known)} producing shifts")
        year = ProductionElements.total(by_shift.values())
        failure_states = ", ".join(s.label for s in FAILURE_STATES)
        print(
            f"  year: OEE {oee(year).value:.3f}, {year.pq:,.0f} bottles,"
            f" {year.failures:.0f} failures (entries into {failure_states})"
        )

        raw_timings = []
        for _ in range(2):
            began = time.perf_counter()
            raw_by_shift = raw_scan(store, end)
            raw_timings.append(time.perf_counter() - began)
        raw_seconds = min(raw_timings)
        print(
            f"OEE by shift from a raw scan in the store (query_increase, query_state_time):"
            f" {raw_seconds:.2f} s (best of 2; first {raw_timings[0]:.2f} s; load average"
            f" {os.getloadavg()[0]:.2f}); target {RAW_TARGET_S:.0f} s;"
            f" ratio to target {raw_seconds / RAW_TARGET_S:.2f}"
        )
        print(f"  rollups faster than the raw scan by {raw_seconds / best:.0f}x")
        print(f"  rollup and raw elements agree for every shift: {agree(by_shift, raw_by_shift)}")
        check_end = YEAR_START + timedelta(days=min(args.check_days, args.days))
        began = time.perf_counter()
        reference = raw_in_python(store, check_end)
        python_seconds = time.perf_counter() - began
        in_store = raw_scan(store, check_end)
        print(
            f"  first {min(args.check_days, args.days)} days: the Python path over query_raw"
            f" takes {python_seconds:.2f} s and agrees with the in-store path for every shift:"
            f" {agree(reference, in_store)}"
        )
        store.close()

    if not args.no_anomaly:
        began = time.process_time()
        outcomes = evaluate()
        faulted = [o for o in outcomes if o.scenario.fault is not None]
        for o in outcomes:
            what = o.scenario.fault or "(fault-free day)"
            verdict = "caught" if o.caught else ("missed" if o.scenario.fault else "")
            print(
                f"  {o.scenario.twin_kind:8} {what:24} {verdict:7}"
                f" alarms after fault {o.alarms_after_fault}, false alarms {o.false_alarms}"
            )
        print(
            f"anomaly detection: caught {sum(o.caught for o in faulted)} of {len(faulted)} faults,"
            f" {sum(o.false_alarms for o in outcomes)} false alarms"
            f" ({time.process_time() - began:.1f} s CPU)"
        )


if __name__ == "__main__":
    main()
