"""A fleet of simulated lines' accumulators, hour by hour: data for the lake's tests and bench.

Each line is one PackML unit publishing what a twin publishes (seconds per
state, entries into Holding, processed, defective and energy accumulators),
one sample at the end of every hour. Cheaper than running twins: a month of a
hundred lines is a few million points, written in one batch per day. Seeded,
so the same arguments give the same fleet; one line restarts its counters
once, to exercise resets.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from reind.factory.control.packml import PackMLState
from reind.factory.ingest.points import PointColumns
from reind.factory.kpi.units import WorkUnit

_STATES = (PackMLState.EXECUTE, PackMLState.HELD, PackMLState.IDLE, PackMLState.SUSPENDED)
_SHARES = (0.78, 0.07, 0.1, 0.05)


def fleet_units(lines: int, group: str = "fleet", device: str = "waffle") -> list[WorkUnit]:
    """The work units of ``lines`` simulated lines (edge nodes ``line-000``...)."""
    return [WorkUnit(f"line-{i:03d}", f"{group}/line-{i:03d}/{device}/", 1.0) for i in range(lines)]


def fleet_days(
    units: list[WorkUnit], start: datetime, days: int, seed: int = 0
) -> Iterator[PointColumns]:
    """One batch of points a day for ``days`` days from ``start`` (UTC, on the hour)."""
    rng = random.Random(seed)
    totals: dict[str, float] = {}
    reset_at = start + timedelta(hours=days * 12 + 5)
    for day in range(days):
        batch = PointColumns()
        for hour in range(24):
            at = start + timedelta(days=day, hours=hour)
            stamp = int((at + timedelta(minutes=59)).timestamp() * 1000)
            for number, unit in enumerate(units):
                if number == 0 and at == reset_at:
                    for name in list(totals):
                        if name.startswith(unit.series_prefix):
                            totals[name] = 0.0  # the unit restarted: counters from zero
                jitter = [share * rng.uniform(0.6, 1.4) for share in _SHARES]
                scale = 3600.0 / sum(jitter)
                made = 0.0
                for state, share in zip(_STATES, jitter, strict=True):
                    seconds = round(share * scale, 3)
                    _add(batch, totals, unit.state_time(state), seconds, stamp)
                    if state is PackMLState.EXECUTE:
                        made = float(int(seconds / unit.pru_seconds * rng.uniform(0.8, 1.0)))
                _add(batch, totals, unit.state_count(PackMLState.HOLDING), rng.randint(0, 3), stamp)
                _add(batch, totals, unit.processed, made, stamp)
                _add(batch, totals, unit.defective, float(int(made * rng.uniform(0, 0.03))), stamp)
                _add(batch, totals, unit.energy, round(rng.uniform(10, 18), 3), stamp)
        yield batch


def _add(batch: PointColumns, totals: dict[str, float], series: str, gain: float, at: int) -> None:
    totals[series] = totals.get(series, 0.0) + gain
    batch.add(series, at, totals[series])
