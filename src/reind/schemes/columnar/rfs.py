"""RFS/NIFS over columns: ``RFS.evaluate`` for many applications at once (numpy).

The per-case formula in ``reind.schemes.rfs`` is the rule; this is the same
rule over arrays, speaking through the same reason templates and reading the
same parameters in the same order, and a property test
(``tests/rules/test_columns.py``) holds both to the same decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

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
    choice_column,
    count_column,
    date_column,
    input_cents,
    refuse_unknown_columns,
    scaled_down,
)
from reind.schemes.rfs import (
    ENTERPRISE_CAP,
    FACTS,
    GRANT,
    INCORPORATION,
    INCORPORATION_UNKNOWN,
    MATCHING,
    NOT_CAP622,
    NOTHING,
    TOO_MANY,
    RatioText,
)


class RFSColumns:
    """``RFS``'s formula over columns (``Scheme.vectorised``)."""

    label = "RFS"

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        """The columns of ``COLUMNS``: ``received`` and ``total_cost`` are required.

        Amounts are cents; ``incorporated_under`` a code into ``INCORPORATION``;
        the two yes/no facts 1, 0 or -1 (not given, the default); earlier
        approvals are summed up as ``prior_ongoing`` (how many still run) and
        ``prior_approved`` (the total approved, running or not, below 10**15).
        """
        label = self.label
        refuse_unknown_columns(columns, COLUMNS, label)
        return {
            "received": date_column(columns, "received", label),
            "total_cost": cents_column(columns, "total_cost", count, label),
            "ineligible_costs": cents_column(columns, "ineligible_costs", count, label, 0),
            "incorporated_under": choice_column(
                columns, "incorporated_under", count, len(INCORPORATION), label
            ),
            "new_line_in_hong_kong": choice_column(
                columns, "new_line_in_hong_kong", count, 2, label
            ),
            "smart_manufacturing": choice_column(columns, "smart_manufacturing", count, 2, label),
            "prior_ongoing": count_column(columns, "prior_ongoing", count, label, 0),
            "prior_approved": cents_column(columns, "prior_approved", count, label, 0),
        }

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        """The dates received."""
        days: NDArray[np.datetime64] = columns["received"]
        return days

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        """``evaluate`` over arrays: each case's path through it becomes its branch.

        Written in boolean and uint8 arithmetic (a condition's state is 0 met,
        1 not given, 2 not met), which numpy runs several times faster than
        ``np.where`` on int64.
        """
        allowed = ev.codes("eligible_incorporation")
        incorporated = columns["incorporated_under"]
        refused = np.array([False, *(c not in allowed for c in INCORPORATION)])
        unknown_inc = incorporated < 0
        stopped = np.take(refused, incorporated + 1)
        states = [unknown_inc.view(np.uint8) + (stopped.view(np.uint8) << 1)]
        unknown = unknown_inc
        for fact in _FACT_COLUMNS:  # checked in order; nothing after a condition not met
            code, going = columns[fact], ~stopped
            not_given, unmet = (code < 0) & going, (code == 0) & going
            states.append(not_given.view(np.uint8) + (unmet.view(np.uint8) << 1))
            unknown = unknown | not_given
            stopped = stopped | unmet

        ratio = ev.ratio("matching_share")
        cap = ev.money("project_cap")
        cost = columns["total_cost"] - columns["ineligible_costs"]
        np.maximum(cost, 0, out=cost)
        matched = scaled_down(cost, ratio, "RFS matching share")
        grant = np.minimum(matched, cap.cents)
        ongoing, earlier = columns["prior_ongoing"], columns["prior_approved"]
        max_projects = ev.optional("max_concurrent_projects")
        too_many = (
            ongoing >= max_projects
            if isinstance(max_projects, int)
            else np.zeros(len(cost), dtype=bool)
        )
        constants: dict[str, object] = {"ratio": RatioText(ratio), "cap": cap}
        constants["max_projects"] = max_projects
        blanks: dict[str, tuple[NDArray[Any], Any]] = {
            "cost": (cost, Money), "matched": (matched, Money), "ongoing": (ongoing, int),
            "earlier": (earlier, Money),
        }  # fmt: skip
        total_cap = ev.optional("enterprise_total_cap")
        capped = np.zeros(len(cost), dtype=bool)
        if isinstance(total_cap, Money):
            room = total_cap.cents - earlier
            np.maximum(room, 0, out=room)
            capped = (room < grant) & ~too_many
            grant = np.minimum(grant, room)  # only read where capped or not too many
            constants["total_cap"] = total_cap
            blanks["room"] = (room, Money)
        blanks["grant"] = (grant, Money)
        nothing = grant == 0
        failed = stopped | too_many | nothing
        # tail: 0 too many projects (or stopped earlier), 1 nothing left, 3 grant; +1 if capped
        live = ~(stopped | too_many)
        tail = live.view(np.uint8) * (1 + ((~nothing).view(np.uint8) << 1) + capped.view(np.uint8))
        state_inc, state_new, state_smart = states
        branch = state_inc * 45 + state_new * 15 + state_smart * 5 + tail
        # Codes: ELIGIBLE 0, INELIGIBLE 1, TENTATIVE 2 (asserted below the class).
        outcomes = failed.view(np.int8) + ((unknown & ~failed).view(np.int8) << 1)
        return ColumnVerdict(
            outcomes=outcomes,
            amount_cents=grant * ~failed,
            branch=branch,
            branches=_BRANCHES,
            blanks=blanks,
            constants=constants,
        )

    def case_row(self, columns: Columns, index: int) -> dict[str, Any]:
        """The application as ``decide`` takes it (the canonical form of a column row).

        Amounts are written to the cent; earlier approvals become
        ``prior_ongoing`` running projects, the first of which carries the
        whole ``prior_approved`` total (or, with none running, one completed
        approval carrying it), each dated the day the application was received.
        """
        received = columns["received"].item(index).isoformat()
        incorporated = columns["incorporated_under"].item(index)
        running = columns["prior_ongoing"].item(index)
        approved = columns["prior_approved"].item(index)
        amounts = [approved] + [0] * (running - 1) if running else [approved] if approved else []
        return {
            "received": received,
            "total_cost": cents_text(columns["total_cost"].item(index)),
            "incorporated_under": None if incorporated < 0 else INCORPORATION[incorporated],
            "new_line_in_hong_kong": _fact(columns["new_line_in_hong_kong"].item(index)),
            "smart_manufacturing": _fact(columns["smart_manufacturing"].item(index)),
            "ineligible_costs": cents_text(columns["ineligible_costs"].item(index)),
            "prior_approvals": [
                {"amount": cents_text(cents), "approved_on": received, "ongoing": running > 0}
                for cents in amounts
            ],
        }

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        received: list[str] = []
        values: dict[str, list[int]] = {name: [] for name in COLUMNS[1:]}
        codes: dict[str | None, int] = {None: -1}
        codes.update((name, code) for code, name in enumerate(INCORPORATION))
        facts: dict[bool | None, int] = {None: -1, False: 0, True: 1}
        for case in cases:
            received.append(case["received"])
            values["total_cost"].append(input_cents(case["total_cost"]))
            values["ineligible_costs"].append(input_cents(case.get("ineligible_costs", 0)))
            values["incorporated_under"].append(codes[case.get("incorporated_under")])
            values["new_line_in_hong_kong"].append(facts[case.get("new_line_in_hong_kong")])
            values["smart_manufacturing"].append(facts[case.get("smart_manufacturing")])
            # Columns hold only earlier approvals: a later one is left out, as ``evaluate`` does.
            prior = [
                p
                for p in case.get("prior_approvals", ())
                if str(p["approved_on"]) <= str(case["received"])
            ]
            values["prior_ongoing"].append(sum(1 for p in prior if p.get("ongoing", True)))
            values["prior_approved"].append(sum(input_cents(p["amount"]) for p in prior))
        columns: dict[str, NDArray[Any]] = {"received": np.array(received, dtype="datetime64[D]")}
        for name, column in values.items():
            columns[name] = np.array(column, dtype=_DTYPES.get(name, np.int64))
        return columns


