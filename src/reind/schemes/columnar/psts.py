"""PSTS over columns: ``PSTS.evaluate`` for many applications at once (numpy).

The rule is ``reind.schemes.psts``: its conditions, reason templates and the
parameters it reads, in that order. Each case's path is a state per step;
the distinct paths become the ``Branch`` table. Budget lines are held as one
column per category, ``cost_line:<category>``: the total of the case's lines
in it, or -1 when it has none (a line of HK$0 in a barred category is still
named in the reason). The applicant status is text, "" when not given (so an
empty status given as such is not a column value: ``columns_of`` refuses it
and such a case is decided one by one). A property test
(``tests/rules/test_columns_psts.py``) holds both to the same decisions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from fractions import Fraction
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
    checked_sum,
    choice_column,
    date_column,
    input_cents,
    optional_count_column,
    scaled_down,
)
from reind.schemes.common import UNFUNDED_LINES, cut_template, fmt_ratio
from reind.schemes.psts import (
    CONDITIONS,
    GRANT,
    NOTHING,
    ORIGINAL_COST_CAP,
    ORIGINAL_COST_UNKNOWN,
    RD_CENTRE_UNKNOWN,
    SPC_CEILING,
    STREAM_NOT_OFFERED,
    applicant_blanks,
)

COLUMNS = (
    "received", "stream", "trial_cost", "ineligible_costs", "original_project_actual_cost",
    "original_project_completed", "led_by_rd_centre", "applicant_status", "duration_months",
)  # fmt: skip
"""The columns of a PSTS application, besides one ``cost_line:<category>`` per category."""
LINE = "cost_line:"
STREAMS = ("itf", "spc")
"""The ``stream`` choices; their position is the column's code (the default is itf)."""
_YES_NO: dict[bool | None, int] = {None: -1, False: 0, True: 1}
_FACTS = ("duration_months", "original_project_completed", "led_by_rd_centre")
_CUT = cut_template(ORIGINAL_COST_CAP.code, ORIGINAL_COST_CAP.en, ORIGINAL_COST_CAP.zh)
# Stages: the stream not open, stopped by a condition, an SPC trial, an ITF trial
# without the original cost, or an ITF trial priced.
_CLOSED, _STOPPED, _SPC, _NO_ORIGINAL, _ITF = 0, 1, 2, 3, 4
_RADICES = (5, 2, 3, 3, 2, 2, 2, 2)
"""Path key: stage, stream, two conditions' states, lines left out, R&D Centre not shown,
cut to the cap, nothing left."""
assert (ELIGIBLE, INELIGIBLE, TENTATIVE) == (0, 1, 2), "evaluate_columns adds outcome codes"


