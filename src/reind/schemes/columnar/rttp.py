"""RTTP over columns: ``RTTP.evaluate`` for many grant applications at once (numpy).

The rule is ``reind.schemes.rttp``: its conditions, deadlines, reason
templates and the parameters it reads, in that order. A case has two
governing dates: the received date (the group's) and the approval date,
which chooses the ceiling per financial year; a branch names that read
``company_fy_cap@approved@<day>`` (``columns.chosen``) when the two differ,
so each case's trace shows the value and the date that chose it.

Trainees are one text per case, a code per trainee joined by ";": whether
a permanent resident and whether of a relevant background (Y, N or U for
not given) and the courses already funded this year, e.g. ``YY0;YU1``. A
case whose trainees all qualify (both Y, under the course limit) is priced
over columns; any other reaches reasons numbered trainee by trainee, and
is decided by the rule itself, row by row (``RTTPColumns.fallbacks`` counts
them). Earlier grants are one total: those approved in the financial year
of the approval, and not after it. A property test
(``tests/rules/test_columns_rttp.py``) holds both to the same decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reind.core.errors import InvalidInputError, RuleError
from reind.core.money import Money
from reind.core.periods import FinancialYear
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
    chosen,
    date_column,
    day_of,
    input_cents,
    literal_branch,
    optional_count_column,
    optional_date_column,
    refuse_unknown_columns,
    scaled_down,
)
from reind.rules.decision import Outcome
from reind.schemes.common import fmt_ratio
from reind.schemes.rttp import (
    CONDITIONS,
    FY_CAP,
    GRANT,
    LATE,
    LATE_REGISTRATION,
    MATCHING,
    NOTHING,
    RTTP,
    UNREGISTERED,
    RTTPInputs,
    lead_blanks,
    months_before,
)

COLUMNS = (
    "received", "approved_on", "course_start", "course_registered_on", "course_fee", "trainees",
    "registered_under", "subvented", "provider_years_experience", "prior_fy_approved",
)  # fmt: skip
"""The columns ``decide_columns`` takes for RTTP grant applications."""
REGISTRATIONS = ("cap310", "other")
"""The ``registered_under`` choices; a position is the column's code (-1: not given)."""
_FACTS = {None: "U", True: "Y", False: "N"}
_STOPPED, _LATE, _LATE_REGISTRATION, _PRICED = 0, 1, 2, 3
_RADICES = (4, 3, 3, 3, 2, 2, 2)
"""Path key: stage, the three conditions' states, course not registered, cut by the ceiling,
nothing left; then the approval date's position when it is not the case's date."""
_RULE = RTTP()
assert (ELIGIBLE, INELIGIBLE, TENTATIVE) == (0, 1, 2), "evaluate_columns adds outcome codes"


