"""Reading an import file strictly: CSV (UTF-8) or one sheet of an XLSX workbook.

Every header must be one the import knows (a misspelt or unknown column is a
problem naming the nearest known one; a header given twice is a problem), so
no value is dropped silently. Blank rows are skipped (their numbers still
count, so a row number is the one the spreadsheet shows). A file that cannot
be read at all (missing, a folder, not UTF-8, a corrupt workbook, no rows) is
one ``ImportFileError``; problems with headers or cells come back in
``Table.problems`` for the importer to report with its own.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Protocol

from reind.programme.imports.problems import ImportFileError, ImportProblem, Said

Cells = Sequence[object]


@dataclass(frozen=True, slots=True)
class Columns:
    """The columns an import knows: ``required`` ones and ``optional`` ones."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def known(self) -> tuple[str, ...]:
        """Every column, required first."""
        return self.required + self.optional


class ProblemSink(Protocol):
    """Where reading notes a problem with a cell (``cells.RowCheck``)."""

    def note(self, problem: ImportProblem) -> None:
        """Note ``problem``."""


Line = tuple[list[str], frozenset[int]]
"""A line's cells, and the indexes of its formulas that have no saved value."""


@dataclass(frozen=True, slots=True)
class Table:
    """A file checked down to its header; its rows are read on demand, never all held.

    ``problems`` are the header's; ``rows`` opens the file again each time it
    is called and streams it, so a 100,000-row file costs one row of memory
    (issue 19). Problems with single cells go to the importer's sink as the
    rows pass.
    """

    name: str
    problems: list[ImportProblem]
    names: list[str | None]
    refused: frozenset[int]
    lines: Callable[[], Iterator[Line]]

    def rows(self, sink: ProblemSink) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number in the file, cells by column) of each non-blank row after the header."""
        numbered = enumerate(self.lines(), start=1)
        for _, (cells, _formulas) in numbered:
            if any(cells):
                break  # the header, checked when the table was read
        found = False
        for number, (cells, formulas) in numbered:
            if not any(cells):
                continue
            found = True
            yield number, self._row(sink, number, cells, formulas)
        if not found:
            raise ImportFileError(
                self.name,
                Said("has a header but no rows: nothing to import", "只有標題列，沒有資料可匯入"),
            )

    def _row(
        self, sink: ProblemSink, number: int, cells: list[str], formulas: frozenset[int]
    ) -> dict[str, str]:
        row: dict[str, str] = {}
        names = self.names
        for index, value in enumerate(cells):
            column = names[index] if index < len(names) else None
            if index in formulas:
                sink.note(
                    ImportProblem(
                        number,
                        column or f"#{index + 1}",
                        Said(
                            "is a formula with no saved value: open the file in a spreadsheet, "
                            "let it calculate, save it and import again",
                            "是沒有已儲存數值的公式：請在試算表程式開啟檔案、計算後儲存，再匯入",
                        ),
                        value,
                    )
                )
            if column is None:
                if value and index not in self.refused:  # a refused header is named once
                    sink.note(
                        ImportProblem(
                            number,
                            f"#{index + 1}",
                            Said("a value in a column with no header", "數值所在的欄沒有標題"),
                            value,
                        )
                    )
                continue
            row[column] = value
        return row


def read_table(path: Path, columns: Columns, sheet: str | None = None) -> Table:
    """``path`` checked down to its header under ``columns``; ImportFileError if unreadable."""
    name = path.name or str(path)
    if not path.exists():
        raise ImportFileError(str(path), Said("no such file", "找不到檔案"))
    if path.is_dir():
        raise ImportFileError(str(path), Said("is a folder, not a file", "是資料夾，不是檔案"))
    suffix = path.suffix.lower()
    lines: Callable[[], Iterator[Line]]
    if suffix == ".xlsx":
        chosen = _xlsx_sheet(path, name, sheet)

        def lines() -> Iterator[Line]:
            return _xlsx_lines(path, name, chosen)

    elif suffix == ".csv":
        if sheet is not None:
            raise ImportFileError(
                name, Said("a CSV file has no sheets (--sheet)", "CSV 檔案沒有工作表（--sheet）")
            )

        def lines() -> Iterator[Line]:
            return _csv_lines(path, name)

    else:
        raise ImportFileError(
            name, Said("import reads .csv or .xlsx files only", "只可匯入 .csv 或 .xlsx 檔案")
        )
    header = next((cells for cells, _ in lines() if any(cells)), None)
    if header is None:
        raise ImportFileError(name, Said("the file is empty", "檔案是空的"))
    problems: list[ImportProblem] = []
    names = _header(header, columns, problems)
    refused = frozenset(
        i for i, (cell, known) in enumerate(zip(header, names, strict=True)) if cell and not known
    )
    return Table(name, problems, names, refused, lines)


def _header(cells: list[str], columns: Columns, problems: list[ImportProblem]) -> list[str | None]:
    """Each cell's column name (None for an empty or refused header), noting header problems."""
    names: list[str | None] = []
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        title = cell.strip().lower()
        if not title:
            names.append(None)
            continue
        if title in seen:
            problems.append(
                ImportProblem(
                    1,
                    title,
                    Said(
                        f"the column {title!r} is given twice (column {index + 1})",
                        f"{title!r} 欄出現兩次（第 {index + 1} 欄）",
                    ),
                    cell,
                )
            )
            names.append(None)
            continue
        seen.add(title)
        if title not in columns.known:
            near = get_close_matches(title, columns.known, n=1, cutoff=0.6)
            hint_en = f"; did you mean {near[0]!r}?" if near else ""
            hint_zh = f"；是否指 {near[0]!r}？" if near else ""
            known = ", ".join(columns.known)
            problems.append(
                ImportProblem(
                    1,
                    title,
                    Said(
                        f"unknown column {title!r}{hint_en} (known columns: {known})",
                        f"未知的欄 {title!r}{hint_zh}（可用的欄：{known}）",
                    ),
                    cell,
                )
            )
            names.append(None)
            continue
        names.append(title)
    for missing in columns.required:
        if missing not in seen:
            problems.append(ImportProblem(1, missing, Said("column missing", "欠缺此欄")))
    return names


