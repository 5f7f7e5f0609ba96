"""ESS over columns: ``ESS.evaluate`` for many applications at once (numpy).

The rule is ``reind.schemes.ess``: its conditions, reason templates and the
parameters it reads, in that order. Each case's path is a state per step;
the distinct paths become the ``Branch`` table. A property test
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
    ReasonTemplate,
    cents_column,
    cents_text,
    choice_column,
    date_column,
    input_cents,
    optional_count_column,
    refuse_unknown_columns,
    scaled_down,
)
from reind.schemes.common import fmt_ratio
from reind.schemes.ess import (
    CONDITIONS,
    GRANT,
    INCORPORATION,
    MATCHING,
    NOTHING,
    PROJECT_CAP,
    TRACK_CAP,
)

COLUMNS = (
    "received", "total_cost", "ineligible_costs", "incorporated_under", "business_registration",
    "government_subvented", "duration_months", "sme_track", "employees",
)  # fmt: skip
"""The columns ``decide_columns`` takes for ESS applications."""
_FACTS = ("cap622", "business_registration", "not_subvented", "duration", "sme_track_size")
_CODES = frozenset(("incorporated_under", "business_registration", "government_subvented",
                    "sme_track"))  # fmt: skip
_YES_NO: dict[bool | None, int] = {None: -1, False: 0, True: 1}
_RADICES = (2, 2, 3, 3, 3, 3, 3, 2, 2, 2)
"""Path key: priced, SME track, the five conditions' states, capped, track-capped, nothing."""
assert (ELIGIBLE, INELIGIBLE, TENTATIVE) == (0, 1, 2), "evaluate_columns adds outcome codes"


