"""ITVF over columns: ``ITVF.evaluate`` for many co-investment deals at once (numpy).

The rule is ``reind.schemes.itvf``: its conditions, reason templates and the
parameters it reads, in that order. This runs the same steps over arrays;
each deal's path through them is a small state per step, and the distinct
paths become the ``Branch`` table. A property test
(``tests/rules/test_columns_b.py``) holds both to the same decisions.

Two inputs take a canonical form here. The ITVFC's earlier investments in
the investee and alongside the partner fund are held as their totals in
cents (only those dated on or before the deal was received, the ones
``evaluate`` counts). The partner fund's remaining life, a decimal of any
precision, is held as its whole years: the rule compares it with a whole
number of years, and ``life >= n`` is ``floor(life) >= n`` for whole ``n``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
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
    choice_column,
    count_column,
    date_column,
    input_cents,
    optional_count_column,
    refuse_unknown_columns,
    scaled_down,
)
from reind.schemes.itvf import (
    CAPS,
    CONDITIONS,
    FACTS,
    INVESTMENT,
    MATCHING,
    NOTHING,
    REQUESTED,
    STARTUP_DIRECT,
)

PROPOSERS = ("co_investment_partner", "startup")
"""The ``proposer`` choices; their position is the column's code (default 0)."""
_FACT_COLUMNS = ("cp_place_of_business_in_hk", "investee_local")
_OPTIONAL_CENTS = ("requested", "cp_remaining_capital")
PRIORS = ("prior_in_investee", "prior_with_cp")
COLUMNS = (
    "received", "proposer", "cp_investment", *_OPTIONAL_CENTS, "cp_remaining_fund_life_years",
    *_FACT_COLUMNS, *PRIORS,
)  # fmt: skip
"""The columns of an ITVF deal: earlier investments as totals in cents, fund life in years."""
_YES_NO: dict[bool | None, int] = {None: -1, False: 0, True: 1}
_INT64_MAX = 2**63 - 1
# Radices of the path key: startup, refused as direct, four condition states, priced,
# cut to the request, to the investee cap, to the fund cap, nothing left.
_RADICES = (2, 2, 3, 3, 3, 3, 2, 2, 2, 2, 2)
assert (ELIGIBLE, INELIGIBLE, TENTATIVE) == (0, 1, 2), "evaluate_columns adds outcome codes"


