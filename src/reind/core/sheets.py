"""CSV and XLSX files that people open in a spreadsheet: safe cells and a BOM.

Every CSV reind writes goes through ``csv_text`` or ``write_csv``, so each
one is safe to open in Excel: a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return would be run as a formula (CSV
injection, OWASP), so it is written with a leading apostrophe; numbers are
written as they are. The file starts with a UTF-8 byte-order mark, without
which Excel reads UTF-8 as the local code page and garbles Chinese names.
``write_xlsx`` writes the same table as a workbook, every text cell stored as
text (never as a formula), for those who would rather not open a CSV at all.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?\Z")


def safe_cell(value: object) -> object:
    """``value``, with a text that a spreadsheet would run as a formula neutralised.

    A plain number written as text (``-1``, ``+852.5``) is left alone: it is no formula.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.match(value):
        return "'" + value
    return value


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """The CSV (with its BOM) of ``header`` and ``rows``, every text cell made safe."""
    buffer = io.StringIO()
    _write(buffer, header, rows)
    return buffer.getvalue()


def write_csv(path: Path, header: Sequence[object], rows: Iterable[Sequence[object]]) -> None:
    """Write ``csv_text`` of ``header`` and ``rows`` to ``path`` (UTF-8)."""
    with path.open("w", newline="", encoding="utf-8") as out:
        _write(out, header, rows)


def _write(out: TextIO, header: Sequence[object], rows: Iterable[Sequence[object]]) -> None:
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(v) for v in header])
    writer.writerows([safe_cell(v) for v in row] for row in rows)


Plain = str | int | float | None
"""A value a workbook cell holds as it is."""


def write_xlsx(
    path: Path, header: Sequence[Plain], rows: Iterable[Sequence[Plain]], title: str = "Sheet1"
) -> None:
    """Write ``header`` and ``rows`` to the workbook ``path``, text kept as text."""
    from openpyxl import Workbook  # here: openpyxl loads numpy, which a CSV never needs
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    for row in (header, *rows):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
            cells.append(cell)
        sheet.append(cells)
    book.save(path)
