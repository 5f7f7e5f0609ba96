"""R&D tax over columns: ``RDTax.evaluate`` for many claims at once (numpy).

The rule is ``reind.schemes.rd_tax`` (its rates, ``Rates.read``, and its
wording); this runs it over arrays of cents, and a property test
(``tests/rules/test_columns.py``) holds both to the same decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reind.core.errors import InvalidInputError
from reind.core.money import Money
from reind.rules.columns import (
    ELIGIBLE,
    Branch,
    ColumnEvaluation,
    Columns,
    ColumnVerdict,
    ReasonTemplate,
    cents_column,
    cents_text,
    checked_sum,
    count_column,
    input_cents,
    refuse_unknown_columns,
    scaled_down,
)
from reind.schemes.rd_tax import WORDING, parse_year, year_text
from reind.schemes.rd_tax_rates import Rates


class RDTaxColumns:
    """``RDTax``'s formula over columns (``Scheme.vectorised``)."""

    label = "RD-TAX"

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        """``assessment_year`` (the year a year of assessment starts in: 2019 is 2019/20,
        required), ``type_a`` and ``type_b`` in cents (default 0)."""
        refuse_unknown_columns(columns, COLUMNS, self.label)
        years = count_column(columns, "assessment_year", count, self.label)
        bad = (years < 1000) | (years > 9998)
        if bad.any():
            first = int(np.argmax(bad))
            raise InvalidInputError(
                f"{self.label}: case {first}: assessment_year must be from 1000 to 9998, "
                f"got {years[first]}"
            )
        return {
            "assessment_year": years,
            "type_a": cents_column(columns, "type_a", count, self.label, default=0),
            "type_b": cents_column(columns, "type_b", count, self.label, default=0),
        }

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        """1 April of each claim's year of assessment."""
        years = columns["assessment_year"]
        if not len(years):
            return np.empty(0, dtype="datetime64[D]")
        low, high = int(years.min()), int(years.max())
        starts = np.array([date(y, 4, 1) for y in range(low, high + 1)], dtype="datetime64[D]")
        days: NDArray[np.datetime64] = starts[years - low]
        return days

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        """``evaluate`` over arrays of cents: each part rounded down, overflow refused."""
        rates = Rates.read(ev)
        type_a, type_b = columns["type_a"], columns["type_b"]
        first = np.minimum(type_b, rates.tier)
        rest = type_b - first
        deduction_a = scaled_down(type_a, rates.rate_a, "RD-TAX Type A deduction")
        deduction_b = checked_sum(
            scaled_down(first, rates.rate_first, "RD-TAX Type B first tier"),
            scaled_down(rest, rates.rate_rest, "RD-TAX Type B remainder"),
            what="RD-TAX Type B deduction",
        )
        total = checked_sum(deduction_a, deduction_b, what="RD-TAX deduction")
        size = len(total)
        figures = {
            "type_a": type_a,
            "type_b": type_b,
            "first": first,
            "rest": rest,
            "deduction_a": deduction_a,
            "deduction_b": deduction_b,
            "total": total,
        }
        return ColumnVerdict(
            outcomes=np.full(size, ELIGIBLE, dtype=np.int8),
            amount_cents=total,
            branch=np.zeros(size, dtype=np.int8),
            branches=_BRANCHES,
            blanks={
                **{name: (cents, Money) for name, cents in figures.items()},
                "year": (columns["assessment_year"], year_text),
            },
            constants={
                "rate_a": rates.rate_a,
                "rate_first": rates.rate_first,
                "rate_rest": rates.rate_rest,
            },  # fmt: skip
        )

    def case_row(self, columns: Columns, index: int) -> dict[str, Any]:
        """The claim as ``decide`` takes it, amounts written to the cent."""
        return {
            "year_of_assessment": year_text(columns["assessment_year"].item(index)),
            "type_a": cents_text(columns["type_a"].item(index)),
            "type_b": cents_text(columns["type_b"].item(index)),
        }

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[np.int64]]:
        """Raw claims (as ``decide`` takes them) as the columns ``decide_columns`` takes."""
        years: list[int] = []
        type_a: list[int] = []
        type_b: list[int] = []
        for case in cases:
            if case.get("incurred"):
                raise InvalidInputError(
                    "RD-TAX columns take each year's totals; a claim with dated parts "
                    "(incurred) is decided with decide or decide_many"
                )
            years.append(parse_year(case["year_of_assessment"]).start_year)
            type_a.append(input_cents(case.get("type_a", 0)))
            type_b.append(input_cents(case.get("type_b", 0)))
        return {
            "assessment_year": np.array(years, dtype=np.int64),
            "type_a": np.array(type_a, dtype=np.int64),
            "type_b": np.array(type_b, dtype=np.int64),
        }


COLUMNS = ("assessment_year", "type_a", "type_b")
"""The columns ``decide_columns`` takes for R&D claims."""

_BRANCHES = (
    Branch(
        ("type_b_first_tier", "type_a_rate", "type_b_first_rate", "type_b_remainder_rate"),
        tuple(ReasonTemplate(*wording) for wording in WORDING),
    ),
)
"""The formula's one path, read in the order ``Rates.read`` reads it."""


FORMULA = RDTaxColumns()
