"""SQL fragments shared by the DuckDB and PostgreSQL stores, and their two placeholder styles.

Shared SQL is written as a template: a function of ``p``, which names a
parameter (``p("series")``). :func:`duckdb_sql` and :func:`psycopg_sql`
render a template in one store's dialect.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from reind.factory.ingest.points import BUCKET_MS, PointColumns, Resolution
from reind.factory.ingest.store import BucketAmounts, StateTime
from reind.factory.monitoring.events import AlarmEvent, AlarmState

Placeholder = Callable[[str], str]
"""How a template names a parameter: ``p("series")``."""
Template = Callable[[Placeholder], str]
Render = Callable[[Template], str]
Spread = Callable[[str, str, int], str]
"""The dialect's SQL for the bucket starts from ``floor(begin)`` up to before ``finish``."""


def duckdb_sql(template: Template) -> str:
    """A template with DuckDB's named placeholders (``$name``)."""
    return template(lambda name: f"${name}")


def psycopg_sql(template: Template) -> str:
    """A template with psycopg's placeholders (``%(name)s``); ``%`` (modulo) escaped."""
    text = template(lambda name: f"@@{name}@@").replace("%", "%%")
    return re.sub(r"@@(\w+)@@", r"%(\1)s", text)


ROLLUP_TABLES: dict[Resolution, str] = {"minute": "rollup_minute", "hour": "rollup_hour"}
POINT_COLUMNS = "series, ts, ord, datatype, value, text, int_value, bytes_value"


def _same_sample(a: str, b: str) -> str:
    return " AND ".join(
        f"{a}.{c} = {b}.{c}" if c in ("series", "ts") else f"{a}.{c} IS NOT DISTINCT FROM {b}.{c}"
        for c in ("series", "ts", "value", "text", "int_value", "bytes_value")
    )


STAGED_SAMPLES = (
    f"SELECT {POINT_COLUMNS} FROM staging WHERE ord >= 0 UNION ALL"  # noqa: S608
    f" SELECT DISTINCT ON (series, ts, value, text, int_value, bytes_value) {POINT_COLUMNS}"
    " FROM staging h WHERE h.ord < 0"
    f" AND NOT EXISTS (SELECT 1 FROM points p WHERE {_same_sample('p', 'h')})"
    f" AND NOT EXISTS (SELECT 1 FROM staging l WHERE l.ord >= 0 AND {_same_sample('l', 'h')})"
)
"""The staged rows worth inserting (both stores; ``ON CONFLICT``/``NOT EXISTS`` on
``(series, ts, ord)`` then drops a message seen before). A live sample (``ord >= 0``) is
new unless its message was stored; a historical one (``ord < 0``, sent again from an edge
node's store and forward) is a past value stated again: kept once per (series, ts, value),
and not at all if that value is stored or came live in this batch (docs/decisions/0140).
Only a batch with historical rows pays for this: the others read :data:`STAGED_LIVE`."""
STAGED_LIVE = f"SELECT {POINT_COLUMNS} FROM staging"  # noqa: S608


def staged(points: PointColumns) -> str:
    """The staged rows worth inserting, for a batch of ``points``: see ``STAGED_SAMPLES``."""
    historical = (points.ordinals and min(points.ordinals) < 0) or any(
        p.ordinal < 0 for p in points.others
    )
    return STAGED_SAMPLES if historical else STAGED_LIVE


ALARM_COLUMNS = "at_ms, alarm, series, rule, previous, state, actor, note, value, source_ms"


def bucket_expr(column: str, resolution: Resolution) -> str:
    """SQL for the floor of ``column`` to the bucket size (correct for negatives)."""
    return floor_expr(column, BUCKET_MS[resolution])


def floor_expr(column: str, size: int) -> str:
    """SQL for the floor of ``column`` to a multiple of ``size`` (correct for negatives)."""
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


# ---------------------------------------------------------------- aggregations over raw points
# Shared by both stores. Templates name their parameters ``{start}``, ``{end}``,
# ``{lo}``, ``{series}``, ``{delay}``; each store fills them with its own
# placeholder (DuckDB ``$name``, psycopg ``%(name)s``) and its own way of
# splitting a span into buckets.

DAY_MS = 86_400_000
CONTEXT_SPANS_MS = (30 * DAY_MS, 366 * DAY_MS, None)
"""Ever longer spans searched before ``start - 1 day`` for the last point before a window
(``None``: back to the epoch), as ``kpi.raw`` searches through ``query_raw``."""


