"""ITVF-ES over columns: ``ITVFEnhanced.evaluate`` for many applications at once (numpy).

The rule is ``reind.schemes.itvf_enhanced``: its conditions, reason templates
and the parameters it reads. This runs the same steps over arrays; each
case's path is its conditions' states plus two flags, and the distinct paths
become the ``Branch`` table. A property test (``tests/rules/test_columns_b.py``)
holds both to the same decisions.

The three shares are exact decimals of any precision in a case; here each is
a whole number of 10**-18 (``SHARE_UNIT``), so ``share >= p/q`` is the exact
integer test ``units >= ceil(p x 10**18 / q)`` with the threshold worked out
once in Python integers. A share with more than 18 decimal places does not
fit a column: ``columns_of`` refuses it, and such a case is decided one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
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
    ReasonTemplate,
    cents_column,
    cents_text,
    choice_column,
    date_column,
    input_cents,
    refuse_unknown_columns,
    scaled_down,
)
from reind.schemes.itvf_enhanced import (
    COMMITMENT,
    CONDITIONS,
    FACTS,
    MATCHING,
    TOO_SMALL,
    condition_blanks,
)

FUND_FORMS = ("cap637_limited_partnership", "other")
"""The ``fund_form`` choices; their position is the column's code (-1: not given)."""
SHARES = ("hk_ecosystem_share", "hk_company_share", "investee_hk_spend_share")
COLUMNS = ("received", "market_capital", "fund_form", "sector", *SHARES)
"""The columns ``decide_columns`` takes for ITVF-ES applications."""
SHARE_UNIT = 10**18
"""A share column counts units of 1/SHARE_UNIT (-1: not given); 1 is SHARE_UNIT."""
# Radices of the path key: five condition states, priced, too small.
_RADICES = (3, 3, 3, 3, 3, 2, 2)
assert (ELIGIBLE, INELIGIBLE, TENTATIVE) == (0, 1, 2), "evaluate_columns adds outcome codes"


