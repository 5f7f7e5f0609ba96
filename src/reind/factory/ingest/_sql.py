"""SQL fragments shared by the DuckDB and PostgreSQL stores."""

from __future__ import annotations

from reind.factory.ingest.points import BUCKET_MS, Resolution
from reind.factory.monitoring.events import AlarmEvent, AlarmState

ROLLUP_TABLES: dict[Resolution, str] = {"minute": "rollup_minute", "hour": "rollup_hour"}

ALARM_COLUMNS = "at_ms, alarm, series, rule, previous, state, actor, note, value, source_ms"


def bucket_expr(column: str, resolution: Resolution) -> str:
    """SQL for the floor of ``column`` to the bucket size (correct for negatives)."""
    size = BUCKET_MS[resolution]
    return f"({column} - ((({column} % {size}) + {size}) % {size}))"


def alarm_row(event: AlarmEvent) -> tuple[object, ...]:
    """An alarm event as a row in ``ALARM_COLUMNS`` order."""
    return (
        event.at_ms,
        event.alarm,
        event.series,
        event.rule,
        event.previous.value,
        event.state.value,
        event.actor,
        event.note,
        event.value,
        event.source_ms,
    )


def alarm_from_row(row: tuple[object, ...]) -> AlarmEvent:
    """Inverse of :func:`alarm_row`."""
    at_ms, alarm, series, rule, previous, state, actor, note, value, source_ms = row
    return AlarmEvent(
        at_ms=int(str(at_ms)),
        alarm=str(alarm),
        series=str(series),
        rule=str(rule),
        previous=AlarmState(str(previous)),
        state=AlarmState(str(state)),
        actor=str(actor),
        note=str(note),
        value=None if value is None else float(str(value)),
        source_ms=None if source_ms is None else int(str(source_ms)),
    )
