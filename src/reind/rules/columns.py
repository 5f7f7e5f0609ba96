"""What a scheme's vectorised formula works with: cases as columns, verdicts as arrays.

Deciding a million cases one ``Decision`` object at a time costs microseconds
of Python per case; a formula over numpy arrays costs nanoseconds (ADR 0051).
A scheme that takes cases as columns (one array per input: dates as
``datetime64[D]``, amounts as int64 cents, yes/no facts as int8 with -1 for
"not given", choices as int8 codes) returns a ``ColumnVerdict``: outcome codes,
amounts in cents, and for each case the *branch* its formula took. A branch
names the parameters that path reads, in order, and the reasons it gives as
templates; the numbers that fill the templates' blanks stay in arrays, so a
case's trace and reasons are built only when someone asks for that case.

All money arithmetic is exact in int64 cents and refuses, with a RuleError,
anything that could overflow 2**63 rather than wrap silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reind.core.errors import InvalidInputError, RuleError
from reind.core.money import Money
from reind.rules.branches import ELIGIBLE, INELIGIBLE, OUTCOMES, TENTATIVE, Branch, ReasonTemplate
from reind.rules.decision import Reason
from reind.rules.evaluation import IN_OPERATION, Evaluation, InForce
from reind.rules.parameters import ChosenValue
from reind.rules.values import ParamValue

__all__ = [
    "ELIGIBLE",
    "INELIGIBLE",
    "MAX_CENTS",
    "OUTCOMES",
    "TENTATIVE",
    "Blank",
    "Branch",
    "ColumnEvaluation",
    "ColumnVerdict",
    "Columns",
    "ReasonTemplate",
    "cents_column",
    "cents_text",
    "checked_sum",
    "choice_column",
    "chosen",
    "count_column",
    "date_column",
    "day_of",
    "optional_count_column",
    "optional_date_column",
    "text_column",
    "input_cents",
    "literal_branch",
    "refuse_unknown_columns",
    "scaled_down",
]

Columns = Mapping[str, NDArray[Any]]
"""Cases of one scheme as columns: input name -> one array with a value per case."""

MAX_CENTS = 10**15
"""Inputs are at most 15 digits with 2 decimals (``HKDAmount``): below 10**15 cents."""
_INT64_LIMIT = 2**63
_FIRST_DAY, _LAST_DAY = np.datetime64("0001-01-01", "D"), np.datetime64("9999-12-31", "D")


Blank = tuple[NDArray[Any], Callable[[Any], object]]
"""A blank of the reasons: one number per case and how to show it (``Money``, ``int``...)."""


@dataclass(frozen=True, slots=True)
class ColumnVerdict:
    """A vectorised formula's result for the cases it was given, in order.

    ``outcomes`` are codes into ``OUTCOMES``; ``branch`` indexes ``branches``;
    ``blanks`` hold per-case numbers and ``constants`` the values the same for
    every case (a cap, a rate) that fill the reasons' blanks.
    """

    outcomes: NDArray[np.int8]
    amount_cents: NDArray[np.int64]
    branch: NDArray[np.integer[Any]]
    branches: Sequence[Branch]
    blanks: Mapping[str, Blank] = field(default_factory=dict)
    constants: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def from_paths(
        cls,
        key: NDArray[np.int64],
        branch_of: Callable[[int], Branch],
        *,
        failed: NDArray[np.bool_],
        unknown: NDArray[np.bool_],
        amount: NDArray[np.int64],
        blanks: Mapping[str, Blank] | None = None,
        constants: Mapping[str, object] | None = None,
    ) -> ColumnVerdict:
        """The verdict of cases whose path through the rule is one integer each (``key``):
        refused where ``failed``, else tentative where ``unknown``; ``amount`` unless refused;
        each distinct path's branch built once by ``branch_of``. One place for the outcome
        codes, shared by every formula that packs its paths."""
        paths, branch = np.unique(key, return_inverse=True)
        return cls(
            outcomes=failed.view(np.int8) + ((unknown & ~failed).view(np.int8) << 1),
            amount_cents=amount * ~failed,
            branch=branch.reshape(len(key)),
            branches=[branch_of(int(k)) for k in paths],
            blanks=blanks or {},
            constants=constants or {},
        )

    def reasons(self, row: int) -> tuple[Reason, ...]:
        """The reasons of case ``row``, formatted lazily like ``Evaluation.explain``'s."""
        values = dict(self.constants)
        for name, (numbers, shown) in self.blanks.items():
            values[name] = shown(numbers.item(row))
        templates = self.branches[int(self.branch[row])].reasons
        return tuple(Reason(t.code, t.en, t.zh, values) for t in templates)