class ITVFColumns:
    """``ITVF``'s formula over columns (``Scheme.vectorised``)."""

    label = "ITVF"

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        """``COLUMNS``: received and the partner's investment required; amounts in cents,
        -1 when not given (request, remaining capital); proposer a code into ``PROPOSERS``;
        fund life whole years, -1 when not given; yes/no facts 1, 0 or -1; earlier
        investments totals in cents (default 0)."""
        label = self.label
        refuse_unknown_columns(columns, COLUMNS, label)
        checked: dict[str, NDArray[Any]] = {
            "received": date_column(columns, "received", label),
            "proposer": np.maximum(
                choice_column(columns, "proposer", count, len(PROPOSERS), label), 0
            ),
            "cp_investment": cents_column(columns, "cp_investment", count, label),
            "cp_remaining_fund_life_years": optional_count_column(
                columns, "cp_remaining_fund_life_years", count, label
            ),
        }
        for name in _OPTIONAL_CENTS:
            values = optional_count_column(columns, name, count, label)
            if len(values) and int(values.max()) >= MAX_CENTS:
                first = int(np.argmax(values >= MAX_CENTS))
                raise InvalidInputError(
                    f"{label}: case {first}: {name} must be -1 (not given) or whole cents "
                    f"below 10**15, got {values[first]}"
                )
            checked[name] = values
        for fact in _FACT_COLUMNS:
            checked[fact] = choice_column(columns, fact, count, 2, label)
        for name in PRIORS:
            checked[name] = count_column(columns, name, count, label, 0)
        return checked

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        """The dates received."""
        days: NDArray[np.datetime64] = columns["received"]
        return days

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        """``ITVF.evaluate`` step by step over arrays; each deal's states make its path key."""
        startup = columns["proposer"] == 1
        size = len(startup)
        refused = np.zeros(size, dtype=bool)
        if startup.any():  # read only when some deal needs it, as ``evaluate`` reads it
            refused = startup & (not ev.flag("direct_startup_applications"))
        least_capital = ev.money("cp_min_remaining_capital")
        least_life = ev.count("cp_min_remaining_fund_life")
        capital, life = columns["cp_remaining_capital"], columns["cp_remaining_fund_life_years"]
        facts = [
            np.where(capital < 0, -1, capital >= least_capital.cents),
            np.where(life < 0, -1, life >= least_life),
            *(columns[f] for f in _FACT_COLUMNS),
        ]
        stopped = refused.copy()
        unknown = np.zeros(size, dtype=bool)
        states = []
        for fact in facts:  # 0 met, 1 not given, 2 not met; nothing after a deal stops
            state = np.where(fact < 0, 1, np.where(fact == 1, 0, 2)) * ~stopped
            states.append(state)
            unknown |= state == 1
            stopped |= state == 2

        partner = columns["cp_investment"]
        ratio = ev.ratio("matching_ratio")
        matched = scaled_down(partner, ratio, "ITVF matching")
        deal_cap = ev.money("deal_cap")
        amount = np.minimum(matched, deal_cap.cents)
        requested = columns["requested"]
        asked_less = (requested >= 0) & (requested < amount)
        amount = np.where(asked_less, requested, amount)
        blanks: dict[str, tuple[NDArray[Any], Any]] = {
            "partner": (partner, Money), "matched": (matched, Money),
            "requested": (requested, Money),
        }  # fmt: skip
        constants: dict[str, object] = {
            "least_capital": least_capital, "least_life": least_life, "ratio": str(ratio),
            "deal_cap": deal_cap,
        }  # fmt: skip
        cuts = []
        for name, prior in zip(CAPS, PRIORS, strict=True):
            cap = constants[name] = ev.money(name)
            earlier = columns[prior]
            room = np.maximum(cap.cents - earlier, 0)
            cut = room < amount
            amount = np.where(cut, room, amount)
            cuts.append(cut)
            blanks[f"{name}_earlier"] = (earlier, Money)
            blanks[f"{name}_room"] = (room, Money)
        priced = ~stopped
        nothing = amount == 0
        failed = stopped | nothing
        blanks["investment"] = (amount, Money)
        parts = (startup, refused, *states, priced, priced & asked_less,
                 *(priced & cut for cut in cuts), priced & nothing)  # fmt: skip
        key = np.zeros(size, dtype=np.int64)
        for radix, part in zip(_RADICES, parts, strict=True):
            key = key * radix + part
        return ColumnVerdict.from_paths(
            key,
            _branch,
            failed=failed,
            unknown=unknown,
            amount=amount,
            blanks=blanks,
            constants=constants,
        )

    def case_row(self, columns: Columns, index: int) -> dict[str, Any]:
        """The deal as ``decide`` takes it (the canonical form of a column row).

        Earlier investments become as few as can hold their total (each at most
        the largest amount an input takes), dated the day the deal was received.
        """
        received = columns["received"].item(index).isoformat()
        row: dict[str, Any] = {
            "received": received,
            "proposer": PROPOSERS[columns["proposer"].item(index)],
            "cp_investment": cents_text(columns["cp_investment"].item(index)),
        }
        for name in (*_OPTIONAL_CENTS, "cp_remaining_fund_life_years"):
            value = columns[name].item(index)
            row[name] = None if value < 0 else (cents_text(value) if name in _OPTIONAL_CENTS
                                                else value)  # fmt: skip
        for fact in _FACT_COLUMNS:
            code = columns[fact].item(index)
            row[fact] = None if code < 0 else code == 1
        for name in PRIORS:
            total, parts = columns[name].item(index), []
            while total:
                part = min(total, MAX_CENTS - 1)
                parts.append({"amount": cents_text(part), "approved_on": received})
                total -= part
            row[name] = parts
        return row

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw deals (as ``decide`` takes them) as ``decide_columns`` takes them."""
        received: list[str] = []
        numbers: dict[str, list[int]] = {name: [] for name in COLUMNS[1:]}
        proposers = {name: code for code, name in enumerate(PROPOSERS)}
        for case in cases:
            day = str(case["received"])
            received.append(day)
            numbers["proposer"].append(proposers[case.get("proposer", PROPOSERS[0])])
            numbers["cp_investment"].append(input_cents(case["cp_investment"]))
            for name in _OPTIONAL_CENTS:
                given = case.get(name)
                numbers[name].append(-1 if given is None else input_cents(given))
            numbers["cp_remaining_fund_life_years"].append(
                _whole_years(case.get("cp_remaining_fund_life_years"))
            )
            for fact in _FACT_COLUMNS:
                numbers[fact].append(_YES_NO[case.get(fact)])
            # Only earlier investments: a later one is left out, as ``evaluate`` leaves it out.
            for name in PRIORS:
                numbers[name].append(
                    sum(input_cents(p["amount"]) for p in case.get(name, ())
                        if str(p["approved_on"]) <= day)
                )  # fmt: skip
        columns: dict[str, NDArray[Any]] = {"received": np.array(received, dtype="datetime64[D]")}
        for name, values in numbers.items():
            if any(v > _INT64_MAX for v in values):
                raise InvalidInputError(f"ITVF: {name} does not fit a column of 64-bit integers")
            small = name == "proposer" or name in _FACT_COLUMNS
            columns[name] = np.array(values, dtype=np.int8 if small else np.int64)
        return columns


def _whole_years(given: object) -> int:
    """A remaining fund life (``"5.5"``, 5, a Decimal) as whole years; -1 when not given."""
    if given is None:
        return -1
    return int(Decimal(str(given).strip()))  # the input is >= 0: int() is the floor


def _branch(key: int) -> Branch:
    """The path numbered ``key`` (the radices of ``_RADICES``): what it read and said."""
    digits = []
    for radix in reversed(_RADICES):
        key, digit = divmod(key, radix)
        digits.append(digit)
    startup, refused, *states, priced, asked_less, investee_cut, fund_cut, nothing = reversed(
        digits
    )
    read: list[str] = ["direct_startup_applications"] if startup else []
    if refused:
        return Branch(tuple(read), (STARTUP_DIRECT,))
    read += ["cp_min_remaining_capital", "cp_min_remaining_fund_life"]
    said: list[ReasonTemplate] = [
        CONDITIONS[code][state - 1] for code, state in zip(FACTS, states, strict=True) if state
    ]
    if not priced:
        return Branch(tuple(read), tuple(said))
    read += ["matching_ratio", "deal_cap", *CAPS]
    said.append(MATCHING)
    if asked_less:
        said.append(REQUESTED)
    said += [CAPS[name] for name, cut in zip(CAPS, (investee_cut, fund_cut), strict=True) if cut]
    return Branch(tuple(read), (*said, NOTHING if nothing else INVESTMENT))


FORMULA = ITVFColumns()