class PSTSColumns:
    """``PSTS``'s formula over columns (``Scheme.vectorised``)."""

    label = "PSTS"

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        """``COLUMNS`` plus any ``cost_line:<category>``; received and trial cost required.

        Amounts are cents (``original_project_actual_cost`` and each cost line -1 when not
        given); ``stream`` a code into ``STREAMS`` (0, itf, when absent); yes/no facts 1, 0
        or -1; ``applicant_status`` text, "" when not given; ``duration_months`` -1 when not
        given.
        """
        label = self.label
        unknown = sorted(n for n in columns if n not in COLUMNS and not n.startswith(LINE))
        if unknown:
            raise InvalidInputError(
                f"{label}: unknown column(s) {', '.join(unknown)}; expected {', '.join(COLUMNS)} "
                f"and {LINE}<category>"
            )
        status = columns.get("applicant_status")
        if status is None:
            status = np.full(count, "", dtype=np.str_)
        elif status.dtype.kind != "U":
            raise InvalidInputError(
                f"PSTS: column applicant_status must hold texts, not {status.dtype}"
            )
        stream = choice_column(columns, "stream", count, len(STREAMS), label)
        _refuse(stream < 0, "stream must be 0 (itf) or 1 (spc)")
        duration = optional_count_column(columns, "duration_months", count, label)
        _refuse(duration == 0, "duration_months must not be 0")
        checked: dict[str, NDArray[Any]] = {
            "received": date_column(columns, "received", label),
            "stream": stream,
            "trial_cost": cents_column(columns, "trial_cost", count, label),
            "ineligible_costs": cents_column(columns, "ineligible_costs", count, label, 0),
            "original_project_actual_cost": _optional_cents(
                columns, "original_project_actual_cost", count
            ),
            "applicant_status": status,
            "duration_months": duration,
        }
        for fact in _FACTS[1:]:
            checked[fact] = choice_column(columns, fact, count, 2, label)
        for name in sorted(n for n in columns if n.startswith(LINE)):
            checked[name] = _optional_cents(columns, name, count)
        return checked

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        """The dates received."""
        days: NDArray[np.datetime64] = columns["received"]
        return days

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        """``PSTS.evaluate`` step by step over arrays; each case's states make its path key."""
        stream = columns["stream"]
        size = len(stream)
        spc = stream == 1
        streams = ev.codes("streams")
        closed = ~np.take(np.array([s in streams for s in STREAMS]), stream)
        longest = ev.count("max_duration")
        duration = columns["duration_months"]
        # SPC cases read who may apply and the barred cost categories before the conditions.
        allowed: tuple[str, ...] = ()
        barred: tuple[str, ...] = ()
        if (spc & ~closed).any():
            allowed = ev.codes("spc_eligible_applicants")
            barred = ev.codes("spc_ineligible_cost_categories")
        status = columns["applicant_status"]
        facts = (
            np.where(duration < 0, -1, (duration <= longest).astype(np.int64)),
            np.where(
                spc,
                np.where(status == "", -1, np.isin(status, allowed).astype(np.int64)),
                columns["original_project_completed"],
            ),
        )
        stopped = closed.copy()
        unknown = np.zeros(size, dtype=bool)
        states = []
        for fact in facts:  # 0 met, 1 not given, 2 not met; nothing after a condition not met
            state = np.where(fact < 0, 1, np.where(fact == 1, 0, 2)) * ~stopped
            states.append(state)
            unknown |= state == 1
            stopped |= state == 2

        cost = columns["trial_cost"] - columns["ineligible_costs"]
        lines = {n[len(LINE) :]: a for n, a in columns.items() if n.startswith(LINE)}
        zero = np.zeros(size, dtype=np.int64)
        left_out = [(code, a) for code, a in sorted(lines.items()) if code in barred]
        unfunded = checked_sum(zero, *(np.maximum(a, 0) for _, a in left_out), what="PSTS lines")
        shown = np.zeros(size, dtype=np.int64)  # which barred categories the case has, as bits
        for bit, (_, amounts) in enumerate(left_out):
            shown |= (amounts >= 0).astype(np.int64) << bit
        shown *= spc & ~stopped
        cost = np.maximum(cost - unfunded * spc, 0)

        original = columns["original_project_actual_cost"]
        itf = ~spc & ~stopped & (original >= 0)
        ratio = ev.ratio("original_cost_share")
        rd_ratio = ev.optional("rd_centre_original_cost_share")
        led = columns["led_by_rd_centre"]
        has_rd = isinstance(rd_ratio, Fraction)
        by_rd = itf & (led == 1) if has_rd else np.zeros(size, dtype=bool)
        rd_unknown = itf & (led < 0) if has_rd else np.zeros(size, dtype=bool)
        known = np.maximum(original, 0)
        cap = scaled_down(known, ratio, "PSTS original cost share")
        if isinstance(rd_ratio, Fraction):
            cap = np.where(by_rd, scaled_down(known, rd_ratio, "PSTS R&D Centre share"), cap)
        cut = itf & (cost > cap)
        grant = np.where(spc, cost, np.minimum(cost, cap))
        nothing = itf & (grant == 0)
        stage = np.select(
            [closed, stopped, spc, ~itf], [_CLOSED, _STOPPED, _SPC, _NO_ORIGINAL], _ITF
        )
        failed = stopped | nothing
        pending = (stage == _SPC) | (stage == _NO_ORIGINAL) | ((unknown | rd_unknown) & ~failed)
        key = np.zeros(size, dtype=np.int64)
        parts = (stage, stream, *states, shown > 0, rd_unknown, cut, nothing)
        for radix, part in zip(_RADICES, parts, strict=True):
            key = key * radix + part
        paths, branch = np.unique(key, return_inverse=True)
        names = [code for code, _ in left_out]
        ratios = (fmt_ratio(ratio), fmt_ratio(rd_ratio) if isinstance(rd_ratio, Fraction) else "")
        return ColumnVerdict(
            outcomes=np.where(failed, INELIGIBLE, np.where(pending, TENTATIVE, ELIGIBLE)).astype(
                np.int8
            ),
            amount_cents=np.where(failed | (stage == _NO_ORIGINAL), 0, grant),
            branch=branch.reshape(size),
            branches=[_branch(int(k)) for k in paths],
            blanks={
                "stream": (stream, STREAMS.__getitem__),
                "day": (ev.as_at, date.isoformat),
                "shown": (shown, _shown(names)),
                "total": (unfunded, Money),
                "cost": (cost, Money),
                "ratio": (by_rd, ratios.__getitem__),
                "original": (known, Money),
                "cap": (cap, Money),
                "room": (cap, Money),
                "grant": (grant, Money),
            },  # fmt: skip
            constants={"longest": longest, **applicant_blanks(allowed)},
        )

    def case_row(self, columns: Columns, index: int) -> dict[str, Any]:
        """The application as ``decide`` takes it (the canonical form of a column row).

        Each category's lines become one line carrying their total.
        """
        original = columns["original_project_actual_cost"].item(index)
        duration = columns["duration_months"].item(index)
        row: dict[str, Any] = {
            "received": columns["received"].item(index).isoformat(),
            "stream": STREAMS[columns["stream"].item(index)],
            "trial_cost": cents_text(columns["trial_cost"].item(index)),
            "ineligible_costs": cents_text(columns["ineligible_costs"].item(index)),
            "original_project_actual_cost": None if original < 0 else cents_text(original),
            "applicant_status": columns["applicant_status"].item(index) or None,
            "duration_months": None if duration < 0 else duration,
        }
        for fact in _FACTS[1:]:
            code = columns[fact].item(index)
            row[fact] = None if code < 0 else code == 1
        row["cost_lines"] = [
            {"category": name[len(LINE) :], "amount": cents_text(cents)}
            for name in sorted(n for n in columns if n.startswith(LINE))
            if (cents := columns[name].item(index)) >= 0
        ]
        return row

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        received: list[str] = []
        statuses: list[str] = []
        values: dict[str, list[int]] = {
            name: [] for name in COLUMNS if name not in ("received", "applicant_status")
        }
        lines: list[dict[str, int]] = []
        for case in cases:
            received.append(str(case["received"]))
            status = case.get("applicant_status")
            if status == "":
                raise InvalidInputError("PSTS: an empty applicant status is not a column value")
            statuses.append("" if status is None else str(status))
            values["stream"].append(STREAMS.index(case.get("stream", "itf")))
            values["trial_cost"].append(input_cents(case["trial_cost"]))
            values["ineligible_costs"].append(input_cents(case.get("ineligible_costs", 0)))
            original = case.get("original_project_actual_cost")
            values["original_project_actual_cost"].append(
                -1 if original is None else input_cents(original)
            )
            duration = case.get("duration_months")
            values["duration_months"].append(-1 if duration is None else int(duration))
            for fact in _FACTS[1:]:
                values[fact].append(_YES_NO[case.get(fact)])
            totals: dict[str, int] = {}
            for line in case.get("cost_lines", ()):
                code = str(line["category"])
                totals[code] = totals.get(code, 0) + input_cents(line["amount"])
            lines.append(totals)
        columns: dict[str, NDArray[Any]] = {
            "received": np.array(received, dtype="datetime64[D]"),
            "applicant_status": np.array(statuses, dtype=np.str_),
        }
        for name, column in values.items():
            small = name in ("stream", *_FACTS[1:])
            columns[name] = np.array(column, dtype=np.int8 if small else np.int64)
        for code in sorted({code for totals in lines for code in totals}):
            columns[LINE + code] = np.array([t.get(code, -1) for t in lines], dtype=np.int64)
        return columns