class ColumnEvaluation:
    """Parameters in force for a group of cases that all read the same values.

    The typed getters are ``Evaluation``'s; nothing is traced here because the
    trace of each case follows from its branch. ``as_at`` holds each case's
    own date (they may differ within the group, but no parameter does).
    """

    __slots__ = ("_ev", "_read", "as_at", "scheme")

    def __init__(
        self,
        in_force: InForce,
        as_at: NDArray[np.datetime64],
        read: frozenset[str] | None = None,
    ) -> None:
        self._ev = Evaluation(in_force)
        self._read = read
        self.scheme = in_force.scheme
        self.as_at = as_at

    def _allowed(self, name: str) -> str:
        # Cases were grouped by changes in the declared parameters only: reading
        # another could differ within the group, so it is refused, not guessed.
        if self._read is not None and name not in self._read:
            raise RuleError(
                f"{self.scheme.upper()}: evaluate_columns reads {name}, which the scheme's "
                "column_parameters leave out"
            )
        return name

    def optional(self, name: str) -> ParamValue | None:
        """The value of ``name`` in force, or None."""
        return self._ev.optional(self._allowed(name))

    def money(self, name: str) -> Money:
        """A parameter in HK$."""
        return self._ev.money(self._allowed(name))

    def ratio(self, name: str) -> Fraction:
        """A ratio or multiplier parameter, exact."""
        return self._ev.ratio(self._allowed(name))

    def count(self, name: str) -> int:
        """A whole-number parameter."""
        return self._ev.count(self._allowed(name))

    def flag(self, name: str) -> bool:
        """A boolean parameter."""
        return self._ev.flag(self._allowed(name))

    def codes(self, name: str) -> tuple[str, ...]:
        """A list-of-identifiers parameter."""
        return self._ev.codes(self._allowed(name))

    def money_on(self, name: str, event: str, day: date) -> Money:
        """A parameter in HK$ in force on ``day``, the date of ``event`` (``Evaluation.on``).

        A branch that reads it names it ``name@event@day`` (``chosen``), so the
        case's trace shows the value with the event and date that chose it.
        """
        return self._ev.on(event, day).money(self._allowed(name))

    def for_case(self, day: date) -> Evaluation:
        """A traced ``Evaluation`` of one case dated ``day`` (its own date, in this group).

        For a formula that decides a row case by case because no column holds
        what it needs (``literal_branch`` makes the result that row's branch).
        """
        return Evaluation(self._ev._in_force.on(day))


def chosen(name: str, event: str, day: date) -> str:
    """How a branch names ``name`` read on the date of ``event`` (as ``Evaluation.on`` keys it)."""
    return f"{name}@{event}@{day.isoformat()}"


def literal_branch(ev: Evaluation) -> Branch:
    """The branch a case decided on its own took: what ``ev`` read and said, as written.

    Reasons are already worded, so their braces are escaped for ``str.format``.
    """
    names = tuple(
        chosen(v.parameter.partition(".")[2], v.event, v.event_date)
        if isinstance(v, ChosenValue) and v.event_date is not None
        else v.parameter.partition(".")[2]  # traced as ``scheme.name``
        for v in ev.trace
    )
    said = tuple(ReasonTemplate(r.code, _escaped(r.en), _escaped(r.zh)) for r in ev.reasons)
    return Branch(tuple(n for n in names if n != IN_OPERATION), said)


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


