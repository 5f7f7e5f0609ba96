"""The database's integrity errors as reind's own: 409 duplicate, 422 unknown reference, 400.

A service checks what it can before it writes and says so in its own
words; but two requests can still race past a check (two people adding the
same partner at once), and a constraint is the last word. Whatever the
database refuses reaches the caller through ``problem_for``, called in the
two places every write passes (``programme.uow.flush`` and
``Database.unit_of_work``), so no ``IntegrityError`` is ever answered as a
500. Both databases are read: PostgreSQL by SQLSTATE and its diagnostics
(constraint, table, column), SQLite by its extended result code and message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from reind.core.errors import ConflictError, InvalidInputError, ReindError


class DuplicateError(ConflictError):
    """A record with the same unique values already exists."""

    code = "duplicate"


class UnknownReferenceError(InvalidInputError):
    """The request refers to a record that does not exist."""

    code = "unknown_reference"
    status = 422
    title = "Unknown reference"


@dataclass(frozen=True, slots=True)
class Violation:
    """What kind of constraint failed, and where (as far as the database says)."""

    kind: str  # "unique", "foreign_key", "not_null", "check" or "other"
    table: str = ""
    columns: tuple[str, ...] = ()
    constraint: str = ""


_PG_KINDS = {"23505": "unique", "23503": "foreign_key", "23502": "not_null", "23514": "check"}
_SQLITE_KINDS = {
    "SQLITE_CONSTRAINT_UNIQUE": "unique",
    "SQLITE_CONSTRAINT_PRIMARYKEY": "unique",
    "SQLITE_CONSTRAINT_FOREIGNKEY": "foreign_key",
    "SQLITE_CONSTRAINT_NOTNULL": "not_null",
    "SQLITE_CONSTRAINT_CHECK": "check",
}
_SQLITE_COLUMNS = re.compile(r"constraint failed: (?P<cols>[\w.]+(?:, [\w.]+)*)")


def violation_of(error: IntegrityError) -> Violation:
    """Read which constraint the database refused from ``error``."""
    cause: Any = error.orig
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate is not None:
        diag = getattr(cause, "diag", None)
        column = getattr(diag, "column_name", None) or ""
        return Violation(
            _PG_KINDS.get(sqlstate, "other"),
            getattr(diag, "table_name", None) or "",
            (column,) if column else _pg_key_columns(str(cause)),
            getattr(diag, "constraint_name", None) or "",
        )
    name = getattr(cause, "sqlite_errorname", "")
    kind = _SQLITE_KINDS.get(name, "other")
    match = _SQLITE_COLUMNS.search(str(cause))
    if match is None:
        return Violation(kind)
    qualified = [c.strip() for c in match.group("cols").split(",")]
    table = qualified[0].split(".")[0] if "." in qualified[0] else ""
    return Violation(kind, table, tuple(c.split(".")[-1] for c in qualified))


def _pg_key_columns(message: str) -> tuple[str, ...]:
    found = re.search(r"Key \((?P<cols>[^)]*)\)", message)
    return tuple(c.strip() for c in found.group("cols").split(",")) if found else ()


def problem_for(error: IntegrityError, what: str = "the change") -> ReindError:
    """The reind error to answer with when the database refused ``what``."""
    found = violation_of(error)
    where = f" ({', '.join(found.columns)})" if found.columns else ""
    table = f"{found.table}: " if found.table else ""
    if found.kind == "unique":
        return DuplicateError(
            f"{table}a record with the same {', '.join(found.columns) or 'values'} "
            f"already exists; {what} was not stored",
            zh=f"{table}已有相同{where or '資料'}的紀錄；未有儲存",
            columns=list(found.columns),
        )
    if found.kind == "foreign_key":
        return UnknownReferenceError(
            f"{table}{what} refers to a record that does not exist{where}; nothing was stored",
            zh=f"{table}所指的紀錄不存在{where}；未有儲存",
            columns=list(found.columns),
        )
    if found.kind in {"not_null", "check"}:
        return InvalidInputError(
            f"{table}{what} is missing or breaks a rule on{where or ' a value'}; "
            "nothing was stored",
            zh=f"{table}缺少資料或資料不符規則{where}；未有儲存",
            columns=list(found.columns),
        )
    return ConflictError(
        f"the database refused {what}; nothing was stored",
        zh="資料庫拒絕了這項更改；未有儲存",
    )
