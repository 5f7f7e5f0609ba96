"""RTH over columns: ``RTH.evaluate`` for many applications at once (numpy).

The rule is ``reind.schemes.rth``: its conditions, reason templates (those of
each talent from ``talent_wording``) and the parameters it reads, in that
order. An application's talents are held in slots: ``talent_<n>:<input>``
for n from 1 to the most talents any case of the batch asks for, with
``talent_<n>:degree`` -1 where a case has fewer. Each case's path is a row
of small states (one group per slot), and the distinct rows become the
``Branch`` table: which allowances it read, in the order its talents first
read them, and what it said of each talent. A property test
(``tests/rules/test_columns_b.py``) holds both to the same decisions.

The host project's scheme is held only as what the rule asks of it: ESS,
another scheme, or none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, get_args

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
    count_column,
    date_column,
    input_cents,
    optional_count_column,
    scaled_down,
)
from reind.schemes.common import fmt_ratio
from reind.schemes.rth import (
    CONDITIONS,
    GRANT,
    NIAS_NOT_OFFERED,
    NOTHING,
    TOO_MANY,
    Degree,
    talent_wording,
)

DEGREES: tuple[str, ...] = get_args(Degree)
"""The degrees; their position is the code of a ``talent_<n>:degree`` column (-1: no talent)."""
PROGRAMMES = ("itf", "nias")
HOSTS = ("other", "ess")
"""``host_scheme`` as the rule reads it: 0 another scheme, 1 ESS, -1 none."""
COLUMNS = ("received", "programme", "talents_already_engaged", "host_scheme",
           "host_project_months")  # fmt: skip
TALENT = ("degree", "months", "monthly_pay", "non_local_degree", "top100_institution")
"""The columns of each talent slot, ``talent_<n>:<name>``."""
_YES_NO: dict[bool | None, int] = {None: -1, False: 0, True: 1}
_INT64_MAX = 2**63 - 1
# Path row: stage (0 not offered, 1 too many, 2 screened), ess state, non-local state,
# priced, nothing; then per slot: degree + 1, top100 state, months capped, extra.
_NOT_OFFERED, _TOO_MANY, _SCREENED = 0, 1, 2
assert (ELIGIBLE, INELIGIBLE, TENTATIVE) == (0, 1, 2), "evaluate_columns adds outcome codes"


def _slot(n: int, name: str) -> str:
    return f"talent_{n}:{name}"


def _slots(columns: Columns) -> int:
    """How many talent slots the columns hold."""
    n = 0
    while _slot(n + 1, "degree") in columns:
        n += 1
    return n


class RTHColumns:
    """``RTH``'s formula over columns (``Scheme.vectorised``)."""

    label = "RTH"

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        """``COLUMNS`` plus ``talent_<n>:<name>`` for n = 1..N (``TALENT``): each case has
        talents 1..k, k >= 1; degree a code into ``DEGREES`` (-1 after its last talent);
        months >= 1, pay in cents, non-local 0 or 1, top-100 1, 0 or -1."""
        label = self.label
        slots = _slots(columns)
        known = {*COLUMNS, *(_slot(n, t) for n in range(1, slots + 1) for t in TALENT)}
        unknown = sorted(set(columns) - known)
        if unknown:
            raise InvalidInputError(
                f"{label}: unknown column(s) {', '.join(unknown)}; expected {', '.join(COLUMNS)} "
                "and talent_<n>:<input> for n = 1, 2 ..."
            )
        if not slots:
            raise InvalidInputError(f"{label}: column talent_1:degree is required")
        checked: dict[str, NDArray[Any]] = {
            "received": date_column(columns, "received", label),
            "programme": np.maximum(
                choice_column(columns, "programme", count, len(PROGRAMMES), label), 0
            ),
            "talents_already_engaged": count_column(
                columns, "talents_already_engaged", count, label, 0
            ),
            "host_scheme": choice_column(columns, "host_scheme", count, len(HOSTS), label),
            "host_project_months": optional_count_column(
                columns, "host_project_months", count, label
            ),
        }
        present = np.ones(count, dtype=bool)
        for n in range(1, slots + 1):
            degree = choice_column(columns, _slot(n, "degree"), count, len(DEGREES), label)
            here = degree >= 0
            bad = here & ~present if n > 1 else ~here
            if bad.any():
                at = int(np.argmax(bad))
                raise InvalidInputError(
                    f"{label}: case {at}: talents must fill slots 1, 2 ... in order, "
                    f"talent_{n}:degree got {degree[at]}"
                )
            present = here
            checked[_slot(n, "degree")] = degree
            months = count_column(columns, _slot(n, "months"), count, label, 1)
            if (here & (months < 1)).any():
                raise InvalidInputError(f"{label}: talent_{n}:months must be at least 1")
            checked[_slot(n, "months")] = months
            checked[_slot(n, "monthly_pay")] = cents_column(
                columns, _slot(n, "monthly_pay"), count, label, 0
            )
            checked[_slot(n, "non_local_degree")] = np.maximum(
                choice_column(columns, _slot(n, "non_local_degree"), count, 2, label), 0
            )
            checked[_slot(n, "top100_institution")] = choice_column(
                columns, _slot(n, "top100_institution"), count, 2, label
            )
        return checked

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        """The dates received."""
        days: NDArray[np.datetime64] = columns["received"]
        return days

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        """``RTH.evaluate`` step by step over arrays; each case's states make its path row."""
        slots = _slots(columns)
        nias = columns["programme"] == 1
        size = len(nias)
        engaged = columns["talents_already_engaged"]
        degree = [columns[_slot(n, "degree")] for n in range(1, slots + 1)]
        present = [d >= 0 for d in degree]
        asked = np.sum(present, axis=0)
        offered = True
        extra = 0
        if nias.any():
            found = ev.optional("nias_extra_talents")
            offered = isinstance(found, int)
            extra = found if isinstance(found, int) else 0
        not_offered = nias & (not offered)
        standard = ev.count("max_talents")
        total = engaged + asked
        limit = standard + np.where(nias, extra, 0)
        too_many = ~not_offered & (total > limit)
        stage = np.where(not_offered, _NOT_OFFERED, np.where(too_many, _TOO_MANY, _SCREENED))
        screened = stage == _SCREENED
        constants: dict[str, object] = {"standard": standard}

        # Conditions: the ESS host's length, non-local degrees accepted, each top-100 degree.
        host_ess = columns["host_scheme"] == 1
        ess_fact = np.ones(size, dtype=np.int64)
        if (screened & host_ess).any():
            constants["shortest"] = shortest = ev.count("ess_host_min_months")
            months = columns["host_project_months"]
            ess_fact = np.where(months < 0, -1, months >= shortest)
        non_local = [columns[_slot(n, "non_local_degree")] == 1 for n in range(1, slots + 1)]
        any_non_local = np.logical_or.reduce([nl & p for nl, p in zip(non_local, present,
                                                                      strict=True)])  # fmt: skip
        accepted = True
        if (screened & any_non_local).any():
            accepted = ev.flag("non_local_top100_eligible")
        facts = [np.where(host_ess, ess_fact, 1), np.where(any_non_local, int(accepted), 1)]
        facts += [
            np.where(nl & p, columns[_slot(n, "top100_institution")], 1)
            for n, (nl, p) in enumerate(zip(non_local, present, strict=True), start=1)
        ]
        stopped = ~screened
        unknown = np.zeros(size, dtype=bool)
        states = []
        for fact in facts:  # 0 met (or not asked), 1 not given, 2 not met
            state = np.where(fact < 0, 1, np.where(fact == 1, 0, 2)) * ~stopped
            states.append(state)
            unknown |= state == 1
            stopped |= state == 2

        priced = ~stopped
        longest = ev.count("max_months_per_talent")
        living = ev.optional("living_allowance_phd")
        living_cents = living.cents if isinstance(living, Money) else 0
        ceilings = [
            ev.money(f"allowance_{d}").cents if (priced & np.any(
                [g == code for g in degree], axis=0)).any() else 0
            for code, d in enumerate(DEGREES)
        ]  # fmt: skip
        free = np.maximum(standard - engaged, 0)
        extra_any = priced & np.any([p & (n > free) for n, p in enumerate(present, start=1)], 0)
        ratio = ev.ratio("nias_extra_matching_share") if extra_any.any() else None
        grant = np.zeros(size, dtype=np.int64)
        blanks: dict[str, tuple[NDArray[Any], Any]] = {"day": (ev.as_at, date.isoformat),
                                                       "limit": (limit, int),
                                                       "total": (total, int)}  # fmt: skip
        slot_parts = []
        for n in range(1, slots + 1):
            code, here = degree[n - 1], present[n - 1] & priced
            ceiling = np.take(np.array(ceilings, dtype=np.int64), np.maximum(code, 0))
            monthly = np.minimum(columns[_slot(n, "monthly_pay")], ceiling)
            monthly = monthly + np.where(code == 2, living_cents, 0)
            asked_months = columns[_slot(n, "months")]
            months = np.minimum(asked_months, longest)
            amount = monthly * months
            is_extra = here & (n > free)
            if ratio is not None:
                amount = np.where(is_extra, scaled_down(amount, ratio, "RTH extra talent"), amount)
            grant = grant + np.where(here, amount, 0)
            blanks.update({
                f"degree_{n}": (code, lambda c: DEGREES[c]), f"monthly_{n}": (monthly, Money),
                f"ceiling_{n}": (ceiling, Money), f"months_{n}": (months, int),
                f"amount_{n}": (amount, Money),
            })  # fmt: skip
            slot_parts += [np.where(priced, code + 1, 0), here & (asked_months > longest),
                           is_extra]  # fmt: skip
        nothing = priced & (grant == 0)
        failed = stopped | nothing
        blanks["grant"] = (grant, Money)
        constants.update(longest=longest, ratio=None if ratio is None else fmt_ratio(ratio))
        rows = np.stack(
            [stage, nias, host_ess & screened, any_non_local & screened, *states, priced,
             nothing, *slot_parts], axis=1,
        ).astype(np.int8)  # fmt: skip
        paths, branch = _distinct_rows(rows)
        return ColumnVerdict(
            outcomes=failed.view(np.int8) + ((unknown & ~failed).view(np.int8) << 1),
            amount_cents=grant * ~failed,
            branch=branch.reshape(size),
            branches=[_branch(row.tolist(), slots) for row in paths],
            blanks=blanks,
            constants=constants,
        )

    def case_row(self, columns: Columns, index: int) -> dict[str, Any]:
        """The application as ``decide`` takes it (the canonical form of a column row)."""
        host = columns["host_scheme"].item(index)
        months = columns["host_project_months"].item(index)
        talents = []
        for n in range(1, _slots(columns) + 1):
            code = columns[_slot(n, "degree")].item(index)
            if code < 0:
                break
            top100 = columns[_slot(n, "top100_institution")].item(index)
            talents.append({
                "degree": DEGREES[code],
                "months": columns[_slot(n, "months")].item(index),
                "monthly_pay": cents_text(columns[_slot(n, "monthly_pay")].item(index)),
                "non_local_degree": columns[_slot(n, "non_local_degree")].item(index) == 1,
                "top100_institution": None if top100 < 0 else top100 == 1,
            })  # fmt: skip
        return {
            "received": columns["received"].item(index).isoformat(),
            "programme": PROGRAMMES[columns["programme"].item(index)],
            "talents": talents,
            "talents_already_engaged": columns["talents_already_engaged"].item(index),
            "host_scheme": None if host < 0 else HOSTS[host],
            "host_project_months": None if months < 0 else months,
        }

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        received: list[str] = []
        numbers: dict[str, list[int]] = {name: [] for name in COLUMNS[1:]}
        talents: list[list[Mapping[str, Any]]] = []
        for case in cases:
            received.append(str(case["received"]))
            numbers["programme"].append(PROGRAMMES.index(case.get("programme", "itf")))
            numbers["talents_already_engaged"].append(int(case.get("talents_already_engaged", 0)))
            host = case.get("host_scheme")
            numbers["host_scheme"].append(-1 if host is None else int(host == "ess"))
            months = case.get("host_project_months")
            numbers["host_project_months"].append(-1 if months is None else int(months))
            talents.append(list(case["talents"]))
        columns: dict[str, NDArray[Any]] = {"received": np.array(received, dtype="datetime64[D]")}
        for n in range(1, max((len(t) for t in talents), default=1) + 1):
            slot = [t[n - 1] if len(t) >= n else None for t in talents]
            values = {
                "degree": [-1 if t is None else DEGREES.index(t["degree"]) for t in slot],
                "months": [1 if t is None else int(t["months"]) for t in slot],
                "monthly_pay": [0 if t is None else input_cents(t["monthly_pay"]) for t in slot],
                "non_local_degree": [0 if t is None else int(bool(t.get("non_local_degree")))
                                     for t in slot],
                "top100_institution": [-1 if t is None else _YES_NO[t.get("top100_institution")]
                                       for t in slot],
            }  # fmt: skip
            numbers.update({_slot(n, name): column for name, column in values.items()})
        for name, column in numbers.items():
            if any(v > _INT64_MAX for v in column):
                raise InvalidInputError(f"RTH: {name} does not fit a column of 64-bit integers")
            small = name in ("programme", "host_scheme") or name.endswith(
                (":degree", ":non_local_degree", ":top100_institution")
            )
            columns[name] = np.array(column, dtype=np.int8 if small else np.int64)
        return columns


