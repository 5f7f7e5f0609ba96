"""Parsing one cell of an import file, strictly, with the fault said in both languages.

Each parser takes the cell's text and returns the value or raises
``CellError``; ``RowCheck`` turns that into a problem under the cell's row and
column. Limits come from the tables the values are stored in (a text column's
length, a BIGINT of cents), so a value that is accepted here can be stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import Column, String

from reind.core.errors import ReindError
from reind.core.money import Money
from reind.programme.enterprises.profile import normalise_br_number
from reind.programme.imports.problems import ImportProblem, Said

E = TypeVar("E", bound=StrEnum)
MAX_CENTS = 2**63 - 1
"""The largest amount a BIGINT column of cents holds."""
MAX_COUNT = 2**31 - 1
"""The largest count an INTEGER column holds."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class CellError(Exception):
    """A cell's text is not a valid value; ``said`` says why in both languages."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.said = Said(en, zh)


def text(limit: int | None, *, lines: bool = False) -> Callable[[str], str]:
    """Text of at most ``limit`` characters; one line unless ``lines``."""

    def parse(value: str) -> str:
        if limit is not None and len(value) > limit:
            raise CellError(
                f"is {len(value)} characters long; at most {limit} are allowed",
                f"長 {len(value)} 個字元，上限為 {limit} 個",
            )
        bad = _CONTROL.search(value.replace("\n", "").replace("\t", "") if lines else value)
        if bad:
            raise CellError(
                "contains a line break or control character; it must be one line",
                "含有換行或控制字元；只可為單行文字",
            )
        return value

    return parse


def column_text(column: Column[Any] | Any, *, lines: bool = False) -> Callable[[str], str]:
    """``text`` limited to the length of the table column the value is stored in."""
    kind = getattr(column, "type", None)
    limit = kind.length if isinstance(kind, String) else None
    return text(limit, lines=lines)


def day(latest: date | None = None) -> Callable[[str], date]:
    """An ISO date (YYYY-MM-DD), not after ``latest`` when given."""

    def parse(value: str) -> date:
        try:
            found = date.fromisoformat(value)
        except ValueError:
            raise CellError(
                f"is not a date (expected YYYY-MM-DD): {value!r}",
                f"不是日期（格式應為 YYYY-MM-DD）：{value!r}",
            ) from None
        if latest is not None and found > latest:
            raise CellError(
                f"{found.isoformat()} is in the future (today is {latest.isoformat()})",
                f"{found.isoformat()} 是將來的日期（今天是 {latest.isoformat()}）",
            )
        return found

    return parse


def money(value: str) -> Money:
    """An amount of HK dollars, not negative, at most two decimal places, small enough to store."""
    cleaned = value.replace(",", "").removeprefix("HK$").removeprefix("$").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise CellError(f"is not an amount of money: {value!r}", f"不是金額：{value!r}") from None
    if not amount.is_finite():
        raise CellError(f"is not an amount of money: {value!r}", f"不是金額：{value!r}")
    if amount < 0:
        raise CellError(f"cannot be negative: {value}", f"不可為負數：{value}")
    if amount > Decimal(MAX_CENTS) / 100:
        raise CellError(
            f"{value} is too large for an amount of money",
            f"{value} 作為金額過大",
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise CellError(
            f"{value} has more than two decimal places (whole cents only)",
            f"{value} 超過兩個小數位（只接受至仙位）",
        )
    return Money.of(amount)


def count(value: str) -> int:
    """A whole number, not negative (employees, for instance)."""
    try:
        number = int(value)
    except ValueError:
        raise CellError(f"is not a whole number: {value!r}", f"不是整數：{value!r}") from None
    if number < 0:
        raise CellError(f"cannot be negative: {number}", f"不可為負數：{number}")
    if number > MAX_COUNT:
        raise CellError(f"{number} is too large", f"{number} 過大")
    return number


def choice(kind: type[E]) -> Callable[[str], E]:
    """A member of ``kind`` by its value (case-insensitive), listing the choices if wrong."""

    def parse(value: str) -> E:
        try:
            return kind(value.strip().lower())
        except ValueError:
            choices = ", ".join(m.value for m in kind)
            raise CellError(
                f"must be one of {choices}, not {value!r}",
                f"必須是以下其中之一：{choices}；而非 {value!r}",
            ) from None

    return parse


def one_of(allowed: set[str] | frozenset[str]) -> Callable[[str], str]:
    """One of ``allowed`` (case-insensitive), listing them if wrong."""

    def parse(value: str) -> str:
        if value.lower() in allowed:
            return value.lower()
        choices = ", ".join(sorted(allowed))
        raise CellError(
            f"must be one of {choices}, not {value!r}",
            f"必須是以下其中之一：{choices}；而非 {value!r}",
        )

    return parse


def yes_no(value: str) -> bool:
    """yes/no (y/n, true/false, 1/0) as a bool."""
    if value.lower() in {"yes", "y", "true", "1"}:
        return True
    if value.lower() in {"no", "n", "false", "0"}:
        return False
    raise CellError(f"expected yes or no, not {value!r}", f"應為 yes 或 no，而非 {value!r}")


def br_number(value: str) -> str:
    """An 8-digit Business Registration number (or the full certificate number)."""
    try:
        return normalise_br_number(value)
    except ReindError:
        raise CellError(
            f"is not a Business Registration number (8 digits): {value!r}",
            f"不是商業登記號碼（8 位數字）：{value!r}",
        ) from None


class RowCheck:
    """Collects one problem per (row, column) while the cells are parsed."""

    def __init__(self, problems: list[ImportProblem] | None = None) -> None:
        self.problems: list[ImportProblem] = list(problems or [])
        self._where = {(p.row, p.column) for p in self.problems}

    def add(self, row: int, column: str, en: str, zh: str, value: str = "") -> None:
        """Note a problem, unless the cell already has one."""
        self.note(ImportProblem(row, column, Said(en, zh), value))

    def note(self, problem: ImportProblem) -> None:
        """Note ``problem``, unless its cell already has one."""
        if (problem.row, problem.column) in self._where:
            return
        self._where.add((problem.row, problem.column))
        self.problems.append(problem)

    def get(
        self,
        row: dict[str, str],
        number: int,
        column: str,
        parse: Callable[[str], Any],
        optional: bool = False,
    ) -> Any:
        """``parse`` of the cell, or None with a problem noted (empty, or not valid)."""
        value = row.get(column, "")
        if value == "":
            if not optional:
                self.add(number, column, "is empty", "是空白的")
            return None
        try:
            return parse(value)
        except CellError as exc:
            self.note(ImportProblem(number, column, exc.said, value))
        return None
