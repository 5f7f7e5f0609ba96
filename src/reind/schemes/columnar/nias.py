"""NIAS over columns: ``NIAS.evaluate`` for many applications at once (numpy).

The rule is ``reind.schemes.nias``: its conditions, reason templates and the
parameters it reads, in that order. Each case's path is a state per step;
the distinct paths become the ``Branch`` table. Earlier approvals are held
as a count and a total; the industry is text, "" when not given (so an
empty industry given as such is not a column value: ``columns_of`` refuses
it and such a case is decided one by one). A property test
(``tests/rules/test_columns_nias_psts.py``) holds both to the same decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reind.core.errors import InvalidInputError
from reind.core.money import Money
from reind.rules.columns import (
    ELIGIBLE,
    INELIGIBLE,
    MAX_CENTS,
    TENTATIVE,
    Branch,
    ColumnEvaluation,
    Columns,
    ColumnVerdict,
    ReasonTemplate,
    cents_column,
    cents_text,
    checked_sum,
    choice_column,
    count_column,
    date_column,
    input_cents,
    optional_count_column,
    refuse_unknown_columns,
    scaled_down,
)
from reind.schemes.common import fmt_ratio
from reind.schemes.nias import (
    BELOW_MIN_COST,
    CONDITIONS,
    ENTERPRISE_CAP,
    GRANT,
    LOW_CONTRIBUTION,
    MATCHING,
    NOTHING,
    TOO_MANY,
    industry_blanks,
)

COLUMNS = (
    "received", "total_cost", "ineligible_costs", "enterprise_contribution",
    "incorporated_under", "subvented", "industry", "prior_count", "prior_approved",
)  # fmt: skip
"""The columns ``decide_columns`` takes for NIAS applications."""
INCORPORATIONS = ("cap622", "cap310", "other")
"""The ``incorporated_under`` choices; their position is the column's code (-1: not given)."""
_FACTS = ("cap622", "non_subvented", "strategic_industry")
_YES_NO: dict[bool | None, int] = {None: -1, False: 0, True: 1}
# Stages a case reaches: stopped by a condition, below the minimum cost, too many
# projects, short of the enterprise's contribution, or priced.
_STOPPED, _BELOW, _TOO_MANY, _LOW, _PRICED = 0, 1, 2, 3, 4
_RADICES = (5, 3, 3, 3, 2, 2)
"""Path key: stage, the three conditions' states, cut by the enterprise cap, nothing left."""
assert (ELIGIBLE, INELIGIBLE, TENTATIVE) == (0, 1, 2), "evaluate_columns adds outcome codes"


