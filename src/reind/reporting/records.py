"""The ids of the records behind a figure, fetched and held as one block of text.

A figure of the report can stand on three quarters of a million records (the
EMF approvals of a million-application portfolio). Fetched row by row into a
tuple of Python strings they cost seconds and tens of megabytes, while the
page shows the first 200 and the rest go to a CSV file. So on PostgreSQL the
records statement runs unchanged as a subquery whose ids the server joins
into one text value, one id a line, in the statement's order
(``string_agg ... ORDER BY``): one value crosses the wire, and the page
splits off only the ids it shows, while ``write_csv`` writes the block
straight to the file. ``COPY (...) TO STDOUT`` was measured too: psycopg reads
COPY one row a message, about 3 µs of client CPU a row against almost none
for the single value (docs/decisions/0076-report-benchmark.md). SQLite
fetches the ids as rows; both give the same ``RecordIds``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, BinaryIO, overload

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

from reind.core.sheets import safe_cell

CSV_HEADER = "record_id"
_CSV_SPECIAL = (",", '"', "\r")
"""Characters that make the csv module quote an id (a newline never reaches it: see ``_fits``)."""
_FORMULA_AT_LINE_START = re.compile(r"^[=+\-@\t]", re.MULTILINE)
"""An id a spreadsheet would run as a formula (``core.sheets.safe_cell`` writes it safely)."""


class RecordIds(Sequence[str]):
    """Record ids in the order the records statement gave them; a read-only sequence of strings.

    Held either as one text of newline-separated ids (split only when
    someone reads past the first few) or as the tuple of ids fetched row by row.
    """

    __slots__ = ("_count", "_ids", "_text")

    def __init__(
        self, *, lines: str | None = None, count: int = 0, ids: tuple[str, ...] | None = None
    ) -> None:
        self._text = lines
        self._ids = ids
        self._count = len(ids) if ids is not None else count

    @classmethod
    def of(cls, ids: Iterable[str]) -> RecordIds:
        """From ids already in hand."""
        return cls(ids=tuple(ids))

    @classmethod
    def counted(cls, count: int) -> RecordIds:
        """Only how many there are: the ids were not fetched (a page showing the report)."""
        return cls(count=count)

    @property
    def fetched(self) -> bool:
        """Whether the ids themselves are held (not only their count)."""
        return self._text is not None or self._ids is not None

    @classmethod
    def joined(cls, lines: str, count: int) -> RecordIds:
        """From ``count`` ids joined by newlines (none of them holding one)."""
        return cls(lines=lines, count=count)

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...

    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        if isinstance(index, slice) and self._ids is None and self._text is not None:
            start, stop, step = index.indices(self._count)
            if start == 0 and step == 1:
                return self._head(stop)  # the page shows a few: split off only those
        return self._all()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RecordIds):
            return NotImplemented
        if self._text is not None and other._text is not None:
            return self._count == other._count and self._text == other._text
        return self._all() == other._all()

    __hash__ = None  # type: ignore[assignment]  # equal by value, like the tuple it replaces

    def __repr__(self) -> str:
        return f"RecordIds(<{self._count} ids>)"

    def _head(self, count: int) -> tuple[str, ...]:
        assert self._text is not None
        if count >= self._count:
            return self._all()
        ids = []
        at = 0
        for _ in range(count):
            end = self._text.index("\n", at)
            ids.append(self._text[at:end])
            at = end + 1
        return tuple(ids)

    def _all(self) -> tuple[str, ...]:
        if self._ids is None:
            if self._text is None:
                raise LookupError("only the records' count was fetched, not their ids")
            self._ids = tuple(self._text.split("\n")) if self._count else ()
        return self._ids

    def write_csv(self, out: BinaryIO) -> None:
        """A one-column CSV file with a ``record_id`` header, as the csv module writes it.

        Plain ids (no comma, quote or carriage return, none empty: every id
        this report lists) go out as the block itself with CRLF line ends.
        """
        lines = self._text
        if lines is not None and _plain(lines, self._count):
            out.write(f"{CSV_HEADER}\r\n".encode())
            if self._count:
                out.write(lines.replace("\n", "\r\n").encode("utf-8"))
                out.write(b"\r\n")
            return
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow([CSV_HEADER])
        writer.writerows([safe_cell(record)] for record in self)
        out.write(buffer.getvalue().encode("utf-8"))


def _plain(lines: str, count: int) -> bool:
    """Whether the csv module would write each id of ``lines`` as it is, unquoted."""
    if any(special in lines for special in _CSV_SPECIAL):
        return False
    if _FORMULA_AT_LINE_START.search(lines):
        return False
    empty = lines == "" or "\n\n" in lines or lines.startswith("\n") or lines.endswith("\n")
    return count == 0 or not empty


def joined_columns(record: str) -> str:
    """Columns that give the ids of ``record`` over a statement's rows as one text (PostgreSQL).

    The row count, the count of ids that are not NULL, and the ids joined by
    newlines in ``record`` order, which is the records statement's ``ORDER BY 1``.
    """
    return (
        f"COUNT(*), COUNT({record}), string_agg(CAST({record} AS TEXT), chr(10) ORDER BY {record})"
    )


def from_joined(rows: int, ids: int, lines: str | None) -> RecordIds | None:
    """The ids from ``joined_columns``; None if they do not stand for the rows as they are.

    Not when an id was NULL (the rows give the text "None" for it) or held a newline.
    """
    lines = lines or ""
    if rows != ids:
        return None
    if rows == 0:
        return RecordIds.joined("", 0) if lines == "" else None
    return RecordIds.joined(lines, rows) if lines.count("\n") == rows - 1 else None


def fetch_ids(
    session: Session,
    sql: str,
    params: Mapping[str, Any],
    prepare: Callable[[str], TextClause] = text,
) -> RecordIds:
    """Run a records statement (its one column: the ids) and keep the ids as one text.

    ``prepare`` makes a statement of SQL text (the report's binds timestamps as aware).
    """
    if session.get_bind().dialect.name == "postgresql":
        # The statement as written, as a subquery; its column renamed so the wrapper
        # can name it, and the aggregate ordered by it as the statement orders it.
        joined = prepare(f"SELECT {joined_columns('r.id')} FROM ({sql}) AS r(id)")  # noqa: S608 - the report's own constant SQL
        found = from_joined(*session.execute(joined, dict(params)).one())
        if found is not None:
            return found
    return fetch_rows(session, prepare(sql), params)


def count_ids(
    session: Session,
    sql: str,
    params: Mapping[str, Any],
    prepare: Callable[[str], TextClause] = text,
) -> RecordIds:
    """How many ids a records statement gives, without fetching them (``RecordIds.counted``).

    The statement's closing ``ORDER BY 1`` is left off: the order does not
    change a count, and PostgreSQL would still sort (117,000 enquiry ids: 1 s
    of the report page's build at load 13).
    """
    unordered = sql.rstrip()
    if unordered.upper().endswith("ORDER BY 1"):
        unordered = unordered[: -len("ORDER BY 1")]
    counted = prepare(f"SELECT COUNT(*) FROM ({unordered}) AS r")  # noqa: S608 - the report's own constant SQL
    return RecordIds.counted(int(session.execute(counted, dict(params)).scalar_one()))


def fetch_rows(session: Session, clause: TextClause, params: Mapping[str, Any]) -> RecordIds:
    """The ids a records statement gives, row by row (SQLite, and ids no text can join)."""
    return RecordIds.of(str(row[0]) for row in session.execute(clause, dict(params)))