# ------------------------------------------------------------ exact arithmetic


def scaled_down(cents: NDArray[np.int64], ratio: Fraction, what: str) -> NDArray[np.int64]:
    """``cents x ratio`` rounded down to the cent, as ``share`` rounds one amount.

    Raises RuleError when the product could pass 2**63 (cents are never negative).
    """
    numerator, denominator = ratio.numerator, ratio.denominator
    if len(cents) and int(cents.max()) * numerator >= _INT64_LIMIT:
        raise RuleError(
            f"{what}: {int(cents.max())} cents x {numerator} would overflow 64-bit integers"
        )
    scaled = cents if numerator == 1 else cents * numerator
    return scaled if denominator == 1 else scaled // denominator


def checked_sum(*parts: NDArray[np.int64], what: str) -> NDArray[np.int64]:
    """The element-wise sum of non-negative amounts; RuleError if it could pass 2**63."""
    if len(parts[0]) and sum(int(p.max()) for p in parts) >= _INT64_LIMIT:
        raise RuleError(f"{what}: the sum would overflow 64-bit integers")
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def cents_text(cents: int) -> str:
    """Non-negative cents as an applicant writes the amount: ``"1234.50"``."""
    return f"{cents // 100}.{cents % 100:02d}"


def input_cents(amount: object) -> int:
    """A raw input amount (``"1234.50"``, ``"5e6"``, an int or a Decimal) in whole cents."""
    if isinstance(amount, str) and len(amount) > 3 and amount[-3] == "." and amount.isascii():
        whole, part = amount[:-3], amount[-2:]
        if whole.isdigit() and part.isdigit():
            return int(whole) * 100 + int(part)
    try:
        scaled = Decimal(str(amount).strip()).scaleb(2)
    except InvalidOperation:
        raise InvalidInputError(f"not an amount of money: {amount!r}") from None
    if not scaled.is_finite() or scaled != scaled.to_integral_value():
        raise InvalidInputError(f"not an amount in whole cents: {amount!r}")
    return int(scaled)


# ---------------------------------------------------------- reading columns


def refuse_unknown_columns(columns: Columns, known: Sequence[str], label: str) -> None:
    """An InvalidInputError naming any column the scheme does not take."""
    unknown = sorted(set(columns) - set(known))
    if unknown:
        raise InvalidInputError(
            f"{label}: unknown column(s) {', '.join(unknown)}; expected {', '.join(known)}"
        )


def _integers(
    columns: Columns, name: str, count: int, default: int | None, label: str
) -> NDArray[Any]:
    found = columns.get(name)
    if found is None:
        if default is None:
            raise InvalidInputError(f"{label}: column {name} is required")
        return np.full(count, default, dtype=np.int64)
    if found.dtype.kind not in "iub":
        raise InvalidInputError(f"{label}: column {name} must hold integers, not {found.dtype}")
    return found


def _refuse(bad: NDArray[np.bool_], values: NDArray[Any], name: str, rule: str, label: str) -> None:
    if bad.any():
        first = int(np.argmax(bad))
        raise InvalidInputError(f"{label}: case {first}: {name} {rule}, got {values[first]}")


def _within(values: NDArray[Any], low: int, high: int, name: str, rule: str, label: str) -> None:
    """Refuse any value outside ``low..high``, naming the first; two reductions when all fit."""
    if not len(values) or (int(values.min()) >= low and int(values.max()) <= high):
        return
    _refuse((values < low) | (values > high), values, name, rule, label)


def cents_column(
    columns: Columns, name: str, count: int, label: str, default: int | None = None
) -> NDArray[np.int64]:
    """An amount column in cents: 0 <= cents < 10**15, as int64."""
    values = _integers(columns, name, count, default, label)
    _within(values, 0, MAX_CENTS - 1, name, "must be whole cents from 0 to 10**15 - 1", label)
    return values.astype(np.int64, copy=False)


