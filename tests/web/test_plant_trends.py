"""Trend ranges: which rollups each reads, and that no range sends unbounded points."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reind.core.errors import InvalidInputError
from reind.factory.ingest.points import Resolution, Rollup
from reind.web.plant_trends import MAX_POINTS, range_start, resolution_of, rollup_points

NOW = datetime(2026, 12, 6, 10, 30, tzinfo=UTC)


class ManyBuckets:
    """A store holding one rollup a bucket, more than any chart should draw."""

    def __init__(self, buckets: int) -> None:
        self.buckets = buckets
        self.asked: list[Resolution] = []

    def query_rollups(
        self, series: str, start: datetime, end: datetime, resolution: Resolution
    ) -> list[Rollup]:
        self.asked.append(resolution)
        step = 3_600_000 if resolution == "hour" else 60_000
        first = int(start.timestamp() * 1000)
        return [
            Rollup(series, first + i * step, 2, 180.0, 190.0, 370.0, first + i * step, 185.0)
            for i in range(self.buckets)
        ]


def test_a_week_and_a_month_read_hour_rollups_and_shorter_ranges_minutes() -> None:
    assert range_start("7d", NOW) == NOW - timedelta(days=7)
    assert range_start("30d", NOW) == NOW - timedelta(days=30)
    assert [resolution_of(r) for r in ("1h", "day", "7d", "30d")] == [
        "minute", "minute", "hour", "hour",
    ]  # fmt: skip
    with pytest.raises(InvalidInputError):
        range_start("1y", NOW)


def test_no_range_sends_more_than_the_bound_and_keeps_the_newest() -> None:
    store = ManyBuckets(MAX_POINTS + 500)
    points = rollup_points(store, "s", NOW - timedelta(days=90), NOW, "hour")
    assert len(points) == MAX_POINTS
    assert (
        points[-1][0]
        == float(int((NOW - timedelta(days=90)).timestamp() * 1000))
        + (MAX_POINTS + 499) * 3_600_000.0
    )
    assert points[0][1] == 185.0  # the bucket's mean
