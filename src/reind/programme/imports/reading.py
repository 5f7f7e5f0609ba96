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

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from difflib import get_close_matches
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

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


@dataclass(slots=True)
class Table:
    """The rows of a file: (row number in the file, cells by column), and reading problems."""

    rows: list[tuple[int, dict[str, str]]]
    problems: list[ImportProblem] = field(default_factory=list)


def read_table(path: Path, columns: Columns, sheet: str | None = None) -> Table:
    """The rows of ``path`` under ``columns``; ImportFileError if it cannot be read."""
    name = path.name or str(path)
    if not path.exists():
        raise ImportFileError(str(path), Said("no such file", "找不到檔案"))
    if path.is_dir():
        raise ImportFileError(str(path), Said("is a folder, not a file", "是資料夾，不是檔案"))
    suffix = path.suffix.lower()
    formulas: set[tuple[int, int]] = set()
    if suffix == ".xlsx":
        lines, formulas = _xlsx_rows(path, name, sheet)
    elif suffix == ".csv":
        if sheet is not None:
            raise ImportFileError(
                name, Said("a CSV file has no sheets (--sheet)", "CSV 檔案沒有工作表（--sheet）")
            )
        lines = _csv_rows(path, name)
    else:
        raise ImportFileError(
            name, Said("import reads .csv or .xlsx files only", "只可匯入 .csv 或 .xlsx 檔案")
        )
    return _table(name, lines, columns, formulas)


def _table(
    name: str, lines: Iterator[list[str]], columns: Columns, formulas: set[tuple[int, int]]
) -> Table:
    numbered = enumerate(lines, start=1)
    header = next((cells for _, cells in numbered if any(cells)), None)
    if header is None:
        raise ImportFileError(name, Said("the file is empty", "檔案是空的"))
    table = Table([])
    names = _header(header, columns, table.problems)
    refused = {
        i for i, (cell, name) in enumerate(zip(header, names, strict=True)) if cell and not name
    }
    for number, cells in numbered:
        if not any(cells):
            continue
        row: dict[str, str] = {}
        for index, value in enumerate(cells):
            column = names[index] if index < len(names) else None
            if (number, index) in formulas:
                table.problems.append(
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
                if value and index not in refused:  # a refused header is named once, on row 1
                    table.problems.append(
                        ImportProblem(
                            number,
                            f"#{index + 1}",
                            Said("a value in a column with no header", "數值所在的欄沒有標題"),
                            value,
                        )
                    )
                continue
            row[column] = value
        table.rows.append((number, row))
    if not table.rows:
        raise ImportFileError(
            name,
            Said("has a header but no rows: nothing to import", "只有標題列，沒有資料可匯入"),
        )
    return table


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


def _csv_rows(path: Path, name: str) -> Iterator[list[str]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            name, Said(f"cannot be read: {exc.strerror}", f"無法讀取：{exc.strerror}")
        ) from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            name,
            Said(
                f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); "
                "save it as 'CSV UTF-8' and import again",
                f"不是 UTF-8 文字（第 {line} 行的位元組 0x{raw[exc.start]:02x}）；"
                "請另存為「CSV UTF-8」後再匯入",
            ),
        ) from None
    del raw
    reader = csv.reader(io.StringIO(content, newline=""))

    def lines() -> Iterator[list[str]]:
        try:
            for cells in reader:
                yield [c.strip() for c in cells]
        except csv.Error as exc:
            raise ImportFileError(
                name,
                Said(
                    f"is not a valid CSV file (line {reader.line_num}: {exc})",
                    f"不是有效的 CSV 檔案（第 {reader.line_num} 行：{exc}）",
                ),
            ) from None

    return lines()


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


_UNREADABLE = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, EOFError)


def _xlsx_rows(
    path: Path, name: str, sheet: str | None
) -> tuple[Iterator[list[str]], set[tuple[int, int]]]:
    """The rows of the chosen sheet, and the (row, column index) of formulas with no value."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            chosen = _sheet_name(book.sheetnames, name, sheet, book)
            values = [[_cell(v) for v in r] for r in book[chosen].iter_rows(values_only=True)]
        finally:
            book.close()
        gaps = any(c == "" for r in values if any(r) for c in r)
        formulas: set[tuple[int, int]] = set()
        if gaps:  # an empty cell may be a formula never calculated: look at the formulas
            raw = load_workbook(path, read_only=True, data_only=False)
            try:
                for number, cells in enumerate(raw[chosen].iter_rows(values_only=True), start=1):
                    for index, cell in enumerate(cells):
                        if isinstance(cell, str) and cell.startswith("="):
                            if index < len(values[number - 1]) and not values[number - 1][index]:
                                values[number - 1][index] = cell
                                formulas.add((number, index))
            finally:
                raw.close()
    except ImportFileError:
        raise
    except _UNREADABLE as exc:
        raise ImportFileError(
            name,
            Said(
                f"is not a readable .xlsx workbook ({type(exc).__name__})",
                f"不是可讀取的 .xlsx 活頁簿（{type(exc).__name__}）",
            ),
        ) from None
    return iter(values), formulas


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