class ITVFEnhancedColumns:
    """``ITVFEnhanced``'s formula over columns (``Scheme.vectorised``)."""

    label = "ITVF-ES"

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        """``COLUMNS``: received and market capital required; capital in cents; fund form
        a code into ``FUND_FORMS``; sector text, "" when not given; shares in units of
        ``SHARE_UNIT``, from 0 to 1, -1 when not given."""
        label = self.label
        refuse_unknown_columns(columns, COLUMNS, label)
        sectors = columns.get("sector")
        if sectors is None:
            sectors = np.full(count, "", dtype=np.str_)
        elif sectors.dtype.kind != "U":
            raise InvalidInputError(f"{label}: column sector must hold texts, not {sectors.dtype}")
        checked: dict[str, NDArray[Any]] = {
            "received": date_column(columns, "received", label),
            "market_capital": cents_column(columns, "market_capital", count, label),
            "fund_form": choice_column(columns, "fund_form", count, len(FUND_FORMS), label),
            "sector": sectors,
        }
        for name in SHARES:
            found = columns.get(name)
            values = np.full(count, -1, dtype=np.int64) if found is None else found
            if values.dtype.kind not in "iu":
                raise InvalidInputError(f"{label}: column {name} must hold integers")
            bad = (values < -1) | (values > SHARE_UNIT)
            if bad.any():
                first = int(np.argmax(bad))
                raise InvalidInputError(
                    f"{label}: case {first}: {name} must be -1 (not given) or 0..{SHARE_UNIT}, "
                    f"got {values[first]}"
                )
            checked[name] = values.astype(np.int64, copy=False)
        return checked

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        """The dates received."""
        days: NDArray[np.datetime64] = columns["received"]
        return days

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        """``ITVFEnhanced.evaluate`` step by step over arrays; states make the path key."""
        forms = ev.codes("eligible_fund_forms")
        sectors = ev.codes("target_sectors")
        least_shares = [ev.ratio(f"min_{name}") for name in SHARES]
        form = columns["fund_form"]
        facts = [
            np.take(np.array([-1, *(int(f in forms) for f in FUND_FORMS)]), form + 1),
            np.where(columns["sector"] == "", -1, np.isin(columns["sector"], sectors)),
        ]
        for name, lowest in zip(SHARES, least_shares, strict=True):
            units = columns[name]
            facts.append(np.where(units < 0, -1, units >= _threshold(lowest)))
        size = len(form)
        stopped = np.zeros(size, dtype=bool)
        unknown = np.zeros(size, dtype=bool)
        states = []
        for fact in facts:  # 0 met, 1 not given, 2 not met; nothing after a case stops
            state = np.where(fact < 0, 1, np.where(fact == 1, 0, 2)) * ~stopped
            states.append(state)
            unknown |= state == 1
            stopped |= state == 2

        raised = columns["market_capital"]
        ratio = ev.ratio("government_per_market_dollar")
        matched = scaled_down(raised, ratio, "ITVF-ES commitment")
        least = ev.money("min_commitment_per_fund")
        most = ev.money("max_commitment_per_fund")
        priced = ~stopped
        small = priced & (matched < least.cents)
        commitment = np.minimum(matched, most.cents)
        failed = stopped | small
        key = np.zeros(size, dtype=np.int64)
        for radix, part in zip(_RADICES, (*states, priced, small), strict=True):
            key = key * radix + part
        constants = condition_blanks(sectors, *least_shares)
        constants.update(ratio=str(ratio), least=least, most=most)
        return ColumnVerdict.from_paths(
            key,
            _branch,
            failed=failed,
            unknown=unknown,
            amount=commitment,
            blanks={
                "raised": (raised, Money),
                "matched": (matched, Money),
                "commitment": (commitment, Money),
            },
            constants=constants,
        )

    def case_row(self, columns: Columns, index: int) -> dict[str, Any]:
        """The application as ``decide`` takes it (the canonical form of a column row)."""
        form = columns["fund_form"].item(index)
        row: dict[str, Any] = {
            "received": columns["received"].item(index).isoformat(),
            "market_capital": cents_text(columns["market_capital"].item(index)),
            "fund_form": None if form < 0 else FUND_FORMS[form],
            "sector": columns["sector"].item(index) or None,
        }
        for name in SHARES:
            units = columns[name].item(index)
            row[name] = None if units < 0 else _share_text(units)
        return row

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them.

        An empty sector (which is not "not given") or a share with more than 18
        decimal places is refused: decide such a case with ``decide`` or ``decide_many``.
        """
        received: list[str] = []
        capital: list[int] = []
        forms: list[int] = []
        sectors: list[str] = []
        shares: dict[str, list[int]] = {name: [] for name in SHARES}
        codes: dict[str | None, int] = {None: -1}
        codes.update((name, code) for code, name in enumerate(FUND_FORMS))
        for case in cases:
            sector = case.get("sector")
            if sector == "":
                raise InvalidInputError(
                    "ITVF-ES columns hold a sector that is given or not; an empty one is "
                    "decided with decide or decide_many"
                )
            received.append(str(case["received"]))
            capital.append(input_cents(case["market_capital"]))
            forms.append(codes[case.get("fund_form")])
            sectors.append(sector or "")
            for name in SHARES:
                shares[name].append(_share_units(case.get(name)))
        columns: dict[str, NDArray[Any]] = {
            "received": np.array(received, dtype="datetime64[D]"),
            "market_capital": np.array(capital, dtype=np.int64),
            "fund_form": np.array(forms, dtype=np.int8),
            "sector": np.array(sectors, dtype=np.str_),
        }
        for name, values in shares.items():
            columns[name] = np.array(values, dtype=np.int64)
        return columns


def _threshold(least: Fraction) -> int:
    """The fewest units of ``SHARE_UNIT`` that are at least ``least`` (capped just past 1)."""
    return min(-(-least.numerator * SHARE_UNIT // least.denominator), SHARE_UNIT + 1)


def _share_units(given: object) -> int:
    """A raw share (``"0.5"``, 1, a Decimal) as units of ``SHARE_UNIT``; -1 when not given."""
    if given is None:
        return -1
    try:
        scaled = Decimal(str(given).strip()).scaleb(18)
    except InvalidOperation:
        raise InvalidInputError(f"not a share: {given!r}") from None
    if not scaled.is_finite() or scaled != scaled.to_integral_value():
        raise InvalidInputError(
            f"ITVF-ES columns hold shares to 18 decimal places; {given!r} is decided with "
            "decide or decide_many"
        )
    return int(scaled)


def _share_text(units: int) -> str:
    """Units of ``SHARE_UNIT`` as the decimal an applicant writes: ``"0.5"``."""
    return format(Decimal(units).scaleb(-18).normalize(), "f")


def _branch(key: int) -> Branch:
    """The path numbered ``key`` (the radices of ``_RADICES``): what it read and said."""
    digits = []
    for radix in reversed(_RADICES):
        key, digit = divmod(key, radix)
        digits.append(digit)
    *states, priced, small = reversed(digits)
    read: list[str] = ["eligible_fund_forms", "target_sectors", "min_hk_ecosystem_share",
                       "min_hk_company_share", "min_investee_hk_spend_share"]  # fmt: skip
    said: list[ReasonTemplate] = [
        CONDITIONS[code][state - 1] for code, state in zip(FACTS, states, strict=True) if state
    ]
    if not priced:
        return Branch(tuple(read), tuple(said))
    read += ["government_per_market_dollar", "min_commitment_per_fund", "max_commitment_per_fund"]
    said.append(MATCHING)
    return Branch(tuple(read), (*said, TOO_SMALL if small else COMMITMENT))


FORMULA = ITVFEnhancedColumns()
