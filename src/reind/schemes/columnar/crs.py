"""CRS over columns: ``CRS.evaluate`` for many rebate applications at once (numpy).

The rule is ``reind.schemes.crs`` (its reason templates and the parameters
it reads); this runs it over arrays of cents. A project type is text; a
case without one holds "" (so an empty project type given as such is not a
column value: such a case is decided one by one). A property test
(``tests/rules/test_columns.py``) holds both to the same decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reind.core.errors import InvalidInputError
from reind.core.money import Money
from reind.rules.columns import (
    ELIGIBLE,
    INELIGIBLE,
    TENTATIVE,
    Branch,
    ColumnEvaluation,
    Columns,
    ColumnVerdict,
    cents_column,
    cents_text,
    date_column,
    input_cents,
    refuse_unknown_columns,
    scaled_down,
)
from reind.schemes.common import fmt_ratio
from reind.schemes.crs import RATE_UNKNOWN, REBATE, TYPE_NOT_COVERED, TYPE_UNKNOWN, type_names

COLUMNS = ("received", "project_type", "eligible_spending", "ineligible_costs")
"""The columns ``decide_columns`` takes for CRS rebate applications."""
assert (ELIGIBLE, INELIGIBLE, TENTATIVE) == (0, 1, 2), "evaluate_columns adds outcome codes"


class CRSColumns:
    """``CRS``'s formula over columns (``Scheme.vectorised``)."""

    label = "CRS"

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        """``COLUMNS``: received and eligible spending required; amounts in cents;
        ``project_type`` text, "" when not given (the default)."""
        refuse_unknown_columns(columns, COLUMNS, self.label)
        types = columns.get("project_type")
        if types is None:
            types = np.full(count, "", dtype=np.str_)
        elif types.dtype.kind != "U":
            raise InvalidInputError(f"CRS: column project_type must hold texts, not {types.dtype}")
        return {
            "received": date_column(columns, "received", self.label),
            "project_type": types,
            "eligible_spending": cents_column(columns, "eligible_spending", count, self.label),
            "ineligible_costs": cents_column(columns, "ineligible_costs", count, self.label, 0),
        }

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        """The dates received."""
        days: NDArray[np.datetime64] = columns["received"]
        return days

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        """``CRS.evaluate`` over arrays; a case's path is its project type's state."""
        types = ev.codes("eligible_project_types")
        given = columns["project_type"]
        unknown = given == ""
        refused = ~unknown & ~np.isin(given, types)
        spending = columns["eligible_spending"] - columns["ineligible_costs"]
        np.maximum(spending, 0, out=spending)
        ratio = ev.optional("rebate_share")
        known_rate = isinstance(ratio, Fraction)
        rebate = (
            scaled_down(spending, ratio, "CRS rebate")
            if isinstance(ratio, Fraction)
            else np.zeros(len(spending), dtype=np.int64)
        )
        tentative = ~refused & (unknown | (not known_rate))
        paid = ~refused & known_rate
        return ColumnVerdict(
            outcomes=refused.view(np.int8) + (tentative.view(np.int8) << 1),
            amount_cents=rebate * paid,
            branch=unknown.view(np.int8) + (refused.view(np.int8) << 1),
            branches=[_branch(state, known_rate) for state in range(3)],
            blanks={
                "spending": (spending, Money),
                "rebate": (rebate, Money),
                "day": (ev.as_at, date.isoformat),
            },  # fmt: skip
            constants={
                **type_names(types),
                "ratio": fmt_ratio(ratio) if known_rate else None,
            },  # fmt: skip
        )

    def case_row(self, columns: Columns, index: int) -> dict[str, Any]:
        """The rebate application as ``decide`` takes it, amounts written to the cent."""
        project_type = columns["project_type"].item(index)
        return {
            "received": columns["received"].item(index).isoformat(),
            "project_type": project_type or None,
            "eligible_spending": cents_text(columns["eligible_spending"].item(index)),
            "ineligible_costs": cents_text(columns["ineligible_costs"].item(index)),
        }

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw rebate applications as ``decide_columns`` takes them; an empty project type
        (which is not "not given") is refused: decide such a case one by one."""
        received: list[str] = []
        types: list[str] = []
        spent: list[int] = []
        excluded: list[int] = []
        for case in cases:
            project_type = case.get("project_type")
            if project_type == "":
                raise InvalidInputError(
                    "CRS columns hold a project type that is given or not; an empty one is "
                    "decided with decide or decide_many"
                )
            received.append(str(case["received"]))
            types.append(project_type or "")
            spent.append(input_cents(case["eligible_spending"]))
            excluded.append(input_cents(case.get("ineligible_costs", 0)))
        return {
            "received": np.array(received, dtype="datetime64[D]"),
            "project_type": np.array(types, dtype=np.str_),
            "eligible_spending": np.array(spent, dtype=np.int64),
            "ineligible_costs": np.array(excluded, dtype=np.int64),
        }


def _branch(state: int, known_rate: bool) -> Branch:
    """State 0: a covered project type, 1: not given, 2: not covered (the case stops)."""
    read = ("eligible_project_types",)
    if state == 2:
        return Branch(read, (TYPE_NOT_COVERED,))
    said = (TYPE_UNKNOWN,) if state == 1 else ()
    return Branch((*read, "rebate_share"), (*said, REBATE if known_rate else RATE_UNKNOWN))


FORMULA = CRSColumns()
