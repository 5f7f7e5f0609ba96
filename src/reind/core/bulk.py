"""Inserting many rows at once: ``COPY`` on PostgreSQL, one executemany elsewhere.

Why: a bulk import writes hundreds of thousands of rows. Through an
executemany PostgreSQL still parses, plans and runs one ``INSERT`` per row
(psycopg pipelines them, but the server's work per statement stays); ``COPY``
streams them into one command, several times cheaper for the server. On
SQLite the driver's own executemany runs over one prepared statement in C;
SQLAlchemy's would first build each row's parameters in Python, a fifth of
an import's time. Rows go through the column types' bind processors, so a value is stored
exactly as an ``INSERT`` through SQLAlchemy would store it; a table whose
Python-side column defaults the rows leave out is inserted through SQLAlchemy,
which fills them. A constraint broken inside ``COPY`` raises SQLAlchemy's
``IntegrityError``, as the ``INSERT`` would, so callers handle one error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (each with the same keys) into ``table`` in the session's transaction."""
    if not rows:
        return
    names = list(rows[0])
    driver = session.connection().connection.driver_connection
    defaults_missing = any(
        column.default is not None and column.name not in rows[0] for column in table.columns
    )
    if defaults_missing or not isinstance(driver, (psycopg.Connection, sqlite3.Connection)):
        session.execute(insert(table), rows)
        return
    values = _bound(session, table, names, rows)
    if isinstance(driver, sqlite3.Connection):
        columns = ", ".join(f'"{name}"' for name in names)
        marks = ", ".join("?" * len(names))
        statement = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'  # noqa: S608
        try:
            driver.executemany(statement, values)
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(statement, None, exc) from exc
        return
    _copy(driver, table.name, names, values)


_DAYS = (date, datetime)
"""The types whose converted values ``_bound`` remembers (exactly these, not subclasses)."""


def _bound(
    session: Session, table: Table, names: list[str], rows: Sequence[dict[str, Any]]
) -> Iterator[Sequence[Any]]:
    """Each row's values in the order of ``names``, through the columns' bind processors.

    Only the columns that have a processor (on SQLite: dates and times) are
    touched (issue 19: passing every value of every row through a generic
    loop was a fifth of the inserts' time), and a date or time converted
    once per call: an import's days repeat down the file. It is remembered
    with its zone, as equal moments in two zones are written differently;
    other values (``Decimal("1.0") == Decimal("1.00")``) are never remembered.
    """
    dialect = session.get_bind().dialect
    take: Callable[[dict[str, Any]], Sequence[Any]] = (
        itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    )  # itemgetter of one name gives the value, not a tuple
    converted: list[tuple[int, Callable[[Any], Any], dict[tuple[Any, Any], Any]]] = []
    for index, name in enumerate(names):
        processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            converted.append((index, processor, {}))
    if not converted:
        yield from map(take, rows)
        return
    for row in rows:
        bound = list(take(row))
        for index, convert, done in converted:
            value = bound[index]
            if value is None:
                continue
            if type(value) not in _DAYS:
                bound[index] = convert(value)
                continue
            key = (value, value.tzinfo if type(value) is datetime else None)
            try:
                bound[index] = done[key]
            except KeyError:
                bound[index] = done[key] = convert(value)
        yield bound


def _copy(
    driver: psycopg.Connection[Any], table: str, names: list[str], values: Iterable[Sequence[Any]]
) -> None:
    command = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(n) for n in names)
    )
    try:
        with driver.cursor() as cursor, cursor.copy(command) as copy:
            for row_values in values:
                copy.write_row(row_values)
    except psycopg.IntegrityError as exc:
        raise IntegrityError(command.as_string(driver), None, exc) from exc
