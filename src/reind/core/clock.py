"""Time: always timezone-aware UTC inside, Asia/Hong_Kong when shown.

Services take a ``Clock`` so tests and simulations can run on their own time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

HONG_KONG = ZoneInfo("Asia/Hong_Kong")


class Clock(Protocol):
    """Anything that can tell the current time."""

    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        """The current time in UTC."""
        return datetime.now(UTC)


class FixedClock:
    """A clock stopped at one moment: what a historic import, the demo or a test runs on.

    Services that date things themselves (a received date, a claim's date)
    take the day from their clock, never from the caller; giving them a
    fixed clock is the one way to date something other than today.
    """

    def __init__(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("naive datetime: a clock's time must be timezone-aware")
        self.moment = moment

    @classmethod
    def on(cls, day: date) -> FixedClock:
        """A clock at noon, Hong Kong time, on ``day``."""
        return cls(datetime(day.year, day.month, day.day, 12, tzinfo=HONG_KONG))

    def now(self) -> datetime:
        """The fixed moment."""
        return self.moment


def utcnow() -> datetime:
    """The current time in UTC (timezone-aware)."""
    return datetime.now(UTC)


def hk_today(clock: Clock | None = None) -> date:
    """Today's date in Hong Kong."""
    return (clock or SystemClock()).now().astimezone(HONG_KONG).date()


def to_hk(moment: datetime) -> datetime:
    """``moment`` shown in Hong Kong time; a naive datetime is refused."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: reind only handles timezone-aware times")
    return moment.astimezone(HONG_KONG)