def _csv_lines(path: Path, name: str) -> Iterator[Line]:
    """The file's lines, decoded and split as they are read (never the whole file at once)."""
    none: frozenset[int] = frozenset()
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ImportFileError(
            name, Said(f"cannot be read: {exc.strerror}", f"無法讀取：{exc.strerror}")
        ) from None
    with handle:
        reader = csv.reader(handle)
        try:
            for cells in reader:
                yield [c.strip() for c in cells], none
        except UnicodeDecodeError:
            raise _not_utf8(path, name) from None
        except csv.Error as exc:
            raise ImportFileError(
                name,
                Said(
                    f"is not a valid CSV file (line {reader.line_num}: {exc})",
                    f"不是有效的 CSV 檔案（第 {reader.line_num} 行：{exc}）",
                ),
            ) from None


def _not_utf8(path: Path, name: str) -> ImportFileError:
    """The error for a file that is not UTF-8, naming the first bad byte and its line."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as raw:
        while block := raw.read(1 << 16):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                bad = block[exc.start]
                line += block.count(b"\n", 0, exc.start)
                break
            line += block.count(b"\n")
        else:
            bad, line = 0, line
    return ImportFileError(
        name,
        Said(
            f"is not UTF-8 text (byte 0x{bad:02x} on line {line}); "
            "save it as 'CSV UTF-8' and import again",
            f"不是 UTF-8 文字（第 {line} 行的位元組 0x{bad:02x}）；請另存為「CSV UTF-8」後再匯入",
        ),
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_UNREADABLE = (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError)
"""What a broken workbook raises, besides openpyxl's own ``InvalidFileException``."""


def _openpyxl() -> tuple[Callable[..., Any], tuple[type[BaseException], ...]]:
    """openpyxl's ``load_workbook`` and what a broken workbook raises, imported on first use.

    openpyxl loads numpy with it: 0.4 s of CPU that a CSV import never needs
    (issue 19), so only a workbook pays for it.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    return load_workbook, (*_UNREADABLE, InvalidFileException)


def _unreadable(name: str, exc: BaseException) -> ImportFileError:
    return ImportFileError(
        name,
        Said(
            f"is not a readable .xlsx workbook ({type(exc).__name__})",
            f"不是可讀取的 .xlsx 活頁簿（{type(exc).__name__}）",
        ),
    )


def _xlsx_sheet(path: Path, name: str, sheet: str | None) -> str:
    """The sheet to read: the one named, or the only one with data."""
    load_workbook, unreadable = _openpyxl()
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            return _sheet_name(book.sheetnames, name, sheet, book)
        finally:
            book.close()
    except unreadable as exc:
        raise _unreadable(name, exc) from None


def _xlsx_lines(path: Path, name: str, sheet: str) -> Iterator[Line]:
    """The sheet's rows, streamed (openpyxl's read-only mode), formulas with no value marked.

    An empty cell may be a formula never calculated; only then is the sheet's
    formula view opened, and walked in step with the values from that row on.
    """
    none: frozenset[int] = frozenset()
    load_workbook, unreadable = _openpyxl()
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        raw = None
        try:
            formulas: Iterator[tuple[object, ...]] | None = None
            for number, cells in enumerate(book[sheet].iter_rows(values_only=True), start=1):
                values = [_cell(v) for v in cells]
                if not any(values) or all(values):
                    if formulas is not None:
                        next(formulas, None)
                    yield values, none
                    continue
                if formulas is None:  # catch up to this row once, then keep in step
                    raw = load_workbook(path, read_only=True, data_only=False)
                    formulas = raw[sheet].iter_rows(values_only=True)
                    for _ in range(number - 1):
                        next(formulas, None)
                found = set()
                for index, cell in enumerate(next(formulas, ())):
                    if isinstance(cell, str) and cell.startswith("="):
                        if index < len(values) and not values[index]:
                            values[index] = cell
                            found.add(index)
                yield values, frozenset(found)
        finally:
            book.close()
            if raw is not None:
                raw.close()
    except ImportFileError:
        raise
    except unreadable as exc:
        raise _unreadable(name, exc) from None


def _sheet_name(names: list[str], file: str, sheet: str | None, book: object) -> str:
    if sheet is not None:
        if sheet not in names:
            listing = ", ".join(names)
            raise ImportFileError(
                file,
                Said(
                    f"has no sheet {sheet!r} (its sheets: {listing})",
                    f"沒有工作表 {sheet!r}（現有工作表：{listing}）",
                ),
            )
        return sheet
    filled = [n for n in names if _has_data(book, n)]
    if len(filled) == 1:
        return filled[0]
    if not filled:
        raise ImportFileError(file, Said("the file is empty", "檔案是空的"))
    listing = ", ".join(filled)
    raise ImportFileError(
        file,
        Said(
            f"has data on several sheets ({listing}); name the one to import with --sheet",
            f"多個工作表有資料（{listing}）；請以 --sheet 指明要匯入的工作表",
        ),
    )


def _has_data(book: object, sheet: str) -> bool:
    rows = book[sheet].iter_rows(values_only=True)  # type: ignore[index]
    return any(any(v is not None and str(v).strip() for v in r) for r in rows)