def count_column(
    columns: Columns, name: str, count: int, label: str, default: int | None = None
) -> NDArray[np.int64]:
    """A non-negative whole-number column, as int64."""
    values = _integers(columns, name, count, default, label)
    _within(values, 0, _INT64_LIMIT - 1, name, "must be a whole number >= 0", label)
    return values.astype(np.int64, copy=False)


def choice_column(
    columns: Columns, name: str, count: int, choices: int, label: str
) -> NDArray[np.int8]:
    """A choice among ``choices`` codes (0..choices-1), or -1 for "not given" (the default).

    A yes/no fact is a choice of two: 0 no, 1 yes, -1 not given.
    """
    values = _integers(columns, name, count, -1, label)
    _within(values, -1, choices - 1, name, f"must be -1 (not given) or 0..{choices - 1}", label)
    return values.astype(np.int8, copy=False)


def date_column(columns: Columns, name: str, label: str) -> NDArray[np.datetime64]:
    """A date column as ``datetime64[D]`` (integers count days from 1970-01-01)."""
    found = columns.get(name)
    if found is None:
        raise InvalidInputError(f"{label}: column {name} is required")
    if found.dtype.kind == "M":
        days = found.astype("datetime64[D]", copy=False)
    elif found.dtype.kind in "iu":
        days = found.astype(np.int64, copy=False).astype("datetime64[D]")
    else:
        raise InvalidInputError(f"{label}: column {name} must hold dates, not {found.dtype}")
    if len(days):
        # NaT sorts first in min (numpy >= 1.18), so two reductions check the lot.
        low, high = days.min(), days.max()
        if np.isnat(low) or low < _FIRST_DAY or high > _LAST_DAY:
            bad = np.isnat(days) | (days < _FIRST_DAY) | (days > _LAST_DAY)
            _refuse(bad, days, name, "must be a date from 0001-01-01 to 9999-12-31", label)
    return days


def optional_date_column(columns: Columns, name: str, count: int, label: str) -> NDArray[Any]:
    """A date column where NaT means "not given" (the default when the column is absent)."""
    found = columns.get(name)
    if found is None:
        return np.full(count, np.datetime64("NaT"), dtype="datetime64[D]")
    if found.dtype.kind != "M":
        raise InvalidInputError(f"{label}: column {name} must hold dates, not {found.dtype}")
    days = found.astype("datetime64[D]", copy=False)
    given = days[~np.isnat(days)]
    if len(given) and (given.min() < _FIRST_DAY or given.max() > _LAST_DAY):
        bad = ~np.isnat(days) & ((days < _FIRST_DAY) | (days > _LAST_DAY))
        _refuse(bad, days, name, "must be a date from 0001-01-01 to 9999-12-31", label)
    return days


def optional_count_column(columns: Columns, name: str, count: int, label: str) -> NDArray[np.int64]:
    """A whole number >= 0, or -1 for "not given" (the default), as int64."""
    values = _integers(columns, name, count, -1, label)
    _within(values, -1, _INT64_LIMIT - 1, name, "must be -1 (not given) or a whole number", label)
    return values.astype(np.int64, copy=False)


def text_column(columns: Columns, name: str, label: str) -> NDArray[np.str_]:
    """A required column of non-empty texts (codes such as an activity), as numpy strings."""
    found = columns.get(name)
    if found is None:
        raise InvalidInputError(f"{label}: column {name} is required")
    if found.dtype.kind != "U":
        raise InvalidInputError(f"{label}: column {name} must hold texts, not {found.dtype}")
    empty = found == ""
    if empty.any():
        _refuse(empty, found, name, "must not be empty", label)
    return found


def day_of(value: np.datetime64) -> date:
    """A ``datetime64[D]`` scalar as a ``date``."""
    found = value.astype("datetime64[D]").item()
    assert isinstance(found, date)
    return found
