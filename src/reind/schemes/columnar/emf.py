"""EMF over columns: ``EMF.evaluate`` for many applications at once (numpy).

The rule is ``reind.schemes.emf``: its conditions, reason templates and the
parameters it reads, in that order. This runs the same steps over arrays;
each case's path through them is a small state per step, and the distinct
paths found become the ``Branch`` table (what the path read and said), so
a case's trace and reasons are made only when asked for. A property test
(``tests/rules/test_columns.py``) holds both to the same decisions.

Earlier approvals are held as one column per activity of those approvals,
``prior_approved:<activity>`` (cents): the website sub-cap sums those whose
activity is a website activity *in force on the case's date*, so no column
bakes in a parameter's value.
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
    date_column,
    input_cents,
    optional_count_column,
    optional_date_column,
    scaled_down,
    text_column,
)
from reind.schemes.common import fmt_ratio, share
from reind.schemes.emf import (
    APPLICATION_CAP,
    CONDITIONS,
    CUMULATIVE,
    FACTS,
    GRANT,
    INITIAL_PAYMENT,
    LATE,
    MATCHING,
    NOT_COVERED,
    NOTHING,
    WEBSITE,
)

COLUMNS = (
    "received", "activity", "activity_ended", "approved_expenditure", "ineligible_costs",
    "employees_in_hk", "manufacturing", "listed", "business_registration",
    "substantive_operations_in_hk", "organiser_related",
)  # fmt: skip
"""The columns of an EMF application, besides one ``prior_approved:<activity>`` per activity."""
PRIOR = "prior_approved:"
_FACT_COLUMNS = ("business_registration", "substantive_operations_in_hk", "organiser_related")
_NEGATED = frozenset({"listed", "organiser_related"})
"""Facts the rule needs to be false (not listed, not related to the organiser)."""
_YES_NO: dict[bool | None, int] = {None: -1, False: 0, True: 1}

# Stages a case reaches: refused for its activity, late, stopped by a condition, or priced.
_NOT_COVERED, _LATE, _STOPPED, _PRICED = 0, 1, 2, 3
# Radices of the path key: stage, limit read first, size condition, three facts, five flags.
_RADICES = (4, 3, 4, 3, 3, 3, 2, 2, 2, 2, 2)
assert (ELIGIBLE, INELIGIBLE, TENTATIVE) == (0, 1, 2), "evaluate_columns adds outcome codes"


class EMFColumns:
    """``EMF``'s formula over columns (``Scheme.vectorised``)."""

    label = "EMF"

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        """``COLUMNS`` plus any ``prior_approved:<activity>``; received, activity and
        approved expenditure are required.

        Amounts are cents; ``employees_in_hk`` -1 when not given; yes/no facts
        1, 0 or -1 (not given, the default); ``activity_ended`` NaT when not given.
        """
        label = self.label
        unknown = sorted(n for n in columns if n not in COLUMNS and not n.startswith(PRIOR))
        if unknown:
            raise InvalidInputError(
                f"{label}: unknown column(s) {', '.join(unknown)}; expected {', '.join(COLUMNS)} "
                f"and {PRIOR}<activity>"
            )
        checked: dict[str, NDArray[Any]] = {
            "received": date_column(columns, "received", label),
            "activity": text_column(columns, "activity", label),
            "activity_ended": optional_date_column(columns, "activity_ended", count, label),
            "approved_expenditure": cents_column(columns, "approved_expenditure", count, label),
            "ineligible_costs": cents_column(columns, "ineligible_costs", count, label, 0),
            "employees_in_hk": optional_count_column(columns, "employees_in_hk", count, label),
        }
        for fact in ("manufacturing", "listed", *_FACT_COLUMNS):
            checked[fact] = choice_column(columns, fact, count, 2, label)
        for name in sorted(n for n in columns if n.startswith(PRIOR)):
            checked[name] = cents_column(columns, name, count, label)
        return checked

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        """The dates received."""
        days: NDArray[np.datetime64] = columns["received"]
        return days

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        """``EMF.evaluate`` step by step over arrays; each case's states make its path key."""
        activity, received = columns["activity"], columns["received"]
        size = len(received)
        covered = np.isin(activity, ev.codes("eligible_activities"))
        deadline = ev.count("application_deadline")
        ended = columns["activity_ended"]
        late = covered & ~np.isnat(ended) & (received > ended + np.timedelta64(deadline, "D"))
        going = covered & ~late
        roles = "/".join(ev.codes("excluded_roles"))

        # The size test: the limit read first (0 none, 1 manufacturing, 2 other) and whether
        # the case is an SME; else a condition (non-listed under the special measures, or SME).
        employees, manufacturing = columns["employees_in_hk"], columns["manufacturing"]
        known = (employees >= 0) & (manufacturing >= 0)
        limits = (ev.count("manufacturing_employee_limit"),
                  ev.count("non_manufacturing_employee_limit"))  # fmt: skip
        limit = np.where(manufacturing == 1, limits[0], limits[1])
        sme = known & (employees < limit)
        first_limit = known * np.where(manufacturing == 1, 1, 2)
        non_sme = ev.flag("non_sme_eligible")
        if non_sme:
            size_state = _state(columns["listed"], negated=True)
        else:  # an SME condition is never met here: met cases took the SME path
            size_state = np.where(known, 2, 1)
        size_state = np.where(sme, -1, size_state)  # -1: no size condition
        states = [size_state]
        states.extend(_state(columns[f], negated=f in _NEGATED) for f in _FACT_COLUMNS)
        unknown = np.zeros(size, dtype=bool)
        stopped = ~going
        kept = []
        for state in states:
            live = ~stopped
            kept.append(np.where(live, state, 0))
            unknown |= live & (state == 1)
            stopped = stopped | (live & (state == 2))

        ratio = ev.ratio("matching_share")
        cost = columns["approved_expenditure"] - columns["ineligible_costs"]
        np.maximum(cost, 0, out=cost)
        matched = scaled_down(cost, ratio, "EMF matching share")
        cap = ev.money("application_cap")
        capped = matched > cap.cents
        grant = np.minimum(matched, cap.cents)
        ceiling = ev.money("cumulative_ceiling")
        priors = {n[len(PRIOR) :]: a for n, a in columns.items() if n.startswith(PRIOR)}
        zero = np.zeros(size, dtype=np.int64)
        used = checked_sum(zero, *priors.values(), what="EMF earlier approvals")
        room = np.maximum(ceiling.cents - used, 0)
        cut = grant > room
        grant = np.minimum(grant, room)
        website = ev.codes("website_activities")
        on_web = np.isin(activity, website)
        web_share = ev.ratio("website_share_of_ceiling")
        web_cap = share(ceiling, web_share)
        web_used = checked_sum(
            zero, *(a for code, a in priors.items() if code in website), what="EMF website"
        )
        web_room = np.maximum(web_cap.cents - web_used, 0)
        web_cut = on_web & (grant > web_room)
        grant = np.where(web_cut, web_room, grant)
        nothing = grant == 0

        stage = np.where(~covered, _NOT_COVERED, np.where(late, _LATE, _STOPPED))
        priced = ~stopped
        stage = np.where(priced, _PRICED, stage)
        failed = stopped | nothing
        parts = [stage, np.where(going, first_limit, 0), np.where(going, kept[0] + 1, 0),
                 *kept[1:]]  # fmt: skip
        parts.extend(priced & flag for flag in (capped, cut, on_web, web_cut, nothing))
        key = np.zeros(size, dtype=np.int64)
        for radix, part in zip(_RADICES, parts, strict=True):
            key = key * radix + part
        initial = ev.flag("initial_payment_available")
        constants: dict[str, object] = {
            "deadline": deadline, "roles": roles, "manufacturing": limits[0], "other": limits[1],
            "ratio": fmt_ratio(ratio), "cap": cap, "ceiling": ceiling,
            "web_share": fmt_ratio(web_share), "web_cap": web_cap,
        }  # fmt: skip
        return ColumnVerdict.from_paths(
            key,
            lambda k: _branch(k, non_sme, initial),
            failed=failed,
            unknown=unknown,
            amount=grant,
            blanks={
                "activity": (activity, str),
                "day": (ev.as_at, date.isoformat),
                "cost": (cost, Money),
                "matched": (matched, Money),
                "used": (used, Money),
                "room": (room, Money),
                "web_used": (web_used, Money),
                "web_room": (web_room, Money),
                "grant": (grant, Money),
            },  # fmt: skip
            constants=constants,
        )

    def case_row(self, columns: Columns, index: int) -> dict[str, Any]:
        """The application as ``decide`` takes it (the canonical form of a column row).

        Earlier approvals become one approval per activity with a total above
        zero, dated the day the application was received.
        """
        received = columns["received"].item(index).isoformat()
        ended = columns["activity_ended"].item(index)
        employees = columns["employees_in_hk"].item(index)
        row: dict[str, Any] = {
            "received": received,
            "activity": columns["activity"].item(index),
            "activity_ended": None if ended is None else ended.isoformat(),
            "approved_expenditure": cents_text(columns["approved_expenditure"].item(index)),
            "ineligible_costs": cents_text(columns["ineligible_costs"].item(index)),
            "employees_in_hk": None if employees < 0 else employees,
        }
        for fact in ("manufacturing", "listed", *_FACT_COLUMNS):
            code = columns[fact].item(index)
            row[fact] = None if code < 0 else code == 1
        row["prior_approvals"] = [
            {"amount": cents_text(cents), "approved_on": received, "activity": name[len(PRIOR) :]}
            for name in sorted(n for n in columns if n.startswith(PRIOR))
            if (cents := columns[name].item(index))
        ]
        return row

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        texts: dict[str, list[Any]] = {"received": [], "activity": [], "activity_ended": []}
        numbers: dict[str, list[int]] = {name: [] for name in COLUMNS[3:]}
        priors: list[dict[str, int]] = []
        for case in cases:
            received = str(case["received"])
            ended = case.get("activity_ended")
            texts["received"].append(received)
            texts["activity"].append(case["activity"])
            texts["activity_ended"].append("NaT" if ended is None else str(ended))
            numbers["approved_expenditure"].append(input_cents(case["approved_expenditure"]))
            numbers["ineligible_costs"].append(input_cents(case.get("ineligible_costs", 0)))
            employees = case.get("employees_in_hk")
            numbers["employees_in_hk"].append(-1 if employees is None else int(employees))
            for fact in ("manufacturing", "listed", *_FACT_COLUMNS):
                numbers[fact].append(_YES_NO[case.get(fact)])
            # Only earlier approvals: a later one is left out, as ``evaluate`` leaves it out.
            totals: dict[str, int] = {}
            for p in case.get("prior_approvals", ()):
                if str(p["approved_on"]) <= received:
                    code = p.get("activity", "")
                    totals[code] = totals.get(code, 0) + input_cents(p["amount"])
            priors.append(totals)
        columns: dict[str, NDArray[Any]] = {
            "received": np.array(texts["received"], dtype="datetime64[D]"),
            "activity": np.array(texts["activity"], dtype=np.str_),
            "activity_ended": np.array(texts["activity_ended"], dtype="datetime64[D]"),
        }
        for name, values in numbers.items():
            columns[name] = np.array(values, dtype=np.int64 if name in COLUMNS[3:6] else np.int8)
        for code in sorted({code for totals in priors for code in totals}):
            columns[PRIOR + code] = np.array([t.get(code, 0) for t in priors], dtype=np.int64)
        return columns


