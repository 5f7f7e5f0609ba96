"""Trends on the plant dashboard: each process value with its setpoint, over a chosen range.

ISA-101 asks for trends with a time axis and units, the setpoint drawn with
the process value. The last quarter hour comes from the link's live history
(and then over SSE); longer ranges (an hour, eight hours, the shift, the day)
from the store's minute rollups, so a day is 1,440 points, not 86,400; a week
and a month from the hour rollups, so 30 days are 720 points, not 2.6 million.
No range ever sends more than ``MAX_POINTS`` points a series.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from reind.core.clock import HONG_KONG
from reind.core.errors import InvalidInputError
from reind.factory.ingest.points import Resolution, Rollup
from reind.factory.kpi.calendar import THREE_SHIFTS


@dataclass(frozen=True, slots=True)
class TrendSpec:
    """One chart: a process value, the setpoint drawn over it, in one engineering unit."""

    pv: str
    setpoint: str | None
    unit: str

    @property
    def tags(self) -> tuple[str, ...]:
        """The tags this chart draws."""
        return (self.pv,) if self.setpoint is None else (self.pv, self.setpoint)


RANGES: dict[str, tuple[str, str]] = {
    "15m": ("15 min", "15 分鐘"),
    "1h": ("1 h", "1 小時"),
    "8h": ("8 h", "8 小時"),
    "shift": ("Shift", "本班"),
    "day": ("Day", "本日"),
    "7d": ("7 days", "7 日"),
    "30d": ("30 days", "30 日"),
}
"""Ranges an operator can choose, with their labels."""
LIVE_RANGE = "15m"
HOURLY_RANGES = frozenset({"7d", "30d"})
"""Ranges drawn from the hour rollups (the others beyond 15 min from the minute rollups)."""
MAX_POINTS = 1_440
"""The most points a series carries in any range: a day of minutes, a month of hours."""


class MinuteReader(Protocol):
    """The part of the telemetry store trends read."""

    def query_rollups(
        self, series: str, start: datetime, end: datetime, resolution: Resolution
    ) -> list[Rollup]:
        """Rollup buckets of ``series`` starting in ``[start, end)``, oldest first."""
        ...


def range_start(name: str, now: datetime) -> datetime:
    """Where range ``name`` begins, ending at ``now``."""
    if name == "15m":
        return now - timedelta(minutes=15)
    if name == "1h":
        return now - timedelta(hours=1)
    if name == "8h":
        return now - timedelta(hours=8)
    if name == "7d":
        return now - timedelta(days=7)
    if name == "30d":
        return now - timedelta(days=30)
    local = now.astimezone(HONG_KONG)
    if name == "day":
        return local.replace(hour=0, minute=0, second=0, microsecond=0)
    if name == "shift":
        found = THREE_SHIFTS.shift_at(local)
        if found is None:
            return now - timedelta(hours=8)
        shift, began = found
        return datetime.combine(began, shift.start, HONG_KONG)
    raise InvalidInputError(
        "no trend range “{name}” (ranges: {ranges})", name=name, ranges=", ".join(RANGES)
    )


def resolution_of(name: str) -> Resolution:
    """Which rollups range ``name`` is drawn from."""
    return "hour" if name in HOURLY_RANGES else "minute"


def rollup_points(
    store: MinuteReader, series: str, start: datetime, end: datetime, resolution: Resolution
) -> list[list[float]]:
    """``[[t_ms, mean], ...]`` of ``series``, one per rollup bucket, the newest
    ``MAX_POINTS`` at most."""
    points = [
        [float(r.bucket_ms), r.total / r.count]
        for r in store.query_rollups(series, start, end, resolution)
        if r.count
    ]
    return points[-MAX_POINTS:]
