"""Shift calendars as data, and the periods (hour, shift, day, month) KPIs are grouped by.

Why whole hours: KPIs over long periods are served from hour rollups, so a
shift must start on a whole hour of local time. Buckets are labelled in
Hong Kong time (a night shift belongs to the day it starts on); the
bucket boundaries themselves stay UTC milliseconds, as the store keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from reind.core.clock import HONG_KONG
from reind.core.errors import InvalidInputError

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


class Period(StrEnum):
    """How buckets are grouped."""

    HOUR = "hour"
    SHIFT = "shift"
    DAY = "day"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class Shift:
    """A shift that starts at ``start`` local time on ``weekdays`` (Monday 0) and lasts
    ``hours``."""

    name: str
    start: time
    hours: int
    name_zh: str = ""
    weekdays: frozenset[int] = frozenset(range(7))

    def __post_init__(self) -> None:
        if self.start.minute or self.start.second or self.start.microsecond:
            raise InvalidInputError(
                f"shift {self.name} starts at {self.start}: shifts must start on a whole hour"
                " (KPIs are served from hour rollups)"
            )
        if not 1 <= self.hours <= 24:
            raise InvalidInputError(f"shift {self.name} lasts {self.hours} h: give 1 to 24")
        if not self.weekdays <= frozenset(range(7)):
            raise InvalidInputError(f"shift {self.name}: weekdays are 0 (Monday) to 6")


@dataclass(frozen=True)
class ShiftCalendar:
    """The shifts of a site, in its local time zone (Hong Kong by default)."""

    shifts: tuple[Shift, ...]
    zone: ZoneInfo = HONG_KONG
    _table: dict[tuple[int, int], tuple[Shift, int]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        names = [s.name for s in self.shifts]
        if len(set(names)) != len(names):
            raise InvalidInputError(f"shift names must be unique: {names}")
        for shift in self.shifts:
            for weekday in shift.weekdays:
                for offset in range(shift.hours):
                    hour = shift.start.hour + offset
                    key = ((weekday + hour // 24) % 7, hour % 24)
                    if key in self._table:
                        other = self._table[key][0].name
                        raise InvalidInputError(
                            f"shifts {other} and {shift.name} overlap on weekday {key[0]}"
                            f" at {key[1]:02d}:00"
                        )
                    self._table[key] = (shift, hour // 24)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ShiftCalendar:
        """Build from data such as a YAML file::

        shifts:
          - {name: Morning, name_zh: 早班, start: "07:00", hours: 8}
          - {name: Night, start: "23:00", hours: 8, weekdays: [0, 1, 2, 3, 4]}
        """
        try:
            shifts = tuple(
                Shift(
                    name=str(item["name"]),
                    start=time.fromisoformat(str(item["start"])),
                    hours=int(item["hours"]),
                    name_zh=str(item.get("name_zh", "")),
                    weekdays=frozenset(int(d) for d in item.get("weekdays", range(7))),
                )
                for item in data["shifts"]
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidInputError(f"invalid shift calendar: {error}") from None
        zone = ZoneInfo(str(data["zone"])) if "zone" in data else HONG_KONG
        return cls(shifts, zone)

    def shift_at(self, local: datetime) -> tuple[Shift, date] | None:
        """The shift covering local time ``local`` and the date it started on, if any."""
        found = self.shift_for(local.weekday(), local.hour)
        if found is None:
            return None
        shift, days_back = found
        return shift, local.date() - timedelta(days=days_back)

    def shift_for(self, weekday: int, hour: int) -> tuple[Shift, int] | None:
        """The shift covering ``hour`` (local) on ``weekday`` and how many days ago it began."""
        return self._table.get((weekday, hour))


THREE_SHIFTS = ShiftCalendar(
    (
        Shift("Morning", time(7), 8, "早班"),
        Shift("Evening", time(15), 8, "中班"),
        Shift("Night", time(23), 8, "夜班"),
    )
)
"""Round the clock in three eight-hour shifts, every day."""


class BucketLabeller:
    """Labels hour buckets (UTC ms) with their period in local time, fast enough for a year.

    The zone's offset is looked up once per UTC day and reused for its hours
    unless it changes within that day (a daylight-saving change), where each
    hour is converted on its own.
    """

    def __init__(self, period: Period, calendar: ShiftCalendar = THREE_SHIFTS) -> None:
        """Label by ``period``; ``calendar`` matters for shifts and gives the zone."""
        self.period = period
        self.calendar = calendar
        self._offsets: dict[int, int | None] = {}
        self._dates: dict[int, str] = {}

    def _offset_ms(self, bucket_ms: int) -> int:
        day = bucket_ms // DAY_MS
        offset = self._offsets.get(day, -1)
        if offset == -1:
            zone = self.calendar.zone
            first = datetime.fromtimestamp(day * DAY_MS / 1000, zone).utcoffset()
            last = datetime.fromtimestamp((day + 1) * DAY_MS / 1000 - 1, zone).utcoffset()
            offset = int(first.total_seconds() * 1000) if first == last and first else None
            self._offsets[day] = offset
        if offset is None:
            moment = datetime.fromtimestamp(bucket_ms / 1000, self.calendar.zone).utcoffset()
            return int(moment.total_seconds() * 1000) if moment else 0
        return offset

    def _date(self, day: int) -> str:
        text = self._dates.get(day)
        if text is None:
            text = self._dates[day] = (date(1970, 1, 1) + timedelta(days=day)).isoformat()
        return text

    def label_many(self, buckets: NDArray[np.int64]) -> tuple[NDArray[np.intp], list[str | None]]:
        """:meth:`label` for many hour buckets: a code per bucket and the label of each code.

        Why: a year is 8,760 hours; labelling them one by one costs more than
        the query behind them. Local hours, weekdays and shifts are worked out
        with numpy, and only one string is built per distinct label.
        """
        unique, inverse = np.unique(np.asarray(buckets, dtype=np.int64), return_inverse=True)
        if not len(unique):
            return np.zeros(0, dtype=np.intp), []
        local = unique + self._offsets_of(unique)
        day, rest = np.divmod(local, DAY_MS)
        hour = rest // HOUR_MS
        period = self.period
        if period is Period.SHIFT:
            names, shift_of, back_of = self._shift_tables()
            weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
            shift = shift_of[weekday, hour]
            key = np.where(shift >= 0, (day - back_of[weekday, hour]) * len(names) + shift, -1)
        elif period is Period.HOUR:
            key = day * 24 + hour
        else:
            key = day
        keys, key_codes = np.unique(key, return_inverse=True)
        texts = [self._key_label(int(k)) for k in keys]
        code_of: dict[str | None, int] = {}
        remap = np.array([code_of.setdefault(t, len(code_of)) for t in texts], dtype=np.intp)
        labels: list[str | None] = list(code_of)
        return remap[key_codes.reshape(-1)][inverse.reshape(-1)], labels

    def _offsets_of(self, buckets: NDArray[np.int64]) -> NDArray[np.int64]:
        days, day_codes = np.unique(buckets // DAY_MS, return_inverse=True)
        per_day = np.array([self._offset_ms(int(d) * DAY_MS) for d in days], dtype=np.int64)
        offsets = per_day[day_codes.reshape(-1)]
        for position, day in enumerate(days):
            if self._offsets[int(day)] is None:  # the zone's offset changes that day
                inside = np.flatnonzero(day_codes.reshape(-1) == position)
                offsets[inside] = [self._offset_ms(int(buckets[i])) for i in inside]
        return offsets

    def _shift_tables(self) -> tuple[list[str], NDArray[np.int64], NDArray[np.int64]]:
        names = [s.name for s in self.calendar.shifts]
        shift_of = np.full((7, 24), -1, dtype=np.int64)
        back_of = np.zeros((7, 24), dtype=np.int64)
        for weekday in range(7):
            for hour in range(24):
                found = self.calendar.shift_for(weekday, hour)
                if found is not None:
                    shift_of[weekday, hour] = names.index(found[0].name)
                    back_of[weekday, hour] = found[1]
        return names, shift_of, back_of

    def _key_label(self, key: int) -> str | None:
        period = self.period
        if period is Period.SHIFT:
            if key < 0:
                return None
            day, shift = divmod(key, len(self.calendar.shifts))
            return f"{self._date(day)} {self.calendar.shifts[shift].name}"
        if period is Period.HOUR:
            day, hour = divmod(key, 24)
            return f"{self._date(day)} {hour:02d}:00"
        if period is Period.DAY:
            return self._date(key)
        return self._date(key)[:7]

    def label(self, bucket_ms: int) -> str | None:
        """The period label of the hour starting at ``bucket_ms``; ``None`` outside shifts."""
        local_ms = bucket_ms + self._offset_ms(bucket_ms)
        day, rest = divmod(local_ms, DAY_MS)
        hour = rest // HOUR_MS
        period = self.period
        if period is Period.HOUR:
            return f"{self._date(day)} {hour:02d}:00"
        if period is Period.DAY:
            return self._date(day)
        if period is Period.MONTH:
            return self._date(day)[:7]
        found = self.calendar.shift_for(weekday=(day + 3) % 7, hour=hour)  # 1970-01-01: Thu
        if found is None:
            return None
        shift, days_back = found
        return f"{self._date(day - days_back)} {shift.name}"


def hour_buckets(start: datetime, end: datetime) -> Sequence[int]:
    """Starts (UTC ms) of the whole hours in ``[start, end)``; both must be on the hour."""
    for moment in (start, end):
        if moment.tzinfo is None:
            raise InvalidInputError("KPI windows need timezone-aware times")
        if moment.minute or moment.second or moment.microsecond:
            raise InvalidInputError(f"{moment.isoformat()} is not on a whole hour")
    first = int(start.timestamp() * 1000)
    last = int(end.timestamp() * 1000)
    return range(first, last, HOUR_MS)
