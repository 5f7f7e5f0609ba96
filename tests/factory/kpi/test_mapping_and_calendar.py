"""The PackML-to-time-element table and shift calendars in Hong Kong time."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from reind.core.errors import InvalidInputError
from reind.factory.control.packml import PackMLState
from reind.factory.kpi import STATE_ELEMENTS, THREE_SHIFTS, Period, Shift, ShiftCalendar
from reind.factory.kpi.calendar import BucketLabeller
from reind.factory.kpi.mapping import TimeElement, element_seconds

S = PackMLState


def test_every_packml_state_maps_to_exactly_one_time_element() -> None:
    assert set(STATE_ELEMENTS) == set(PackMLState)
    assert STATE_ELEMENTS[S.EXECUTE] is TimeElement.APT
    assert STATE_ELEMENTS[S.RESETTING] is TimeElement.ASUT


def test_held_is_the_units_own_delay_and_suspended_is_a_neighbours() -> None:
    assert STATE_ELEMENTS[S.HELD] is TimeElement.ADET
    assert STATE_ELEMENTS[S.SUSPENDED] is TimeElement.ASBT
    totals = element_seconds({S.EXECUTE: 100.0, S.HELD: 30.0, S.SUSPENDED: 50.0, S.STOPPED: 9.0})
    assert totals[TimeElement.APT] == 100.0
    assert totals[TimeElement.ADET] == 30.0
    assert totals[TimeElement.ASBT] == 50.0
    assert totals[TimeElement.NOT_PLANNED] == 9.0


def test_a_night_shift_belongs_to_the_hong_kong_day_it_starts_on() -> None:
    labeller = BucketLabeller(Period.SHIFT)
    # 2026-01-06 02:00 in Hong Kong is 2026-01-05 18:00 UTC
    bucket = int(datetime(2026, 1, 5, 18, tzinfo=UTC).timestamp() * 1000)
    assert labeller.label(bucket) == "2026-01-05 Night"
    morning = int(datetime(2026, 1, 5, 23, tzinfo=UTC).timestamp() * 1000)  # 07:00 HK
    assert labeller.label(morning) == "2026-01-06 Morning"
    assert BucketLabeller(Period.DAY).label(morning) == "2026-01-06"
    assert BucketLabeller(Period.MONTH).label(morning) == "2026-01"


def test_hours_outside_every_shift_have_no_shift_label() -> None:
    weekdays = ShiftCalendar((Shift("Day", time(8), 10, "日班", frozenset(range(5))),))
    labeller = BucketLabeller(Period.SHIFT, weekdays)
    saturday_noon_hk = int(datetime(2026, 1, 10, 4, tzinfo=UTC).timestamp() * 1000)
    assert labeller.label(saturday_noon_hk) is None
    friday_noon_hk = int(datetime(2026, 1, 9, 4, tzinfo=UTC).timestamp() * 1000)
    assert labeller.label(friday_noon_hk) == "2026-01-09 Day"


def test_shift_calendars_are_data_and_are_checked() -> None:
    calendar = ShiftCalendar.from_mapping(
        {
            "shifts": [
                {"name": "A", "start": "06:00", "hours": 12},
                {"name": "B", "start": "18:00", "hours": 12},
            ]
        }
    )
    assert [s.name for s in calendar.shifts] == ["A", "B"]
    with pytest.raises(InvalidInputError, match="whole hour"):
        Shift("Odd", time(6, 30), 8)
    with pytest.raises(InvalidInputError, match="overlap"):
        ShiftCalendar((Shift("A", time(6), 10), Shift("B", time(14), 8)))
    with pytest.raises(InvalidInputError, match="invalid shift calendar"):
        ShiftCalendar.from_mapping({"shifts": [{"name": "A"}]})
    assert len(THREE_SHIFTS.shifts) == 3
