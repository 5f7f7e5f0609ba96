"""What an import says when a file is wrong: each problem in English and Traditional Chinese.

A problem names the row (1 = header) and column of the file, the value found
there and what is wrong with it, in both languages, so the whole list can be
printed in the reader's language or downloaded as a CSV (``write_problems``).
A file that cannot be read at all is one ``ImportFileError``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reind.core.errors import InvalidInputError
from reind.core.sheets import write_csv, write_xlsx

SHOWN = 20
"""How many problems the one-line message lists; ``write_problems`` writes them all."""


@dataclass(frozen=True, slots=True)
class Said:
    """A message in English and Traditional Chinese (Hong Kong)."""

    en: str
    zh: str

    def __call__(self, lang: str) -> str:
        """The message in ``lang`` ("zh-Hant" for Chinese, anything else English)."""
        return self.zh if lang.startswith("zh") else self.en


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One fault: the row (1 = header) and column of the file, the value and what is wrong."""

    row: int
    column: str
    said: Said
    value: str = ""

    @property
    def message(self) -> str:
        """What is wrong, in English."""
        return self.said.en

    def text(self, lang: str = "en") -> str:
        """``row 3, column amount: ...`` in ``lang``."""
        if lang.startswith("zh"):
            return f"第 {self.row} 行，{self.column} 欄：{self.said.zh}"
        return f"row {self.row}, column {self.column}: {self.said.en}"

    def __str__(self) -> str:
        return self.text()


class ImportFileError(InvalidInputError):
    """The file cannot be read as an import (missing, not UTF-8, not a workbook ...)."""

    code = "import_unreadable"

    def __init__(self, name: str, said: Said) -> None:
        super().__init__(f"{name}: {said.en}", zh=f"{name}：{said.zh}")
        self.said = said
        self.name = name

    def text(self, lang: str = "en") -> str:
        """The one-line message in ``lang``."""
        return f"{self.name}{'：' if lang.startswith('zh') else ': '}{self.said(lang)}"


class ImportRejectedError(InvalidInputError):
    """The file had problems; nothing was written."""

    code = "import_rejected"

    def __init__(self, path: str, problems: list[ImportProblem]) -> None:
        self.name = path
        self.problems = sorted(problems, key=lambda p: p.row)
        super().__init__(
            self.text("en"),
            problems=[
                {
                    "row": p.row,
                    "column": p.column,
                    "value": p.value,
                    "message": p.said.en,
                    "message_zh": p.said.zh,
                }
                for p in self.problems
            ],
        )

    def text(self, lang: str = "en", shown: int = SHOWN) -> str:
        """One line: how many problems, nothing imported, the first ``shown`` of them."""
        listing = "; ".join(p.text(lang) for p in self.problems[:shown])
        more = len(self.problems) - shown
        if lang.startswith("zh"):
            tail = f"（另有 {more} 項）" if more > 0 else ""
            return f"{self.name}：{len(self.problems)} 項問題，沒有匯入任何資料：{listing}{tail}"
        tail = f" (and {more} more)" if more > 0 else ""
        return f"{self.name}: {len(self.problems)} problem(s), nothing imported: {listing}{tail}"


PROBLEM_COLUMNS = ("row", "column", "value", "problem", "問題")


def write_problems(path: Path, problems: Iterable[ImportProblem]) -> int:
    """Every problem (row, column, value, problem in English and Chinese); the count.

    A workbook if ``path`` ends in ``.xlsx``, else a CSV. A path that cannot be
    written is an ``ImportFileError`` (one line), not a traceback.
    """
    rows = [(p.row, p.column, p.value, p.said.en, p.said.zh) for p in problems]
    try:
        if path.suffix.lower() == ".xlsx":
            write_xlsx(path, PROBLEM_COLUMNS, rows, "problems")
        else:
            write_csv(path, PROBLEM_COLUMNS, rows)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ImportFileError(
            str(path),
            Said(
                f"cannot write the problems here ({reason})",
                f"無法在此寫入問題清單（{reason}）",
            ),
        ) from None
    return len(rows)
