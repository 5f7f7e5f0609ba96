"""The plant's alarms as an operator reads them: banner counts and a list with times.

ISA-18.2 asks that an operator sees at once how many alarms wait at each
priority, the newest unacknowledged first, when each came in and how long it
has lasted, and how many are hidden (shelved, suppressed, out of service), so
a shelved alarm is never forgotten. Everything here is already in the page's
language; the banner and the list are drawn from the same ``AlarmBoard``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from reind.core.clock import HONG_KONG
from reind.factory.monitoring.events import AlarmState
from reind.factory.monitoring.lifecycle import Alarm
from reind.web.plant_format import number_text
from reind.web.plant_words import alarm_state_text, priority_text, rule_text, tag_text

WAITING = frozenset({AlarmState.UNACKNOWLEDGED, AlarmState.RTN_UNACKNOWLEDGED})
"""States that wait for an operator's acknowledgement."""
HIDDEN = frozenset({AlarmState.SHELVED, AlarmState.SUPPRESSED, AlarmState.OUT_OF_SERVICE})
BANNER_ROWS = 5


@dataclass(frozen=True, slots=True)
class AlarmView:
    """One alarm, in words."""

    alarm_id: str
    tag: str
    rule: str
    priority: int
    priority_words: str
    state: str
    state_words: str
    raised_ms: int | None
    raised_at: str
    """Time it last came in (HH:MM:SS, Hong Kong)."""
    duration: str
    """How long since it came in ("4 min 10 s")."""
    value: str
    waiting: bool
    active: bool


@dataclass(frozen=True, slots=True)
class AlarmBoard:
    """Every alarm of one line that is not back to normal, and the banner's counts."""

    alarms: tuple[AlarmView, ...]
    by_priority: dict[int, int]
    """Alarms in the list (shown, not normal) per priority 1..4."""
    waiting: int
    shelved: int
    out_of_service: int
    suppressed: int

    @property
    def banner(self) -> tuple[AlarmView, ...]:
        """The newest unacknowledged alarms, most urgent first among equals in time."""
        waiting = [a for a in self.alarms if a.waiting]
        waiting.sort(key=lambda a: (-(a.raised_ms or 0), a.priority))
        return tuple(waiting[:BANNER_ROWS])

    def key(self) -> tuple[tuple[str, str], ...]:
        """What changes the board (not the ticking durations)."""
        return tuple((a.alarm_id, a.state) for a in self.alarms) + (
            ("shelved", str(self.shelved)),
            ("oos", str(self.out_of_service)),
            ("suppressed", str(self.suppressed)),
        )


def duration_text(ms: int, lang: str) -> str:
    """A duration an operator reads at a glance: "45 s", "4 min 10 s", "2 h 05 min"."""
    seconds = max(0, ms // 1000)
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if lang == "zh-Hant":
        if hours:
            return f"{hours} 小時 {minutes:02d} 分"
        return f"{minutes} 分 {secs:02d} 秒" if minutes else f"{secs} 秒"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def _raised(alarm: Alarm) -> tuple[int | None, float | None]:
    """When the alarm last came in (its source's time), and the value that brought it in."""
    for event in reversed(alarm.history):
        if event.state is AlarmState.UNACKNOWLEDGED and event.previous is not event.state:
            return event.source_ms or event.at_ms, event.value
    last = alarm.history[-1] if alarm.history else None
    return (last.source_ms or last.at_ms, last.value) if last else (None, None)


def alarm_board(alarms: Iterable[Alarm], series_prefix: str, now_ms: int, lang: str) -> AlarmBoard:
    """The board of the alarms on series under ``series_prefix``."""
    shown: list[AlarmView] = []
    counts = dict.fromkeys((1, 2, 3, 4), 0)
    shelved = out_of_service = suppressed = 0
    for alarm in alarms:
        if not alarm.series.startswith(series_prefix) or alarm.state is AlarmState.NORMAL:
            continue
        shelved += alarm.state is AlarmState.SHELVED
        out_of_service += alarm.state is AlarmState.OUT_OF_SERVICE
        suppressed += alarm.state is AlarmState.SUPPRESSED
        if alarm.state is AlarmState.SUPPRESSED:
            continue  # by design (a cold plate while heating up): counted, never listed
        raised_ms, value = _raised(alarm)
        priority = alarm.priority if alarm.priority in counts else 4
        if alarm.state not in HIDDEN:
            counts[priority] += 1
        shown.append(
            AlarmView(
                alarm_id=alarm.alarm_id,
                tag=tag_text(alarm.series[len(series_prefix) :], lang),
                rule=rule_text(alarm.rule, lang),
                priority=priority,
                priority_words=priority_text(priority, lang),
                state=alarm.state.value,
                state_words=alarm_state_text(alarm.state, lang),
                raised_ms=raised_ms,
                raised_at=_clock_time(raised_ms),
                duration=duration_text(now_ms - raised_ms, lang) if raised_ms else "",
                value=number_text(value),
                waiting=alarm.state in WAITING,
                active=alarm.active,
            )
        )
    shown.sort(key=lambda a: (not a.waiting, a.state in HIDDEN, a.priority, -(a.raised_ms or 0)))
    return AlarmBoard(
        tuple(shown), counts, sum(a.waiting for a in shown), shelved, out_of_service, suppressed
    )


def _clock_time(ms: int | None) -> str:
    if ms is None:
        return ""
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(HONG_KONG).strftime("%H:%M:%S")
