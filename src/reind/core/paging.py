"""Keyset pages of a long list: the cursor, the page, the size limits.

A list of 120,000 applications cannot be sent whole (the office's lists once
took 30 s and 35 MB). Every list is read a page at a time, ordered by a key
that is unique (the last column of the ordering is always one), and the next
page starts *after* the last row shown: ``WHERE (k1, k2) > (:v1, :v2)`` with
an index on the keys, so page 2,000 costs what page 1 costs. The cursor the
client sends back is those key values, JSON in URL-safe base64; it is opaque
to the reader and checked when it comes back (a tampered one is a clear 400).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from reind.core.errors import InvalidInputError, RuleError

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
COUNT_CAP = 10_000
"""Counted exactly up to here; past it a list says "more than 10,000" (``capped_count``)."""
QUICK_CAP = 1_000
"""A page counts a search's matches up to here unless the reader asks for more (``cap_for``)."""

Key = str | int | None
"""One value of a cursor (dates travel as ISO text)."""


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its rows, how many match in all, and where the next begins."""

    items: list[T]
    total: int
    next_cursor: str | None
    limit: int
    capped: bool = False
    """True when ``total`` is ``COUNT_CAP`` and more match: shown as "more than"."""

    @property
    def more(self) -> bool:
        """Whether there is a page after this one."""
        return self.next_cursor is not None

    @property
    def count_cap(self) -> int:
        """How far a list counts when asked to count on (``COUNT_CAP``)."""
        return COUNT_CAP

    @property
    def counted_short(self) -> bool:
        """Whether the count stopped before ``COUNT_CAP`` (a quick count): it may go on."""
        return self.capped and self.total < COUNT_CAP


def clamp_limit(limit: int | None) -> int:
    """The page size asked for, within 1..MAX_LIMIT (default DEFAULT_LIMIT)."""
    if limit is None:
        return DEFAULT_LIMIT
    if limit < 1 or limit > MAX_LIMIT:
        raise InvalidInputError(
            "page size must be between 1 and {maximum}, not {limit}", maximum=MAX_LIMIT, limit=limit
        )
    return limit


def encode_cursor(values: Sequence[Any]) -> str:
    """The opaque cursor for the key values of the last row of a page."""
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def decode_cursor(cursor: str | None, width: int) -> list[Key] | None:
    """The key values in ``cursor`` (None for the first page).

    Text that is not base64url is a 400 (the document's pattern says so); a
    well-formed cursor this list never gave out is a 422: the document cannot
    tell the one from the other.
    """
    if not cursor:
        return None
    if not _BASE64URL.fullmatch(cursor):
        raise InvalidInputError("the page cursor is not one this list gave out")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise RuleError("the page cursor is not one this list gave out") from None
    if (
        not isinstance(values, list)
        or len(values) != width
        or not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values)
    ):
        raise RuleError("the page cursor is not one this list gave out")
    return values


def after(columns: Sequence[Any], values: Sequence[Any], descending: bool = False) -> Any:
    """``(c1, c2, ...) > (v1, v2, ...)`` (``<`` when descending), spelt out for any database.

    Written as ``c1 > v1 OR (c1 = v1 AND c2 > v2) ...`` so SQLite and
    PostgreSQL both use the index on the leading column for the range.
    """
    terms: list[ColumnElement[bool]] = []
    for i, column in enumerate(columns):
        equal = [columns[j] == values[j] for j in range(i)]
        step = column < values[i] if descending else column > values[i]
        terms.append(and_(*equal, step))
    return or_(*terms)


def cap_for(searched: bool, quick: bool) -> int:
    """How far a list counts: ``COUNT_CAP``, a search on a page only ``QUICK_CAP`` (``quick``).

    Counting a search's matches reads each of them through the text index
    and the list's joins: 10,001 projects holding "food" took 600 ms of
    PostgreSQL's time at 1M applications, over the office's 300 ms (issue
    16). A page counts them to 1,000 and says "more than 1,000", offering to
    count on (``Page.counted_short``); the API counts to ``COUNT_CAP``.
    """
    return min(QUICK_CAP, COUNT_CAP) if searched and quick else COUNT_CAP


def capped_count(session: Session, rows: Select[Any], cap: int | None = None) -> tuple[int, bool]:
    """(how many rows ``rows`` selects, up to ``cap`` or ``COUNT_CAP``; whether more match).

    An exact count reads every matching row: 925,000 closed applications took
    about 350 ms of PostgreSQL's time on every page of the queue, over the
    office's 300 ms budget (issue 16), while nobody pages through 10,000 rows.
    Counting stops after ``COUNT_CAP + 1``, and the page says "more than".
    """
    cap = COUNT_CAP if cap is None else cap
    limited = rows.limit(cap + 1).subquery()
    found = int(session.execute(select(func.count()).select_from(limited)).scalar_one())
    return min(found, cap), found > cap


def page_of(
    rows: Sequence[T], limit: int, total: int, key: Any, *, capped: bool = False
) -> Page[T]:
    """Make a page from ``limit + 1`` fetched rows: the extra one says there is a next page.

    ``key(row)`` gives the row's ordering values, encoded as the next cursor.
    """
    items = list(rows[:limit])
    cursor = encode_cursor(key(items[-1])) if len(rows) > limit and items else None
    return Page(items=items, total=total, next_cursor=cursor, limit=limit, capped=capped)


def like_pattern(text: str) -> str:
    """``%text%`` for LIKE, with the wildcard characters in ``text`` escaped (ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True, slots=True)
class Sort:
    """One ordering a list offers: its key columns, the last unique, ascending or descending.

    A row's cursor is its values of the keys, read from the listed item's
    attribute of each key's name (``column.key``), so a list's items carry
    those names. Every key is NOT NULL: ``after`` cannot step past a NULL.
    """

    keys: tuple[Any, ...]
    descending: bool = False

    def order(self) -> list[Any]:
        """The ORDER BY terms."""
        return [k.desc() for k in self.keys] if self.descending else list(self.keys)

    def after_cursor(self, cursor: str | None) -> Any | None:
        """The WHERE term that starts a page after ``cursor`` (None for the first page)."""
        start = decode_cursor(cursor, len(self.keys))
        if start is None:
            return None
        return after(self.keys, [_typed(k, v) for k, v in zip(self.keys, start, strict=True)],
                     self.descending)  # fmt: skip

    def cursor_of(self, item: Any) -> list[Any]:
        """An item's values of the keys (its cursor, encoded by ``page_of``)."""
        return [getattr(item, k.key) for k in self.keys]


def _typed(column: Any, value: Key) -> Any:
    """A cursor's value as the column's type holds it (dates travel as ISO text)."""
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return value
    try:
        if kind is datetime:
            return datetime.fromisoformat(str(value))
        if kind is date:
            return date.fromisoformat(str(value))
    except ValueError:
        raise RuleError("the page cursor is not one this list gave out") from None
    if kind is int and not isinstance(value, int):
        raise RuleError("the page cursor is not one this list gave out")
    return value


def sort_named(sorts: Mapping[str, Sort], name: str) -> Sort:
    """The ordering called ``name``; an unknown one is a 400 naming those there are."""
    if name not in sorts:
        raise InvalidInputError(
            "sort must be one of {sorts}, not “{sort}”", sorts=", ".join(sorts), sort=name
        )
    return sorts[name]


def both_ways(**ascending: tuple[Any, ...]) -> dict[str, Sort]:
    """Each named key ascending as ``name`` and descending as ``-name``."""
    sorts: dict[str, Sort] = {}
    for name, keys in ascending.items():
        sorts[name] = Sort(keys)
        sorts[f"-{name}"] = Sort(keys, descending=True)
    return sorts
