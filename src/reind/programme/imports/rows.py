"""Reading import files and reporting their problems: shared by every kind of import.

Rows come from CSV or the first XLSX sheet as dicts keyed by the header;
``RowCheck`` collects one ``ImportProblem`` per (row, column) while the
importers parse, so the whole report can be given at once (ADR 0034).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from reind.core.errors import InvalidInputError, ReindError

COLUMNS = {
    "applications": [
        "reference",
        "scheme",
        "br_number",
        "enterprise_name",
        "incorporation",
        "employees",
        "manufacturing",
        "industry",
        "title",
        "received",
        "amount_requested",
        "state",
        "approved_grant",
        "committed",
    ],
    "claims": ["claim_reference", "application_reference", "amount", "submitted_on", "state"],
    "enquiries": ["received_on", "centre", "channel", "question", "br_number"],
}
CLAIM_STATES = {"submitted", "approved", "paid", "rejected"}


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One fault: the row (1 = header) and column of the file, and what is wrong."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class ImportRejectedError(InvalidInputError):
    """The file had problems; nothing was written."""

    code = "import_rejected"

    def __init__(self, path: str, problems: list[ImportProblem]) -> None:
        listing = "; ".join(str(p) for p in problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(
            f"{path}: {len(problems)} problem(s), nothing imported: {listing}{more}",
            problems=[{"row": p.row, "column": p.column, "message": p.message} for p in problems],
        )
        self.problems = problems


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import wrote."""

    kind: str
    rows: int


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV or XLSX file (first sheet) as dicts keyed by the header."""
    if path.suffix.lower() == ".xlsx":
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            values = [
                ["" if v is None else _cell(v) for v in r]
                for r in sheet.iter_rows(values_only=True)
            ]
        finally:
            book.close()
    elif path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            values = list(csv.reader(handle))
    else:
        raise InvalidInputError(f"{path.name}: import reads .csv or .xlsx files only")
    if not values:
        raise InvalidInputError(f"{path.name}: the file is empty")
    header = [h.strip().lower() for h in values[0]]
    return [dict(zip(header, (c.strip() for c in row), strict=False)) for row in values[1:]]


def _cell(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class RowCheck:
    """Collects a problem per (row, column) while parsing cells."""

    def __init__(self) -> None:
        self.problems: list[ImportProblem] = []

    def get(
        self,
        row: dict[str, str],
        number: int,
        column: str,
        parse: Callable[[str], Any],
        optional: bool = False,
    ) -> Any:
        """``parse`` of the cell, or None with a problem noted (empty, or not parseable)."""
        text = row.get(column, "")
        if text == "":
            if not optional:
                self.problems.append(ImportProblem(number, column, "is empty"))
            return None
        try:
            return parse(text)
        except ReindError as exc:
            self.problems.append(ImportProblem(number, column, str(exc)))
        except ValueError as exc:
            self.problems.append(ImportProblem(number, column, str(exc)))
        return None


def missing_columns(kind: str, rows: list[dict[str, str]]) -> list[ImportProblem]:
    """A problem for each required column of ``kind`` the file lacks."""
    present = set(rows[0]) if rows else set()
    optional = {"approved_grant", "committed", "br_number", "claim_reference"}
    return [
        ImportProblem(1, c, "column missing")
        for c in COLUMNS[kind]
        if c not in present and c not in optional
    ]


def parse_yes_no(text: str) -> bool:
    """yes/no (y/n, true/false, 1/0) as a bool, or InvalidInputError."""
    if text.lower() in {"yes", "y", "true", "1"}:
        return True
    if text.lower() in {"no", "n", "false", "0"}:
        return False
    raise InvalidInputError(f"expected yes or no, not {text!r}")
