"""TSSSU over columns: ``TSSSU.evaluate`` for many recommended start-ups at once (numpy).

The rule is ``reind.schemes.tsssu``: its conditions, reason templates and the
parameters it reads, in that order. This runs the same steps over arrays;
each case's path is a small state per step, and the distinct paths become
the ``Branch`` table. A property test (``tests/rules/test_columns_b.py``)
holds both to the same decisions.

A case is governed by the first day of its financial year, held as the year
it starts in. Its lists take a canonical form: the start-up's funding as the
first year it was funded (up to this year; later years the rule ignores)
and its total for this year; the university's approvals this year as one
total per track. The company-age test, ``deadline <= registered + n years``
(29 Feb becoming 28 Feb), is a comparison of year-month-day keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reind.core.errors import InvalidInputError
from reind.core.money import Money
from reind.core.periods import FinancialYear
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
    input_cents,
    optional_count_column,
    optional_date_column,
    refuse_unknown_columns,
    scaled_down,
)
from reind.schemes.tsssu import (
    _TRACK_NAMES,
    CONDITIONS,
    GRANT,
    LIMITS,
    NOTHING,
    REQUESTED,
    TRACKS,
    YEARS_USED,
    university_names,
)

_OPTIONAL_CENTS = ("private_investment", "university_internal_cap")
APPROVED = tuple(f"approved_{track}" for track in TRACKS)
COLUMNS = (
    "financial_year", "university", "track", "requested", "company_registered_on",
    "application_deadline", "team_from_university", *_OPTIONAL_CENTS, "first_funded_year",
    "funded_this_year", *APPROVED,
)  # fmt: skip
"""The columns of a TSSSU case; ``financial_year`` is the year it starts in (2023: 2023-24)."""
_YES_NO: dict[bool | None, int] = {None: -1, False: 0, True: 1}
_CONDITIONS = ("university", "track_open", "company_age", "university_team", "private_match")
# Radices of the path key: track, track open, five condition states, years used up,
# priced, cut by each of four limits, nothing left.
_RADICES = (2, 2, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2)
assert (ELIGIBLE, INELIGIBLE, TENTATIVE) == (0, 1, 2), "evaluate_columns adds outcome codes"


def _year_text(start_year: int) -> str:
    return str(FinancialYear(start_year))


class TSSSUColumns:
    """``TSSSU``'s formula over columns (``Scheme.vectorised``)."""

    label = "TSSSU"

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        """``COLUMNS``: financial year, university and request required; amounts in cents
        (-1: not given for the optional ones); track a code into ``TRACKS`` (default o);
        dates NaT when not given; ``first_funded_year`` -1 when never funded."""
        label = self.label
        refuse_unknown_columns(columns, COLUMNS, label)
        years = count_column(columns, "financial_year", count, label)
        universities = columns.get("university")
        if universities is None or universities.dtype.kind != "U":
            raise InvalidInputError(f"{label}: column university is required, as texts")
        first = optional_count_column(columns, "first_funded_year", count, label)
        for name, values in (("financial_year", years), ("first_funded_year", first)):
            bad = (values > 9999) | ((values < 1000) & (values != -1))
            if bad.any():
                at = int(np.argmax(bad))
                raise InvalidInputError(
                    f"{label}: case {at}: {name} must be a year from 1000 to 9999, got {values[at]}"
                )
        checked: dict[str, NDArray[Any]] = {
            "financial_year": years,
            "university": universities,
            "track": np.maximum(choice_column(columns, "track", count, len(TRACKS), label), 0),
            "requested": cents_column(columns, "requested", count, label),
            "team_from_university": choice_column(columns, "team_from_university", count, 2, label),
            "first_funded_year": first,
            "funded_this_year": count_column(columns, "funded_this_year", count, label, 0),
        }
        for name in ("company_registered_on", "application_deadline"):
            checked[name] = optional_date_column(columns, name, count, label)
        for name in _OPTIONAL_CENTS:
            values = optional_count_column(columns, name, count, label)
            if len(values) and int(values.max()) >= MAX_CENTS:
                raise InvalidInputError(f"{label}: {name} must be whole cents below 10**15")
            checked[name] = values
        for name in APPROVED:
            checked[name] = count_column(columns, name, count, label, 0)
        return checked

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        """1 April of each case's financial year."""
        years = columns["financial_year"]
        months: NDArray[Any] = (years - 1970).astype("datetime64[Y]").astype("datetime64[M]")
        april: NDArray[Any] = months + np.timedelta64(3, "M")
        days: NDArray[np.datetime64] = april.astype("datetime64[D]")
        return days

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        """``TSSSU.evaluate`` step by step over arrays; each case's states make its path key."""
        universities = ev.codes("universities")
        tracks = ev.codes("tracks")
        track = columns["track"]
        size = len(track)
        is_open = np.isin(track, [code for code, name in enumerate(TRACKS) if name in tracks])
        max_age = np.zeros(size, dtype=np.int64)
        for code, name in enumerate(TRACKS):  # each read only when a case is on an open track
            on = is_open & (track == code)
            if on.any():
                max_age = np.where(on, ev.count(f"track_{name}_max_company_age"), max_age)
        registered, deadline = columns["company_registered_on"], columns["application_deadline"]
        young = np.where(
            np.isnat(registered) | np.isnat(deadline),
            -1,
            _day_key(deadline) <= _years_after_key(registered, max_age),
        )
        requested = columns["requested"]
        plus = is_open & (track == 1)
        needed = np.zeros(size, dtype=np.int64)
        constants: dict[str, object] = dict(university_names(universities))
        private = columns["private_investment"]
        matched = np.ones(size, dtype=np.int64)
        if plus.any():
            factor = ev.ratio("track_plus_private_match")
            needed = scaled_down(requested, factor, "TSSSU+ private match")
            matched = np.where(private < 0, -1, private >= needed)
        names = np.char.lower(columns["university"])
        facts = [np.isin(names, universities), is_open, young, columns["team_from_university"],
                 np.where(plus, matched, 1)]  # fmt: skip
        stopped = np.zeros(size, dtype=bool)
        unknown = np.zeros(size, dtype=bool)
        states = []
        for fact in facts:  # 0 met, 1 not given, 2 not met; nothing after a case stops
            state = np.where(fact < 0, 1, np.where(fact == 1, 0, 2)) * ~stopped
            states.append(state)
            unknown |= state == 1
            stopped |= state == 2

        years = ev.count("startup_max_years") if (~stopped).any() else 0
        first, current = columns["first_funded_year"], columns["financial_year"]
        used_up = ~stopped & (first >= 0) & (current - first >= years)
        priced = ~stopped & ~used_up
        grant = requested.copy()
        blanks: dict[str, tuple[NDArray[Any], Any]] = {
            "year": (current, _year_text), "first": (first, _year_text),
            "track": (track, lambda code: _TRACK_NAMES[TRACKS[code]]),
            "max_age": (max_age, int), "needed": (needed, Money), "requested": (requested, Money),
        }  # fmt: skip
        limits: list[tuple[str, NDArray[np.int64], NDArray[np.int64]]] = []
        if priced.any():
            caps = [
                ev.money(f"track_{name}_annual_ceiling").cents
                if (priced & (track == n)).any()
                else 0
                for n, name in enumerate(TRACKS)
            ]
            approved_o, approved_plus = columns["approved_o"], columns["approved_plus"]
            limits = [
                ("startup_cap", np.full(size, ev.money("startup_annual_cap").cents),
                 columns["funded_this_year"]),
                ("track_ceiling", np.where(track == 1, caps[1], caps[0]),
                 np.where(track == 1, approved_plus, approved_o)),
                ("university_ceiling", np.full(size, ev.money("university_annual_ceiling").cents),
                 approved_o + approved_plus),
            ]  # fmt: skip
        internal = columns["university_internal_cap"]
        limits.append(("internal_cap", internal, np.zeros(size, dtype=np.int64)))
        cuts = []
        for limit, cap, used in limits:
            room = np.maximum(cap - used, 0)
            cut = priced & (internal >= 0 if limit == "internal_cap" else True) & (room < grant)
            grant = np.where(cut, room, grant)
            cuts.append(cut)
            blanks.update({f"{limit}_used": (used, Money), f"{limit}_cap": (cap, Money),
                           f"{limit}_room": (room, Money)})  # fmt: skip
        cuts = [np.zeros(size, dtype=bool)] * (4 - len(cuts)) + cuts
        nothing = priced & (grant == 0)
        failed = stopped | used_up | nothing
        blanks["grant"] = (grant, Money)
        constants["years"] = years
        parts = (track, is_open, *states, used_up, priced, *cuts, nothing)
        key = np.zeros(size, dtype=np.int64)
        for radix, part in zip(_RADICES, parts, strict=True):
            key = key * radix + part
        return ColumnVerdict.from_paths(
            key,
            _branch,
            failed=failed,
            unknown=unknown,
            amount=grant,
            blanks=blanks,
            constants=constants,
        )

    def case_row(self, columns: Columns, index: int) -> dict[str, Any]:
        """The recommendation as ``decide`` takes it (the canonical form of a column row).

        The start-up's funding becomes its first year (HK$0) and this year's total;
        the university's approvals one per track; each amount at most the largest
        an input takes (a larger total is split).
        """
        year = columns["financial_year"].item(index)
        registered = columns["company_registered_on"].item(index)
        deadline = columns["application_deadline"].item(index)
        team = columns["team_from_university"].item(index)
        row: dict[str, Any] = {
            "financial_year": _year_text(year),
            "university": columns["university"].item(index),
            "track": TRACKS[columns["track"].item(index)],
            "requested": cents_text(columns["requested"].item(index)),
            "company_registered_on": None if registered is None else registered.isoformat(),
            "application_deadline": None if deadline is None else deadline.isoformat(),
            "team_from_university": None if team < 0 else team == 1,
        }
        for name in _OPTIONAL_CENTS:
            value = columns[name].item(index)
            row[name] = None if value < 0 else cents_text(value)
        first = columns["first_funded_year"].item(index)
        funding = [] if first < 0 or first == year else [(_year_text(first), 0)]
        total = columns["funded_this_year"].item(index)
        if first == year or total:
            funding += [(_year_text(year), part) for part in _parts(total)]
        row["startup_funding"] = [
            {"financial_year": y, "amount": cents_text(a)} for y, a in funding
        ]
        row["university_approvals"] = [
            {"track": track, "amount": cents_text(part)}
            for track, name in zip(TRACKS, APPROVED, strict=True)
            for part in _parts(columns[name].item(index))
            if part
        ]
        return row

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw recommendations (as ``decide`` takes them) as ``decide_columns`` takes them."""
        texts: dict[str, list[str]] = {
            "university": [], "company_registered_on": [], "application_deadline": []
        }  # fmt: skip
        numbers: dict[str, list[int]] = {name: [] for name in COLUMNS if name not in texts}
        tracks = {name: code for code, name in enumerate(TRACKS)}
        for case in cases:
            year = FinancialYear.parse(str(case["financial_year"])).start_year
            numbers["financial_year"].append(year)
            texts["university"].append(str(case["university"]))
            numbers["track"].append(tracks[case.get("track", "o")])
            numbers["requested"].append(input_cents(case["requested"]))
            for name in ("company_registered_on", "application_deadline"):
                given = case.get(name)
                texts[name].append("NaT" if given is None else str(given))
            numbers["team_from_university"].append(_YES_NO[case.get("team_from_university")])
            for name in _OPTIONAL_CENTS:
                given = case.get(name)
                numbers[name].append(-1 if given is None else input_cents(given))
            funded = [
                (FinancialYear.parse(str(f["financial_year"])).start_year, input_cents(f["amount"]))
                for f in case.get("startup_funding", ())
            ]
            earlier = [y for y, _ in funded if y <= year]
            numbers["first_funded_year"].append(min(earlier) if earlier else -1)
            numbers["funded_this_year"].append(sum(a for y, a in funded if y == year))
            approved = dict.fromkeys(TRACKS, 0)
            for a in case.get("university_approvals", ()):
                approved[a.get("track", "o")] += input_cents(a["amount"])
            for track, name in zip(TRACKS, APPROVED, strict=True):
                numbers[name].append(approved[track])
        columns: dict[str, NDArray[Any]] = {
            "university": np.array(texts["university"], dtype=np.str_),
            "company_registered_on": np.array(texts["company_registered_on"], "datetime64[D]"),
            "application_deadline": np.array(texts["application_deadline"], "datetime64[D]"),
        }
        for name, values in numbers.items():
            if any(v >= 2**63 for v in values):
                raise InvalidInputError(f"TSSSU: {name} does not fit a column of 64-bit integers")
            small = name in ("track", "team_from_university")
            columns[name] = np.array(values, dtype=np.int8 if small else np.int64)
        return columns


def _parts(total: int) -> list[int]:
    """``total`` cents as amounts an input takes (each below 10**15), at least one."""
    parts = []
    while total >= MAX_CENTS:
        parts.append(MAX_CENTS - 1)
        total -= MAX_CENTS - 1
    return [*parts, total]


def _ymd(days: NDArray[np.datetime64]) -> tuple[NDArray[np.int64], ...]:
    """Year, month and day of each date (NaT gives arbitrary numbers)."""
    years = days.astype("datetime64[Y]")
    months = days.astype("datetime64[M]")
    year = years.astype(np.int64) + 1970
    month = (months - years.astype("datetime64[M]")).astype(np.int64) + 1
    day = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def _day_key(days: NDArray[np.datetime64]) -> NDArray[np.int64]:
    year, month, day = _ymd(days)
    return year * 10_000 + month * 100 + day


def _years_after_key(days: NDArray[np.datetime64], years: NDArray[np.int64]) -> NDArray[np.int64]:
    """The key of the same day ``years`` later, 29 Feb becoming 28 Feb in a common year."""
    year, month, day = _ymd(days)
    later = year + years
    leap = (later % 4 == 0) & ((later % 100 != 0) | (later % 400 == 0))
    day = np.where((month == 2) & (day == 29) & ~leap, 28, day)
    return later * 10_000 + month * 100 + day


def _branch(key: int) -> Branch:
    """The path numbered ``key`` (the radices of ``_RADICES``): what it read and said."""
    digits = []
    for radix in reversed(_RADICES):
        key, digit = divmod(key, radix)
        digits.append(digit)
    track, is_open, *rest = reversed(digits)
    states, (used_up, _priced, *cuts, nothing) = rest[:5], rest[5:]
    name = TRACKS[track]
    read: list[str] = ["universities", "tracks"]
    if is_open:
        read.append(f"track_{name}_max_company_age")
        if name == "plus":
            read.append("track_plus_private_match")
    said: list[ReasonTemplate] = [
        CONDITIONS[code][state - 1]
        for code, state in zip(_CONDITIONS, states, strict=True)
        if state
    ]
    if any(state == 2 for state in states):
        return Branch(tuple(read), tuple(said))
    read.append("startup_max_years")
    if used_up:
        return Branch(tuple(read), (*said, YEARS_USED))
    read += ["startup_annual_cap", f"track_{name}_annual_ceiling", "university_annual_ceiling"]
    said.append(REQUESTED)
    said += [LIMITS[code] for code, cut in zip(LIMITS, cuts, strict=True) if cut]
    return Branch(tuple(read), (*said, NOTHING if nothing else GRANT))


FORMULA = TSSSUColumns()