COLUMNS = (
    "received", "total_cost", "ineligible_costs", "incorporated_under",
    "new_line_in_hong_kong", "smart_manufacturing", "prior_ongoing", "prior_approved",
)  # fmt: skip
"""The columns ``decide_columns`` takes for RFS applications."""
_DTYPES = {"incorporated_under": np.int8, "new_line_in_hong_kong": np.int8,
           "smart_manufacturing": np.int8}  # fmt: skip
_FACT_COLUMNS = ("new_line_in_hong_kong", "smart_manufacturing")
assert (ELIGIBLE, INELIGIBLE, TENTATIVE) == (0, 1, 2), "evaluate_columns adds outcome codes"


def _fact(code: int) -> bool | None:
    return None if code < 0 else code == 1


def _branch(key: int) -> Branch:
    """The path numbered ``key`` = incorporation x 45 + new line x 15 + smart x 5 + tail."""
    state_inc, rest = divmod(key, 45)
    state_new, rest = divmod(rest, 15)
    state_smart, tail = divmod(rest, 5)
    read: tuple[str, ...] = ("eligible_incorporation",)
    if state_inc == 2:
        return Branch(read, (NOT_CAP622,))
    said = [INCORPORATION_UNKNOWN] if state_inc == 1 else []
    for state, (unknown, unmet) in zip((state_new, state_smart), FACTS, strict=True):
        if state == 1:
            said.append(unknown)
        elif state == 2:
            return Branch(read, (*said, unmet))
    read += ("matching_share", "project_cap", "max_concurrent_projects")
    said.append(MATCHING)
    if tail == 0:
        return Branch(read, (*said, TOO_MANY))
    if tail in (2, 4):
        said.append(ENTERPRISE_CAP)
    said.append(NOTHING if tail in (1, 2) else GRANT)
    return Branch((*read, "enterprise_total_cap"), tuple(said))


_BRANCHES = tuple(_branch(key) for key in range(3 * 45))


FORMULA = RFSColumns()