class ESSColumns:
    """``ESS``'s formula over columns (``Scheme.vectorised``)."""

    label = "ESS"

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        """``COLUMNS``: received and total cost required; amounts in cents; incorporation a
        code into ``INCORPORATION``; yes/no facts 1, 0 or -1 (``sme_track``: 0 or 1, default
        0); ``duration_months`` and ``employees`` -1 when not given."""
        label = self.label
        refuse_unknown_columns(columns, COLUMNS, label)
        checked: dict[str, NDArray[Any]] = {
            "received": date_column(columns, "received", label),
            "total_cost": cents_column(columns, "total_cost", count, label),
            "ineligible_costs": cents_column(columns, "ineligible_costs", count, label, 0),
            "incorporated_under": choice_column(
                columns, "incorporated_under", count, len(INCORPORATION), label
            ),
            "duration_months": optional_count_column(columns, "duration_months", count, label),
            "employees": optional_count_column(columns, "employees", count, label),
        }
        for fact in ("business_registration", "government_subvented"):
            checked[fact] = choice_column(columns, fact, count, 2, label)
        track = choice_column(columns, "sme_track", count, 2, label)
        checked["sme_track"] = np.maximum(track, 0)  # not given: the general track
        return checked

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        """The dates received."""
        days: NDArray[np.datetime64] = columns["received"]
        return days

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        """``ESS.evaluate`` step by step over arrays; each case's states make its path key."""
        allowed = ev.codes("eligible_incorporation")
        longest = ev.count("max_duration")
        incorporated = np.take(
            np.array([-1, *(int(code in allowed) for code in INCORPORATION)]),
            columns["incorporated_under"] + 1,
        )
        track = columns["sme_track"] == 1
        constants: dict[str, object] = {"longest": longest}
        duration, employees = columns["duration_months"], columns["employees"]
        facts = [
            incorporated, columns["business_registration"],
            np.where(columns["government_subvented"] < 0, -1, 1 - columns["government_subvented"]),
            np.where(duration < 0, -1, (duration <= longest).astype(np.int64)),
        ]  # fmt: skip
        size = len(track)
        if track.any():  # read only when some case asks for the track, as ``evaluate`` reads it
            constants["limit"] = limit = ev.count("sme_track_employee_limit")
            facts.append(np.where(employees < 0, -1, (employees < limit).astype(np.int64)))
        else:
            facts.append(np.ones(size, dtype=np.int64))
        stopped = np.zeros(size, dtype=bool)
        unknown = np.zeros(size, dtype=bool)
        states = []
        for number, fact in enumerate(facts):  # 0 met, 1 not given, 2 not met
            live = ~stopped if number < 4 else ~stopped & track
            state = np.where(fact < 0, 1, np.where(fact == 1, 0, 2)) * live
            states.append(state)
            unknown |= state == 1
            stopped |= state == 2

        ratio = ev.ratio("matching_share")
        cost = columns["total_cost"] - columns["ineligible_costs"]
        np.maximum(cost, 0, out=cost)
        matched = scaled_down(cost, ratio, "ESS matching share")
        cap = ev.money("project_cap")
        priced = ~stopped
        capped = priced & (matched > cap.cents)
        grant = np.minimum(matched, cap.cents)
        track_capped = np.zeros(size, dtype=bool)
        if track.any():
            track_cap = constants["track_cap"] = ev.money("sme_track_cap")
            track_capped = priced & track & (grant > track_cap.cents)
            grant = np.where(track_capped, track_cap.cents, grant)
        nothing = priced & (grant == 0)
        failed = stopped | nothing
        key = np.zeros(size, dtype=np.int64)
        for radix, part in zip(
            _RADICES, (priced, track, *states, capped, track_capped, nothing), strict=True
        ):
            key = key * radix + part
        constants.update(ratio=fmt_ratio(ratio), cap=cap)
        return ColumnVerdict.from_paths(
            key,
            _branch,
            failed=failed,
            unknown=unknown,
            amount=grant,
            blanks={"cost": (cost, Money), "matched": (matched, Money), "grant": (grant, Money)},
            constants=constants,
        )

    def case_row(self, columns: Columns, index: int) -> dict[str, Any]:
        """The application as ``decide`` takes it (the canonical form of a column row)."""
        incorporated = columns["incorporated_under"].item(index)
        duration = columns["duration_months"].item(index)
        employees = columns["employees"].item(index)
        row: dict[str, Any] = {
            "received": columns["received"].item(index).isoformat(),
            "total_cost": cents_text(columns["total_cost"].item(index)),
            "ineligible_costs": cents_text(columns["ineligible_costs"].item(index)),
            "incorporated_under": None if incorporated < 0 else INCORPORATION[incorporated],
            "duration_months": None if duration < 0 else duration,
            "sme_track": columns["sme_track"].item(index) == 1,
            "employees": None if employees < 0 else employees,
        }
        for fact in ("business_registration", "government_subvented"):
            code = columns[fact].item(index)
            row[fact] = None if code < 0 else code == 1
        return row

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        received: list[str] = []
        values: dict[str, list[int]] = {name: [] for name in COLUMNS[1:]}
        codes: dict[str | None, int] = {None: -1}
        codes.update((name, code) for code, name in enumerate(INCORPORATION))
        for case in cases:
            received.append(str(case["received"]))
            values["total_cost"].append(input_cents(case["total_cost"]))
            values["ineligible_costs"].append(input_cents(case.get("ineligible_costs", 0)))
            values["incorporated_under"].append(codes[case.get("incorporated_under")])
            for fact in ("business_registration", "government_subvented"):
                values[fact].append(_YES_NO[case.get(fact)])
            values["sme_track"].append(int(bool(case.get("sme_track", False))))
            for name in ("duration_months", "employees"):
                given = case.get(name)
                values[name].append(-1 if given is None else int(given))
        columns: dict[str, NDArray[Any]] = {"received": np.array(received, dtype="datetime64[D]")}
        for name, column in values.items():
            columns[name] = np.array(column, dtype=np.int8 if name in _CODES else np.int64)
        return columns


def _branch(key: int) -> Branch:
    """The path numbered ``key`` (the radices of ``_RADICES``): what it read and said."""
    digits = []
    for radix in reversed(_RADICES):
        key, digit = divmod(key, radix)
        digits.append(digit)
    priced, track, *states = reversed(digits[3:])
    capped, track_capped, nothing = reversed(digits[:3])
    read: list[str] = ["eligible_incorporation", "max_duration"]
    if track:
        read.append("sme_track_employee_limit")
    said: list[ReasonTemplate] = [
        CONDITIONS[code][state - 1] for code, state in zip(_FACTS, states, strict=True) if state
    ]
    if not priced:
        return Branch(tuple(read), tuple(said))
    read += ["matching_share", "project_cap"]
    said.append(MATCHING)
    if capped:
        said.append(PROJECT_CAP)
    if track:
        read.append("sme_track_cap")
    if track_capped:
        said.append(TRACK_CAP)
    return Branch(tuple(read), (*said, NOTHING if nothing else GRANT))


FORMULA = ESSColumns()