class NIASColumns:
    """``NIAS``'s formula over columns (``Scheme.vectorised``)."""

    label = "NIAS"

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        """``COLUMNS``: received and total cost required; amounts in cents,
        ``enterprise_contribution`` -1 when not given; ``incorporated_under`` a code into
        ``INCORPORATIONS``; ``subvented`` 1, 0 or -1; ``industry`` text, "" when not given;
        earlier approvals as a count and a total (a total needs a count)."""
        label = self.label
        refuse_unknown_columns(columns, COLUMNS, label)
        industry = columns.get("industry")
        if industry is None:
            industry = np.full(count, "", dtype=np.str_)
        elif industry.dtype.kind != "U":
            raise InvalidInputError(f"NIAS: column industry must hold texts, not {industry.dtype}")
        contribution = optional_count_column(columns, "enterprise_contribution", count, label)
        _refuse(contribution >= MAX_CENTS, "enterprise_contribution must be below 10**15 cents")
        number = count_column(columns, "prior_count", count, label, 0)
        total = cents_column(columns, "prior_approved", count, label, 0)
        _refuse((number == 0) & (total > 0), "prior_approved without a count")
        return {
            "received": date_column(columns, "received", label),
            "total_cost": cents_column(columns, "total_cost", count, label),
            "ineligible_costs": cents_column(columns, "ineligible_costs", count, label, 0),
            "enterprise_contribution": contribution,
            "incorporated_under": choice_column(
                columns, "incorporated_under", count, len(INCORPORATIONS), label
            ),
            "subvented": choice_column(columns, "subvented", count, 2, label),
            "industry": industry,
            "prior_count": number,
            "prior_approved": total,
        }

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        """The dates received."""
        days: NDArray[np.datetime64] = columns["received"]
        return days

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        """``NIAS.evaluate`` step by step over arrays; each case's states make its path key."""
        industries = ev.codes("target_industries")
        allowed = ev.codes("eligible_incorporation")
        incorporated = columns["incorporated_under"]
        industry = columns["industry"]
        facts = (
            np.take(np.array([-1, *(int(c in allowed) for c in INCORPORATIONS)]), incorporated + 1),
            np.where(columns["subvented"] < 0, -1, 1 - columns["subvented"].astype(np.int64)),
            np.where(industry == "", -1, np.isin(industry, industries).astype(np.int64)),
        )
        size = len(incorporated)
        stopped = np.zeros(size, dtype=bool)
        unknown = np.zeros(size, dtype=bool)
        states = []
        for fact in facts:  # 0 met, 1 not given, 2 not met; nothing after a condition not met
            state = np.where(fact < 0, 1, np.where(fact == 1, 0, 2)) * ~stopped
            states.append(state)
            unknown |= state == 1
            stopped |= state == 2

        cost = columns["total_cost"] - columns["ineligible_costs"]
        np.maximum(cost, 0, out=cost)
        minimum = ev.money("min_project_cost")
        below = ~stopped & (cost < minimum.cents)
        counted = columns["prior_count"]
        most = ev.count("enterprise_max_projects")
        too_many = ~stopped & ~below & (counted >= most)
        priced = ~stopped & ~below & ~too_many
        ratio = ev.ratio("matching_share")
        matched = scaled_down(cost, ratio, "NIAS matching share")
        cap = ev.money("project_cap")
        grant = np.minimum(matched, cap.cents)
        total_cap = ev.money("enterprise_total_cap")
        earlier = checked_sum(columns["prior_approved"], what="NIAS earlier approvals")
        room = np.maximum(total_cap.cents - earlier, 0)
        cut = priced & (room < grant)
        grant = np.minimum(grant, room)
        given = columns["enterprise_contribution"]
        contribution = np.where(given < 0, cost - grant, given)
        least = ev.money("min_enterprise_contribution")
        low = priced & (contribution < least.cents)
        nothing = priced & ~low & (grant == 0)
        failed = stopped | below | too_many | low | nothing
        stage = np.select([stopped, below, too_many, low], [_STOPPED, _BELOW, _TOO_MANY, _LOW],
                          _PRICED)  # fmt: skip
        key = np.zeros(size, dtype=np.int64)
        for radix, part in zip(_RADICES, (stage, *states, cut, nothing), strict=True):
            key = key * radix + part
        constants: dict[str, object] = {
            **industry_blanks(industries), "minimum": minimum, "most": most,
            "ratio": fmt_ratio(ratio), "cap": cap, "total_cap": total_cap, "least": least,
        }  # fmt: skip
        return ColumnVerdict.from_paths(
            key,
            _branch,
            failed=failed,
            unknown=unknown,
            amount=grant,
            blanks={
                "cost": (cost, Money),
                "counted": (counted, int),
                "matched": (matched, Money),
                "earlier": (earlier, Money),
                "room": (room, Money),
                "contribution": (contribution, Money),
                "grant": (grant, Money),
            },  # fmt: skip
            constants=constants,
        )

    def case_row(self, columns: Columns, index: int) -> dict[str, Any]:
        """The application as ``decide`` takes it (the canonical form of a column row).

        Earlier approvals become ``prior_count`` approvals, the first carrying
        the whole total, each dated the day the application was received.
        """
        received = columns["received"].item(index).isoformat()
        incorporated = columns["incorporated_under"].item(index)
        subvented = columns["subvented"].item(index)
        contribution = columns["enterprise_contribution"].item(index)
        industry = columns["industry"].item(index)
        number, total = columns["prior_count"].item(index), columns["prior_approved"].item(index)
        return {
            "received": received,
            "total_cost": cents_text(columns["total_cost"].item(index)),
            "ineligible_costs": cents_text(columns["ineligible_costs"].item(index)),
            "enterprise_contribution": None if contribution < 0 else cents_text(contribution),
            "incorporated_under": None if incorporated < 0 else INCORPORATIONS[incorporated],
            "subvented": None if subvented < 0 else subvented == 1,
            "industry": industry or None,
            "prior_approvals": [
                {"amount": cents_text(cents), "approved_on": received}
                for cents in ([total] + [0] * (number - 1) if number else [])
            ],
        }

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        received: list[str] = []
        industries: list[str] = []
        values: dict[str, list[int]] = {
            name: [] for name in COLUMNS if name not in ("received", "industry")
        }
        codes: dict[str | None, int] = {None: -1}
        codes.update((name, code) for code, name in enumerate(INCORPORATIONS))
        for case in cases:
            day = str(case["received"])
            received.append(day)
            industry = case.get("industry")
            if industry == "":
                raise InvalidInputError("NIAS: an empty industry is not a column value")
            industries.append("" if industry is None else str(industry))
            values["total_cost"].append(input_cents(case["total_cost"]))
            values["ineligible_costs"].append(input_cents(case.get("ineligible_costs", 0)))
            given = case.get("enterprise_contribution")
            values["enterprise_contribution"].append(-1 if given is None else input_cents(given))
            values["incorporated_under"].append(codes[case.get("incorporated_under")])
            values["subvented"].append(_YES_NO[case.get("subvented")])
            # Only earlier approvals: a later one is left out, as ``evaluate`` leaves it out.
            prior = [p for p in case.get("prior_approvals", ()) if str(p["approved_on"]) <= day]
            values["prior_count"].append(len(prior))
            values["prior_approved"].append(sum(input_cents(p["amount"]) for p in prior))
        columns: dict[str, NDArray[Any]] = {
            "received": np.array(received, dtype="datetime64[D]"),
            "industry": np.array(industries, dtype=np.str_),
        }
        for name, column in values.items():
            small = name in ("incorporated_under", "subvented")
            columns[name] = np.array(column, dtype=np.int8 if small else np.int64)
        return columns