class RTTPColumns:
    """``RTTP``'s formula over columns (``Scheme.vectorised``)."""

    label = "RTTP"
    fallbacks = 0
    """Rows decided by the rule itself so far (trainees reaching numbered reasons)."""

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        """``COLUMNS``: received, course start, fee and trainees required; amounts in cents;
        optional dates NaT and ``provider_years_experience`` -1 when not given."""
        label = self.label
        refuse_unknown_columns(columns, COLUMNS, label)
        trainees = columns.get("trainees")
        if trainees is None or trainees.dtype.kind != "U":
            raise InvalidInputError(f"{label}: column trainees is required, as texts")
        for code in np.unique(trainees).tolist():
            _trainees(code)  # refuses a malformed code
        return {
            "received": date_column(columns, "received", label),
            "approved_on": optional_date_column(columns, "approved_on", count, label),
            "course_start": date_column(columns, "course_start", label),
            "course_registered_on": optional_date_column(
                columns, "course_registered_on", count, label
            ),
            "course_fee": cents_column(columns, "course_fee", count, label),
            "trainees": trainees,
            "registered_under": choice_column(
                columns, "registered_under", count, len(REGISTRATIONS), label
            ),
            "subvented": choice_column(columns, "subvented", count, 2, label),
            "provider_years_experience": optional_count_column(
                columns, "provider_years_experience", count, label
            ),
            "prior_fy_approved": cents_column(columns, "prior_fy_approved", count, label, 0),
        }

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        """The dates received."""
        days: NDArray[np.datetime64] = columns["received"]
        return days

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        """``RTTP.evaluate`` step by step over arrays; rows with numbered reasons one by one."""
        received, start = columns["received"], columns["course_start"]
        size = len(received)
        allowed = ev.codes("eligible_registration")
        min_years = ev.count("min_provider_experience")
        experience, subvented = columns["provider_years_experience"], columns["subvented"]
        facts = (
            np.take(np.array([-1, *(int(c in allowed) for c in REGISTRATIONS)]),
                    columns["registered_under"] + 1),
            np.where(subvented < 0, -1, 1 - subvented.astype(np.int64)),
            np.where(experience < 0, -1, (experience >= min_years).astype(np.int64)),
        )  # fmt: skip
        stopped = np.zeros(size, dtype=bool)
        unknown = np.zeros(size, dtype=bool)
        states = []
        for fact in facts:  # 0 met, 1 not given, 2 not met; nothing after a condition not met
            state = np.where(fact < 0, 1, np.where(fact == 1, 0, 2)) * ~stopped
            states.append(state)
            unknown |= state == 1
            stopped |= state == 2
        stage = np.where(stopped, _STOPPED, _PRICED)

        weeks = ev.count("grant_application_lead_weeks") if (~stopped).any() else 0
        latest = start - np.timedelta64(7 * weeks, "D")
        late = ~stopped & (received > latest)
        stage, stopped = np.where(late, _LATE, stage), stopped | late
        registered = columns["course_registered_on"]
        unregistered = ~stopped & np.isnat(registered)
        deadline, lead, by_months = start, lead_blanks(0, None), False
        if (~stopped & ~unregistered).any():
            lead_weeks = ev.optional("course_registration_lead_weeks")
            if isinstance(lead_weeks, int):
                deadline, lead = (
                    start - np.timedelta64(7 * lead_weeks, "D"),
                    lead_blanks(lead_weeks, None),
                )
            else:
                months = ev.count("course_registration_lead_months")
                deadline, by_months = _months_before(start, months), True
                lead = lead_blanks(None, months)
        late_registration = ~stopped & ~unregistered & (registered > deadline)
        stage = np.where(late_registration, _LATE_REGISTRATION, stage)
        stopped |= late_registration
        unknown |= unregistered

        # Trainees: all qualify (priced here) or some reach numbered reasons (the rule decides).
        codes, where = np.unique(columns["trainees"], return_inverse=True)
        limit = ev.optional("trainee_courses_per_fy") if (~stopped).any() else None
        parsed = [_trainees(code) for code in codes.tolist()]
        count = np.array([len(p) for p in parsed], dtype=np.int64)[where.reshape(size)]
        plain = np.array([_all_qualify(p, limit) for p in parsed], dtype=bool)[where.reshape(size)]
        alone = ~stopped & ~plain

        fee = columns["course_fee"]
        ratio = ev.ratio("matching_share") if (~stopped).any() else None
        per_trainee = scaled_down(fee, ratio, "RTTP share") if ratio is not None else fee * 0
        if len(count) and int(per_trainee.max()) * int(count.max()) >= 2**63:
            raise RuleError("RTTP subsidy: the product would overflow 64-bit integers")
        subsidy = per_trainee * count
        approved = np.where(np.isnat(columns["approved_on"]), received, columns["approved_on"])
        days, on_day = np.unique(approved, return_inverse=True)
        on_day = on_day.reshape(size)
        priced = ~stopped & ~alone
        caps = [ev.money_on("company_fy_cap", "approved", day_of(d)).cents
                if (priced & (on_day == n)).any() else 0 for n, d in enumerate(days)]  # fmt: skip
        cap = np.array(caps, dtype=np.int64)[on_day]
        earlier = columns["prior_fy_approved"]
        room = np.maximum(cap - earlier, 0)
        cut = ~stopped & (room < subsidy)
        grant = np.minimum(subsidy, room)
        nothing = ~stopped & (grant == 0)
        failed = stopped | nothing
        outcomes = failed.view(np.int8) + ((unknown & ~failed).view(np.int8) << 1)
        amounts = grant * ~failed

        # The approval date joins the path when it is not the case's own (``chosen``).
        other = ~stopped & (approved != ev.as_at)
        key = np.zeros(size, dtype=np.int64)
        for radix, part in zip(_RADICES, (stage, *states, unregistered, cut, nothing), strict=True):
            key = key * radix + part
        key = key * (len(days) + 1) + np.where(other, on_day + 1, 0)
        key[alone] = -1 - np.flatnonzero(alone)  # each such row a branch of its own
        paths, branch = np.unique(key, return_inverse=True)
        branches = [
            _branch(int(k) // (len(days) + 1), days, int(k) % (len(days) + 1), by_months)
            if k >= 0 else Branch((), ()) for k in paths
        ]  # fmt: skip
        branch = branch.reshape(size)
        for row in np.flatnonzero(alone).tolist():
            case = RTTPInputs.model_validate(self.case_row(columns, row))
            own = ev.for_case(day_of(ev.as_at[row]))
            verdict = _RULE.evaluate(case, own)
            outcomes[row] = (Outcome.ELIGIBLE, Outcome.INELIGIBLE, Outcome.TENTATIVE).index(
                verdict.outcome
            )
            amounts[row] = verdict.amount.cents
            branches[int(branch[row])] = literal_branch(own)
        self.fallbacks += int(alone.sum())
        return ColumnVerdict(
            outcomes=outcomes,
            amount_cents=amounts,
            branch=branch,
            branches=branches,
            blanks={
                "course_start": (start, _iso),
                "latest": (latest, _iso),
                "deadline": (deadline, _iso),
                "fee": (fee, Money),
                "per_trainee": (per_trainee, Money),
                "trainees": (count, int),
                "subsidy": (subsidy, Money),
                "year": (approved, lambda d: str(FinancialYear.containing(d))),
                "earlier": (earlier, Money),
                "cap": (cap, Money),
                "room": (room, Money),
                "grant": (grant, Money),
            },
            constants={
                "min_years": min_years,
                "weeks": weeks,
                **lead,
                "ratio": fmt_ratio(ratio) if ratio is not None else "",
            },  # fmt: skip
        )

    def case_row(self, columns: Columns, index: int) -> dict[str, Any]:
        """The application as ``decide`` takes it (the canonical form of a column row).

        The earlier grants' total becomes one grant approved on the approval date.
        """
        received = columns["received"].item(index)
        approved = columns["approved_on"].item(index)
        registered = columns["course_registered_on"].item(index)
        code = columns["registered_under"].item(index)
        subvented = columns["subvented"].item(index)
        experience = columns["provider_years_experience"].item(index)
        earlier = columns["prior_fy_approved"].item(index)
        return {
            "received": received.isoformat(),
            "approved_on": _iso(approved) or None,
            "course_start": columns["course_start"].item(index).isoformat(),
            "course_registered_on": _iso(registered) or None,
            "course_fee": cents_text(columns["course_fee"].item(index)),
            "trainees": [
                {
                    "permanent_resident": resident,
                    "relevant_background": background,
                    "courses_this_fy": courses,
                }
                for resident, background, courses in _trainees(columns["trainees"].item(index))
            ],  # fmt: skip
            "registered_under": None if code < 0 else REGISTRATIONS[code],
            "subvented": None if subvented < 0 else subvented == 1,
            "provider_years_experience": None if experience < 0 else experience,
            "prior_grants": [
                {"amount": cents_text(earlier), "approved_on": (approved or received).isoformat()}
            ]
            if earlier
            else [],
        }

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        texts: dict[str, list[str]] = {
            n: [] for n in ("received", "approved_on", "course_start", "course_registered_on")
        }
        trainees: list[str] = []
        values: dict[str, list[int]] = {
            n: [] for n in ("course_fee", "registered_under", "subvented",
                            "provider_years_experience", "prior_fy_approved")
        }  # fmt: skip
        for case in cases:
            for name, days in texts.items():
                given = case.get(name)
                days.append("NaT" if given is None else str(given))
            trainees.append(";".join(
                f"{_FACTS[t.get('permanent_resident')]}{_FACTS[t.get('relevant_background')]}"
                f"{int(t.get('courses_this_fy', 0))}" for t in case["trainees"]
            ))  # fmt: skip
            values["course_fee"].append(input_cents(case["course_fee"]))
            registered = case.get("registered_under")
            values["registered_under"].append(
                -1 if registered is None else REGISTRATIONS.index(registered)
            )
            subvented = case.get("subvented")
            values["subvented"].append(-1 if subvented is None else int(subvented))
            experience = case.get("provider_years_experience")
            values["provider_years_experience"].append(-1 if experience is None else experience)
            # The grants the ceiling counts: approved in the approval's year, not after it.
            approved = date.fromisoformat(str(case.get("approved_on") or case["received"]))
            year = FinancialYear.containing(approved)
            values["prior_fy_approved"].append(sum(
                input_cents(p["amount"]) for p in case.get("prior_grants", ())
                if (on := date.fromisoformat(str(p["approved_on"]))) <= approved and on in year
            ))  # fmt: skip
        columns: dict[str, NDArray[Any]] = {
            name: np.array(days, dtype="datetime64[D]") for name, days in texts.items()
        }
        columns["trainees"] = np.array(trainees, dtype=np.str_)
        for name, column in values.items():
            small = name in ("registered_under", "subvented")
            columns[name] = np.array(column, dtype=np.int8 if small else np.int64)
        return columns


def _trainees(code: str) -> list[tuple[bool | None, bool | None, int]]:
    """The trainees of one ``trainees`` text; an InvalidInputError if it is not one."""
    facts = {"U": None, "Y": True, "N": False}
    found = []
    for part in code.split(";"):
        if len(part) < 3 or part[0] not in facts or part[1] not in facts or not part[2:].isdigit():
            raise InvalidInputError(f"RTTP: not a trainees code: {code!r}")
        found.append((facts[part[0]], facts[part[1]], int(part[2:])))
    return found


def _all_qualify(trainees: list[tuple[bool | None, bool | None, int]], limit: object) -> bool:
    """Every trainee a permanent resident of a relevant background, under the course limit."""
    under = (lambda n: n < limit) if isinstance(limit, int) else (lambda n: True)
    return all(r is True and b is True and under(n) for r, b, n in trainees)


def _months_before(days: NDArray[np.datetime64], months: int) -> NDArray[np.datetime64]:
    """``months_before`` of each day, worked out once per distinct day."""
    unique, where = np.unique(days, return_inverse=True)
    moved = [months_before(day_of(d), months) for d in unique]
    return np.array(moved, dtype="datetime64[D]")[where.reshape(len(days))]


def _iso(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def _branch(key: int, days: NDArray[np.datetime64], on_day: int, by_months: bool) -> Branch:
    """The path numbered ``key`` (the radices of ``_RADICES``): what it read and said."""
    digits = []
    for radix in reversed(_RADICES):
        key, digit = divmod(key, radix)
        digits.append(digit)
    stage, *states, unregistered, cut, nothing = reversed(digits)
    read: list[str] = ["eligible_registration", "min_provider_experience"]
    codes = ("cap310", "non_subvented", "provider_experience")
    said: list[ReasonTemplate] = [
        CONDITIONS[code][state - 1] for code, state in zip(codes, states, strict=True) if state
    ]
    if stage == _STOPPED:
        return Branch(tuple(read), tuple(said))
    read.append("grant_application_lead_weeks")
    if stage == _LATE:
        return Branch(tuple(read), (*said, LATE))
    if unregistered:
        said.append(UNREGISTERED)
    else:
        read.append("course_registration_lead_weeks")
        if by_months:
            read.append("course_registration_lead_months")
    if stage == _LATE_REGISTRATION:
        return Branch(tuple(read), (*said, LATE_REGISTRATION))
    read += ["matching_share", "trainee_courses_per_fy"]
    cap = "company_fy_cap"
    read.append(chosen(cap, "approved", day_of(days[on_day - 1])) if on_day else cap)
    said.append(MATCHING)
    if cut:
        said.append(FY_CAP)
    return Branch(tuple(read), (*said, NOTHING if nothing else GRANT))


FORMULA = RTTPColumns()