def context_start(
    last_before: Callable[[list[str], int, int], dict[str, int]],
    series: Sequence[str],
    start_ms: int,
) -> dict[str, int]:
    """Where each series' context begins: the points read before ``start_ms``.

    The day before ``start_ms`` if that day has any point (null or not);
    otherwise from the last point before it, found span by span so a year of
    history is not scanned for a series that moved yesterday. ``last_before``
    gives the newest timestamp per series in ``[low, high)``.
    """
    day_before = start_ms - DAY_MS
    found = last_before(list(series), day_before, start_ms)
    context = dict.fromkeys(found, day_before)
    newer = day_before
    for span in CONTEXT_SPANS_MS:
        remaining = [s for s in series if s not in context]
        if not remaining:
            break
        older = 0 if span is None else start_ms - span
        if older >= newer:
            continue
        context.update(last_before(remaining, older, newer))
        newer = older
    for name in series:
        context.setdefault(name, day_before)
    return context


def increase_ordered(resolution: Resolution, p: Placeholder) -> str:
    """Increase per bucket of one counter, its points ordered by a window (exact, any layout)."""
    bucket = bucket_expr("ts", resolution)
    return (
        f"SELECT {bucket} AS b, sum(CASE WHEN value >= pv THEN value - pv ELSE value END)"  # noqa: S608
        " FROM (SELECT ts, value, lag(value) OVER (ORDER BY ts, ord) AS pv FROM points"
        f" WHERE series = {p('series')} AND ts >= {p('lo')} AND ts < {p('end')}"
        f" AND value IS NOT NULL) AS x WHERE pv IS NOT NULL AND ts >= {p('start')}"
        " GROUP BY b ORDER BY b"
    )


def state_time(resolution: Resolution, p: Placeholder, spread: Spread) -> str:
    """Held milliseconds (kind 0) and entries (kind 1) per bucket and state of one step series.

    ``spread(begin, finish, size)`` is the dialect's SQL for the bucket starts
    from ``floor(begin)`` up to before ``finish``, one row each.
    """
    size = BUCKET_MS[resolution]
    end = f"CAST({p('end')} AS BIGINT)"
    # only constants and placeholders go into this SQL: S608 does not apply
    events = (
        "SELECT ts, trunc(value) AS state,"  # noqa: S608
        f" lead(ts + {p('delay')}, 1, {end}) OVER (ORDER BY ts, ord) AS nxt,"
        f" ts + {p('delay')} AS began, lag(trunc(value)) OVER (ORDER BY ts, ord) AS prev"
        f" FROM points WHERE series = {p('series')} AND ts >= {p('lo')} AND ts < {end}"
        " AND value IS NOT NULL AND value <> 0"
    )
    spans = (
        f"SELECT state, greatest(began, {p('start')}) AS s, least(nxt, {end}) AS f FROM e"  # noqa: S608
        f" WHERE greatest(began, {p('start')}) < least(nxt, {end})"
    )
    pieces = f"SELECT state, s, f, {spread('s', 'f', size)} AS b FROM spans"  # noqa: S608
    return (
        f"WITH e AS ({events}), spans AS ({spans}), pieces AS ({pieces})"  # noqa: S608
        f" SELECT 0 AS kind, b, state, sum(least(f, b + {size}) - greatest(s, b)) AS amount"
        " FROM pieces GROUP BY b, state"
        f" UNION ALL SELECT 1 AS kind, {bucket_expr('ts', resolution)} AS b, state,"
        f" count(*) AS amount FROM e WHERE ts >= {p('start')}"
        " AND prev IS DISTINCT FROM state GROUP BY b, state"
    )


def state_time_columns(
    series: Sequence[str], per_series: Sequence[Sequence[tuple[Any, ...]]]
) -> StateTime:
    """:class:`StateTime` from each series' ``(kind, bucket, state, amount)`` rows."""
    held: list[tuple[object, ...]] = []
    entries: list[tuple[object, ...]] = []
    for index, rows in enumerate(per_series):
        for kind, bucket, state, amount in rows:
            if int(kind) == 0:
                held.append((index, bucket, state, float(amount) / 1000.0))
            else:
                entries.append((index, bucket, state, amount))
    return StateTime(
        BucketAmounts.from_rows(series, held), BucketAmounts.from_rows(series, entries)
    )


def state_time_by_series(
    fetch: Callable[[str, dict[str, Any]], list[tuple[Any, ...]]],
    last_before: Callable[[list[str], int, int], dict[str, int]],
    sql: str,
    series: Sequence[str],
    start_ms: int,
    end_ms: int,
    delay_ms: int,
) -> StateTime:
    """``query_state_time`` of either store: ``sql`` (its dialect's) once per series."""
    context = context_start(last_before, series, start_ms)
    per_series = [
        fetch(
            sql,
            {
                "series": name,
                "lo": context[name],
                "start": start_ms,
                "end": end_ms,
                "delay": int(delay_ms),
            },
        )
        for name in series
    ]
    return state_time_columns(series, per_series)