def _optional_cents(columns: Columns, name: str, count: int) -> NDArray[np.int64]:
    values = optional_count_column(columns, name, count, "PSTS")
    _refuse(values >= MAX_CENTS, f"{name} must be below 10**15 cents")
    return values


def _refuse(bad: NDArray[np.bool_], rule: str) -> None:
    if bad.any():
        raise InvalidInputError(f"PSTS: case {int(np.argmax(bad))}: {rule}")


def _shown(names: list[str]) -> Callable[[int], str]:
    """The barred categories a case has (bits of ``names``), as ``unfunded_lines`` names them."""

    def shown(bits: int) -> str:
        return ", ".join(name for bit, name in enumerate(names) if bits >> bit & 1)

    return shown


def _branch(key: int) -> Branch:
    """The path numbered ``key`` (the radices of ``_RADICES``): what it read and said."""
    digits = []
    for radix in reversed(_RADICES):
        key, digit = divmod(key, radix)
        digits.append(digit)
    stage, stream, *states = reversed(digits[4:])
    lines, rd_unknown, cut, nothing = reversed(digits[:4])
    read: list[str] = ["streams"]
    if stage == _CLOSED:
        return Branch(tuple(read), (STREAM_NOT_OFFERED,))
    read.append("max_duration")
    if stream:
        read += ["spc_eligible_applicants", "spc_ineligible_cost_categories"]
    codes = ("duration", "spc_applicant" if stream else "original_completed")
    said: list[ReasonTemplate] = [
        CONDITIONS[code][state - 1] for code, state in zip(codes, states, strict=True) if state
    ]
    if stage == _STOPPED:
        return Branch(tuple(read), tuple(said))
    if lines:
        said.append(UNFUNDED_LINES)
    if stage == _SPC:
        return Branch(tuple(read), (*said, SPC_CEILING))
    if stage == _NO_ORIGINAL:
        return Branch(tuple(read), (*said, ORIGINAL_COST_UNKNOWN))
    read += ["original_cost_share", "rd_centre_original_cost_share"]
    if rd_unknown:
        said.append(RD_CENTRE_UNKNOWN)
    if cut:
        said.append(_CUT)
    return Branch(tuple(read), (*said, NOTHING if nothing else GRANT))


FORMULA = PSTSColumns()