def _state(fact: NDArray[np.int8], *, negated: bool) -> NDArray[np.int64]:
    """A condition's state from a yes/no fact: 0 met, 1 not given, 2 not met."""
    met = 0 if negated else 1
    return np.where(fact < 0, 1, np.where(fact == met, 0, 2))


def _branch(key: int, non_sme: bool, initial: bool) -> Branch:
    """The path numbered ``key`` (the radices of ``_RADICES``): what it read and said."""
    digits = []
    for radix in reversed(_RADICES):
        key, digit = divmod(key, radix)
        digits.append(digit)
    stage, first_limit, size, *facts = reversed(digits[5:])
    capped, cut, on_web, web_cut, nothing = reversed(digits[:5])
    read: list[str] = ["eligible_activities"]
    if stage == _NOT_COVERED:
        return Branch(tuple(read), (NOT_COVERED,))
    read.append("application_deadline")
    if stage == _LATE:
        return Branch(tuple(read), (LATE,))
    read.append("excluded_roles")
    limits = ("manufacturing_employee_limit", "non_manufacturing_employee_limit")
    if first_limit:
        read.append(limits[first_limit - 1])
    said: list[ReasonTemplate] = []
    conditions: list[tuple[str, int]] = []
    if size:  # 0: an SME, no size condition; else the state + 1
        read.append("non_sme_eligible")
        if not non_sme:
            read.extend(limits)
        conditions.append(("non_listed" if non_sme else "sme", size - 1))
    conditions.extend(zip(FACTS, facts, strict=True))
    for code, state in conditions:
        if state:
            said.append(CONDITIONS[code][state - 1])
        if state == 2:
            return Branch(tuple(read), tuple(said))
    read += ["matching_share", "application_cap", "cumulative_ceiling", "website_activities"]
    said.append(MATCHING)
    said += [t for t, bound in ((APPLICATION_CAP, capped), (CUMULATIVE, cut)) if bound]
    if on_web:
        read.append("website_share_of_ceiling")
    if web_cut:
        said.append(WEBSITE)
    if nothing:
        return Branch(tuple(read), (*said, NOTHING))
    read.append("initial_payment_available")
    said += [INITIAL_PAYMENT, GRANT] if initial else [GRANT]
    return Branch(tuple(read), tuple(said))


FORMULA = EMFColumns()