def _refuse(bad: NDArray[np.bool_], rule: str) -> None:
    if bad.any():
        raise InvalidInputError(f"NIAS: case {int(np.argmax(bad))}: {rule}")


def _branch(key: int) -> Branch:
    """The path numbered ``key`` (the radices of ``_RADICES``): what it read and said."""
    digits = []
    for radix in reversed(_RADICES):
        key, digit = divmod(key, radix)
        digits.append(digit)
    stage, *states = reversed(digits[2:])
    cut, nothing = reversed(digits[:2])
    read: list[str] = ["target_industries", "eligible_incorporation"]
    said: list[ReasonTemplate] = [
        CONDITIONS[code][state - 1] for code, state in zip(_FACTS, states, strict=True) if state
    ]
    if stage == _STOPPED:
        return Branch(tuple(read), tuple(said))
    read.append("min_project_cost")
    if stage == _BELOW:
        return Branch(tuple(read), (*said, BELOW_MIN_COST))
    read.append("enterprise_max_projects")
    if stage == _TOO_MANY:
        return Branch(tuple(read), (*said, TOO_MANY))
    read += ["matching_share", "project_cap", "enterprise_total_cap", "min_enterprise_contribution"]
    said.append(MATCHING)
    if cut:
        said.append(ENTERPRISE_CAP)
    if stage == _LOW:
        return Branch(tuple(read), (*said, LOW_CONTRIBUTION))
    return Branch(tuple(read), (*said, NOTHING if nothing else GRANT))


FORMULA = NIASColumns()
