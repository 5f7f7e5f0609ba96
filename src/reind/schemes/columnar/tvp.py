"""TVP over columns: ``TVP.evaluate`` for many applications at once (numpy).

The rule is ``reind.schemes.tvp``: its conditions, reason templates and the
parameters it reads, in that order. Each case's path is a state per step;
the distinct paths become the ``Branch`` table. Earlier approvals are held
as counts and totals, the enterprise's own apart from its related
entities', because whether the latter count is a dated parameter
(``related_entities_aggregated``). A property test
(``tests/rules/test_columns.py``) holds both to the same decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
from reind.schemes.tvp import (
    CONDITIONS,
    CUMULATIVE,
    GRANT,
    INITIAL_PAYMENT,
    MATCHING,
    NOTHING,
    REGISTRATIONS,
    TOO_MANY,
    WHOSE,
)

COLUMNS = (
    "received", "total_cost", "ineligible_costs", "registration", "listed", "subvented",
    "substantive_business_in_hk", "duration_months", "prior_own_count", "prior_own_approved",
    "prior_related_count", "prior_related_approved",
)  # fmt: skip
"""The columns ``decide_columns`` takes for TVP applications."""
_FACTS = ("registration", "non_listed", "not_subvented", "substantive_business", "duration")
_CODES = frozenset(("registration", "listed", "subvented", "substantive_business_in_hk"))
_YES_NO: dict[bool | None, int] = {None: -1, False: 0, True: 1}
_STOPPED, _TOO_MANY, _PRICED = 0, 1, 2
_RADICES = (3, 3, 3, 3, 3, 3, 2, 2, 2)
"""Path key: stage, the five conditions' states, cut by the ceiling, nothing left, initial."""
assert (ELIGIBLE, INELIGIBLE, TENTATIVE) == (0, 1, 2), "evaluate_columns adds outcome codes"


class TVPColumns:
    """``TVP``'s formula over columns (``Scheme.vectorised``)."""

    label = "TVP"

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        """``COLUMNS``: received and total cost required; amounts in cents; registration a
        code into ``REGISTRATIONS``; yes/no facts 1, 0 or -1; ``duration_months`` -1 when not
        given; earlier approvals as counts and totals (a total needs a count)."""
        label = self.label
        refuse_unknown_columns(columns, COLUMNS, label)
        checked: dict[str, NDArray[Any]] = {
            "received": date_column(columns, "received", label),
            "total_cost": cents_column(columns, "total_cost", count, label),
            "ineligible_costs": cents_column(columns, "ineligible_costs", count, label, 0),
            "registration": choice_column(
                columns, "registration", count, len(REGISTRATIONS), label
            ),
            "duration_months": optional_count_column(columns, "duration_months", count, label),
        }
        for fact in ("listed", "subvented", "substantive_business_in_hk"):
            checked[fact] = choice_column(columns, fact, count, 2, label)
        for whose in ("own", "related"):
            number = count_column(columns, f"prior_{whose}_count", count, label, 0)
            total = cents_column(columns, f"prior_{whose}_approved", count, label, 0)
            _refuse(number == 0, total > 0, f"prior_{whose}_approved without a count")
            checked[f"prior_{whose}_count"], checked[f"prior_{whose}_approved"] = number, total
        _refuse(checked["duration_months"] == 0, None, "duration_months must not be 0")
        return checked

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        """The dates received."""
        days: NDArray[np.datetime64] = columns["received"]
        return days

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        """``TVP.evaluate`` step by step over arrays; each case's states make its path key."""
        allowed = ev.codes("eligible_registration")
        longest = ev.count("max_duration")
        registration = columns["registration"]
        registered = np.take(
            np.array([-1, *(int(code in allowed) for code in REGISTRATIONS)]), registration + 1
        )
        duration = columns["duration_months"]
        facts = (
            registered, _negated(columns["listed"]), _negated(columns["subvented"]),
            columns["substantive_business_in_hk"],
            np.where(duration < 0, -1, (duration <= longest).astype(np.int64)),
        )  # fmt: skip
        size = len(registration)
        stopped = np.zeros(size, dtype=bool)
        unknown = np.zeros(size, dtype=bool)
        states = []
        for fact in facts:  # 0 met, 1 not given, 2 not met; nothing after a condition not met
            live = ~stopped
            state = np.where(fact < 0, 1, np.where(fact == 1, 0, 2)) * live
            states.append(state)
            unknown |= state == 1
            stopped |= state == 2

        aggregated = ev.flag("related_entities_aggregated")
        counted, used = columns["prior_own_count"], columns["prior_own_approved"]
        if aggregated:
            counted = counted + columns["prior_related_count"]
            used = checked_sum(used, columns["prior_related_approved"], what="TVP approvals")
        most = ev.optional("max_projects")
        too_many = ~stopped & (counted >= most if isinstance(most, int) else False)
        ratio = ev.ratio("matching_share")
        cost = columns["total_cost"] - columns["ineligible_costs"]
        np.maximum(cost, 0, out=cost)
        matched = scaled_down(cost, ratio, "TVP matching share")
        ceiling = ev.money("cumulative_ceiling")
        room = np.maximum(ceiling.cents - used, 0)
        priced = ~stopped & ~too_many
        cut = priced & (matched > room)
        grant = np.minimum(matched, room)
        nothing = priced & (grant == 0)
        initial = ev.optional("initial_payment_share")
        paid_first = isinstance(initial, Fraction)
        initial_amount = (
            scaled_down(grant, initial, "TVP initial payment")
            if isinstance(initial, Fraction)
            else np.zeros(size, dtype=np.int64)
        )
        failed = stopped | too_many | nothing
        stage = np.where(stopped, _STOPPED, np.where(too_many, _TOO_MANY, _PRICED))
        key = np.zeros(size, dtype=np.int64)
        for radix, part in zip(
            _RADICES, (stage, *states, cut, nothing, priced & ~nothing & paid_first), strict=True
        ):
            key = key * radix + part
        constants: dict[str, object] = {
            "longest": longest, "most": most, "ratio": fmt_ratio(ratio), "ceiling": ceiling,
            **WHOSE[aggregated],
            "initial": fmt_ratio(initial) if isinstance(initial, Fraction) else None,
        }  # fmt: skip
        return ColumnVerdict.from_paths(
            key,
            _branch,
            failed=failed,
            unknown=unknown,
            amount=grant,
            blanks={
                "counted": (counted, int),
                "cost": (cost, Money),
                "matched": (matched, Money),
                "used": (used, Money),
                "room": (room, Money),
                "grant": (grant, Money),
                "initial_amount": (initial_amount, Money),
            },  # fmt: skip
            constants=constants,
        )

    def case_row(self, columns: Columns, index: int) -> dict[str, Any]:
        """The application as ``decide`` takes it (the canonical form of a column row).

        Earlier approvals become ``prior_own_count`` own approvals, the first
        carrying the whole own total, and likewise for related entities', each
        dated the day the application was received.
        """
        received = columns["received"].item(index).isoformat()
        registration = columns["registration"].item(index)
        duration = columns["duration_months"].item(index)
        row: dict[str, Any] = {
            "received": received,
            "total_cost": cents_text(columns["total_cost"].item(index)),
            "ineligible_costs": cents_text(columns["ineligible_costs"].item(index)),
            "registration": None if registration < 0 else REGISTRATIONS[registration],
            "duration_months": None if duration < 0 else duration,
        }
        for fact in ("listed", "subvented", "substantive_business_in_hk"):
            code = columns[fact].item(index)
            row[fact] = None if code < 0 else code == 1
        row["prior_approvals"] = [
            {"amount": cents_text(cents), "approved_on": received, "related_entity": related}
            for whose, related in (("own", False), ("related", True))
            for cents in _amounts(
                columns[f"prior_{whose}_count"].item(index),
                columns[f"prior_{whose}_approved"].item(index),
            )
        ]
        return row

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        received: list[str] = []
        values: dict[str, list[int]] = {name: [] for name in COLUMNS[1:]}
        codes: dict[str | None, int] = {None: -1}
        codes.update((name, code) for code, name in enumerate(REGISTRATIONS))
        for case in cases:
            day = str(case["received"])
            received.append(day)
            values["total_cost"].append(input_cents(case["total_cost"]))
            values["ineligible_costs"].append(input_cents(case.get("ineligible_costs", 0)))
            values["registration"].append(codes[case.get("registration")])
            for fact in ("listed", "subvented", "substantive_business_in_hk"):
                values[fact].append(_YES_NO[case.get(fact)])
            duration = case.get("duration_months")
            values["duration_months"].append(-1 if duration is None else int(duration))
            # Only earlier approvals: a later one is left out, as ``evaluate`` leaves it out.
            prior = [p for p in case.get("prior_approvals", ()) if str(p["approved_on"]) <= day]
            for whose, related in (("own", False), ("related", True)):
                mine = [p for p in prior if bool(p.get("related_entity", False)) is related]
                values[f"prior_{whose}_count"].append(len(mine))
                values[f"prior_{whose}_approved"].append(
                    sum(input_cents(p["amount"]) for p in mine)
                )
        columns: dict[str, NDArray[Any]] = {"received": np.array(received, dtype="datetime64[D]")}
        for name, column in values.items():
            columns[name] = np.array(column, dtype=np.int8 if name in _CODES else np.int64)
        return columns


