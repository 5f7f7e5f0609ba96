"""Dates that matter to Hong Kong public finance.

The Government's financial year and the Inland Revenue's year of assessment
both run from 1 April to 31 March; they are labelled differently
("2021-22" for a financial year, "2019/20" for a year of assessment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from reind.core.errors import InvalidInputError, RefusedInputError, Words

_FY_START_MONTH = 4


def parse_date(text: str) -> date:
    """An ISO date (YYYY-MM-DD), or a clear error naming the bad text."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError("not a date (expected YYYY-MM-DD): “{text}”", text=text) from None


def _start_year_of(day: date) -> int:
    return day.year if day.month >= _FY_START_MONTH else day.year - 1


@dataclass(frozen=True, order=True, slots=True)
class _AprilToMarch:
    """A year that starts on 1 April ``start_year`` and ends on 31 March next."""

    start_year: int

    @property
    def start(self) -> date:
        """1 April."""
        return date(self.start_year, _FY_START_MONTH, 1)

    @property
    def end(self) -> date:
        """31 March of the next calendar year (inclusive)."""
        return date(self.start_year + 1, 3, 31)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True, order=True, slots=True)
class FinancialYear(_AprilToMarch):
    """A Government financial year, labelled "2021-22"."""

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        """The financial year that ``day`` falls in."""
        return cls(_start_year_of(day))

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """From "2021-22", "2021/22" or "2021-2022"."""
        return cls(_parse_span(text, "financial year"))

    def __str__(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"


@dataclass(frozen=True, order=True, slots=True)
class YearOfAssessment(_AprilToMarch):
    """An Inland Revenue year of assessment, labelled "2019/20"."""

    @classmethod
    def containing(cls, day: date) -> YearOfAssessment:
        """The year of assessment that ``day`` falls in."""
        return cls(_start_year_of(day))

    @classmethod
    def parse(cls, text: str) -> YearOfAssessment:
        """From "2019/20", "2019-20" or "2019/2020"."""
        return cls(_parse_span(text, "year of assessment"))

    def __str__(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"


_SPAN_ZH = {"financial year": "財政年度", "year of assessment": "課稅年度"}
SPAN_PATTERN = r"^\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*$"
"""A span of years as written ("2019/20", "2019-20", "2019/2020"): the API documents it too."""
_SPAN = re.compile(SPAN_PATTERN)


def _parse_span(text: str, what: str) -> int:
    match = _SPAN.match(text)
    if match is None:
        raise InvalidInputError(
            "not a {what} (expected e.g. 2019/20): “{text}”",
            what=Words(what, what, _SPAN_ZH.get(what)),
            text=text,
        )
    first, second = int(match.group(1)), int(match.group(2))
    follows = second == first + 1 if second >= 100 else second == (first + 1) % 100
    if not follows:  # the documented form, but not a span of years: a rule's refusal (422)
        raise RefusedInputError(
            "{what} must span two consecutive years: “{text}”",
            what=Words(what, what, _SPAN_ZH.get(what)),
            text=text,
        )
    return first