def _distinct_rows(rows: NDArray[np.int8]) -> tuple[NDArray[np.int8], NDArray[np.intp]]:
    """The distinct rows (sorted) and each row's index among them.

    Each row is packed into one integer (its states as digits) when that fits
    in 62 bits: sorting integers is many times faster than sorting rows.
    """
    if not len(rows):
        return rows, np.zeros(0, dtype=np.intp)
    radices = rows.max(axis=0).astype(np.int64) + 1
    if float(np.prod(radices.astype(np.float64))) >= 2.0**62:
        paths, branch = np.unique(rows, axis=0, return_inverse=True)
        return paths, branch.reshape(len(rows))
    key = np.zeros(len(rows), dtype=np.int64)
    for column, radix in enumerate(radices.tolist()):
        key = key * radix + rows[:, column]
    _, first, branch = np.unique(key, return_index=True, return_inverse=True)
    return rows[first], branch.reshape(len(rows))


def _branch(row: list[int], slots: int) -> Branch:
    """The path of one row of states: what it read and said."""
    stage, nias, host_ess, non_local, *rest = row
    states, (priced, nothing), per_slot = (
        rest[: 2 + slots],
        rest[2 + slots : 4 + slots],
        rest[4 + slots :],
    )
    read: list[str] = ["nias_extra_talents"] if nias else []
    if stage == _NOT_OFFERED:
        return Branch(tuple(read), (NIAS_NOT_OFFERED,))
    read.append("max_talents")
    if stage == _TOO_MANY:
        return Branch(tuple(read), (TOO_MANY,))
    if host_ess:
        read.append("ess_host_min_months")
    if non_local:
        read.append("non_local_top100_eligible")
    pairs = [CONDITIONS["ess_host_length"], CONDITIONS["non_local_degrees"]]
    pairs += [talent_wording(n).top100 for n in range(1, slots + 1)]
    said: list[ReasonTemplate] = [
        pair[state - 1] for pair, state in zip(pairs, states, strict=True) if state
    ]
    if not priced:
        return Branch(tuple(read), tuple(said))
    read += ["max_months_per_talent", "living_allowance_phd"]
    for n in range(1, slots + 1):
        degree, capped, extra = per_slot[3 * (n - 1) : 3 * n]
        if not degree:
            break
        wording = talent_wording(n)
        read.append(f"allowance_{DEGREES[degree - 1]}")
        if capped:
            said.append(wording.months_capped)
        if extra:
            read.append("nias_extra_matching_share")
        said.append(wording.extra if extra else wording.talent)
    return Branch(tuple(read), (*said, NOTHING if nothing else GRANT))


FORMULA = RTHColumns()