def _negated(fact: NDArray[np.int8]) -> NDArray[np.int64]:
    """A yes/no fact the rule needs false, as one it needs true (-1 stays not given)."""
    return np.where(fact < 0, -1, 1 - fact.astype(np.int64))


def _amounts(count: int, total: int) -> list[int]:
    return [total] + [0] * (count - 1) if count else []


def _refuse(where: NDArray[np.bool_], also: NDArray[np.bool_] | None, rule: str) -> None:
    bad = where if also is None else where & also
    if bad.any():
        raise InvalidInputError(f"TVP: case {int(np.argmax(bad))}: {rule}")


def _branch(key: int) -> Branch:
    """The path numbered ``key`` (the radices of ``_RADICES``): what it read and said."""
    digits = []
    for radix in reversed(_RADICES):
        key, digit = divmod(key, radix)
        digits.append(digit)
    stage, *states = reversed(digits[3:])
    cut, nothing, paid_first = reversed(digits[:3])
    read: list[str] = ["eligible_registration", "max_duration"]
    said: list[ReasonTemplate] = []
    for code, state in zip(_FACTS, states, strict=True):
        if state:
            said.append(CONDITIONS[code][state - 1])
    if stage == _STOPPED:
        return Branch(tuple(read), tuple(said))
    read += ["related_entities_aggregated", "max_projects"]
    if stage == _TOO_MANY:
        return Branch(tuple(read), (*said, TOO_MANY))
    read += ["matching_share", "cumulative_ceiling"]
    said.append(MATCHING)
    if cut:
        said.append(CUMULATIVE)
    if nothing:
        return Branch(tuple(read), (*said, NOTHING))
    read.append("initial_payment_share")
    said += [INITIAL_PAYMENT, GRANT] if paid_first else [GRANT]
    return Branch(tuple(read), tuple(said))


FORMULA = TVPColumns()
