"""BUD over columns: ``BUD.evaluate`` for many applications at once (numpy).

The rule is ``reind.schemes.bud`` (its wording in ``reind.schemes.bud_reasons``):
the steps it takes and the parameters it reads, in that order. Each case's
path is a state per step; the distinct paths become the ``Branch`` table.

Budget lines are one column per category, ``cost_line:<category>``: the
total of the case's lines in it, or -1 when it has none. Earlier approvals
(only those dated on or before receipt, as the rule counts them) are one
count and one total per kind, ``prior_count:<market>:<programme>:<ongoing>``
and ``prior_approved:<...>`` (ongoing 1 or 0): every ceiling and project
limit sums some of these kinds, chosen by the case's market and programme.
``easy_last`` is the latest date among earlier Easy BUD applications (NaT:
none), which the one-every-few-months rule reads. A property test
(``tests/rules/test_columns_bud.py``) holds both to the same decisions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from fractions import Fraction
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
    checked_sum,
    day_of,
    scaled_down,
)
from reind.schemes import bud_reasons as words
from reind.schemes.bud import add_months
from reind.schemes.columnar import bud_rows
from reind.schemes.columnar.bud_rows import APPROVED, COUNT, LINE, MARKETS, PROGRAMMES, present
from reind.schemes.common import UNFUNDED_LINES, cut_template, fmt_ratio

_CAP = cut_template(words.APPLICATION_CAP.code, words.APPLICATION_CAP.en, words.APPLICATION_CAP.zh)
_CEILING_CODES = tuple(words.CEILINGS)
# Stages: programme not offered, market not covered, stopped by a condition, an Easy BUD
# project too long, too soon after the last, too many projects, or priced.
_NOT_OFFERED, _NOT_COVERED, _STOPPED, _TOO_LONG, _INTERVAL, _TOO_MANY, _PRICED = range(7)
_RADICES = (7, 3, 2, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2)
"""Path key: stage, programme, market outside the Mainland, three conditions' states, which
count was too many, lines left out, staff and set-up costs cut, the application cap and the
four ceilings binding, nothing left."""
assert (ELIGIBLE, INELIGIBLE, TENTATIVE) == (0, 1, 2), "evaluate_columns adds outcome codes"


class BUDColumns:
    """``BUD``'s formula over columns (``Scheme.vectorised``)."""

    label = "BUD"

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        """``bud_rows.check_columns``."""
        return bud_rows.check_columns(columns, count)

    def case_row(self, columns: Columns, index: int) -> dict[str, Any]:
        """``bud_rows.case_row``."""
        return bud_rows.case_row(columns, index)

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """``bud_rows.columns_of``."""
        return bud_rows.columns_of(cases)

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        """The dates received."""
        days: NDArray[np.datetime64] = columns["received"]
        return days

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        """``BUD.evaluate`` step by step over arrays; each case's states make its path key."""
        programme, market = columns["programme"], columns["market"]
        size = len(programme)
        easy, ecommerce, abroad = programme == 1, programme == 2, market != 0
        zero = np.zeros(size, dtype=np.int64)
        easy_cap = ev.optional("easy_application_cap")
        ecommerce_ceiling = ev.optional("ecommerce_easy_ceiling")
        stopped = (easy & (easy_cap is None)) | (ecommerce & (ecommerce_ceiling is None))
        stage = np.where(stopped, _NOT_OFFERED, _PRICED)
        markets = ev.codes("markets") if (~stopped & ~ecommerce).any() else ()
        ecommerce_markets = (
            ev.codes("ecommerce_easy_markets") if (~stopped & ecommerce).any() else ()
        )
        covered = np.where(
            ecommerce,
            np.isin(market, [MARKETS.index(m) for m in ecommerce_markets if m in MARKETS]),
            np.isin(market, [MARKETS.index(m) for m in markets if m in MARKETS]),
        )
        stage, stopped = _stop(stage, stopped, ~covered, _NOT_COVERED)

        unknown = np.zeros(size, dtype=bool)
        states = []
        facts = (_negated(columns["listed"]), columns["business_registration"],
                 columns["substantive_operations_in_hk"])  # fmt: skip
        for fact in facts:  # 0 met, 1 not given, 2 not met; nothing after a condition not met
            state = np.where(fact < 0, 1, np.where(fact == 1, 0, 2)) * ~stopped
            states.append(state)
            unknown |= state == 1
            stage, stopped = _stop(stage, stopped, state == 2, _STOPPED)

        # Easy BUD: completed within its months, one application per interval.
        longest = interval = 0
        allowed_from = np.full(size, np.datetime64("NaT"), dtype="datetime64[D]")
        last = columns["easy_last"]
        if (easy & ~stopped).any():
            longest = ev.count("easy_max_duration")
            duration = columns["duration_months"]
            stage, stopped = _stop(stage, stopped, easy & (duration > longest), _TOO_LONG)
            interval = ev.count("easy_min_interval")
            days, where = np.unique(last, return_inverse=True)
            later = [np.datetime64("NaT") if np.isnat(d) else add_months(day_of(d), interval)
                     for d in days]  # fmt: skip
            allowed_from = np.array(later, dtype="datetime64[D]")[where.reshape(size)]
            received = columns["received"]
            soon = easy & ~np.isnat(last) & (last <= received) & (received < allowed_from)
            stage, stopped = _stop(stage, stopped, soon, _INTERVAL)

        # Most approved projects per enterprise (and outside the Mainland).
        counts = {k: columns[COUNT + k] for k in present(columns, COUNT)}
        done = checked_sum(zero, *counts.values(), what="BUD projects")
        done_abroad = checked_sum(
            zero,
            *(n for k, n in counts.items() if not k.startswith("mainland:")),
            what="BUD",
        )
        most = ev.optional("max_projects")
        most_abroad = (
            ev.optional("other_markets_max_projects") if (abroad & ~stopped).any() else None
        )
        first = done >= most if isinstance(most, int) else np.zeros(size, dtype=bool)
        second = (
            abroad & (done_abroad >= most_abroad) if isinstance(most_abroad, int) else first & False
        )
        stage, stopped = _stop(stage, stopped, first | second, _TOO_MANY)
        scope = (second & ~first & (stage == _TOO_MANY)).astype(np.int64)
        priced = ~stopped

        # The matching share of the eligible cost, capped per application.
        names = [n[len(LINE) :] for n in sorted(n for n in columns if n.startswith(LINE))]
        general_ok = ev.codes("eligible_cost_categories") if (priced & ~easy).any() else ()
        easy_ok = ev.codes("easy_eligible_cost_categories") if (priced & easy).any() else ()
        unfunded, shown = zero, zero
        for bit, name in enumerate(names):
            amounts = columns[LINE + name]
            barred = np.where(easy, name not in easy_ok, name not in general_ok) & (amounts >= 0)
            unfunded = checked_sum(unfunded, amounts * barred, what="BUD cost lines")
            shown = shown | (barred.astype(np.int64) << bit)
        shown = shown * priced
        cost = columns["total_cost"] - columns["ineligible_costs"] - unfunded
        np.maximum(cost, 0, out=cost)
        excess: dict[str, NDArray[np.int64]] = {}
        limits: dict[str, NDArray[np.int64]] = {}
        capped_costs = (("staff_costs", "staff_cost_share_cap"),
                        ("new_entity_setup_costs", "new_entity_setup_share_cap"))  # fmt: skip
        for column, parameter in capped_costs:
            # Below zero after the staff cut, a share floors as ``share`` floors ``Money``.
            limits[parameter] = scaled_down(cost, ev.ratio(parameter), f"BUD {parameter}")
            excess[parameter] = columns[column] - limits[parameter]
            cost = cost - np.maximum(excess[parameter], 0)
        np.maximum(cost, 0, out=cost)
        ratio = ev.ratio("matching_share")
        audit_cap = ev.optional("easy_audit_fee_cap") if (priced & easy).any() else None
        audit = zero
        if isinstance(audit_cap, Money):
            audit = np.minimum(np.minimum(columns["audit_fee"], audit_cap.cents), cost) * easy
        matched = scaled_down(cost - audit, ratio, "BUD matching share") + audit
        project_cap = ev.money("project_cap") if (priced & ~easy).any() else Money.zero()
        cap = np.where(
            easy,
            easy_cap.cents if isinstance(easy_cap, Money) else 0,
            project_cap.cents,
        )
        capped = matched > cap
        grant = np.minimum(matched, cap)

        # What every enterprise ceiling in force leaves.
        approved = {k: columns[APPROVED + k] for k in present(columns, APPROVED)}

        def used(
            keep: Callable[[str, str, str], NDArray[np.bool_] | bool],
        ) -> NDArray[np.int64]:
            total = zero
            for kind, amounts in approved.items():
                chosen = keep(*kind.split(":"))
                total = checked_sum(total, amounts * chosen, what="BUD earlier approvals")
            return total

        mainland = ev.optional("mainland_programme_ceiling")
        other = ev.optional("other_markets_programme_ceiling")
        ceilings = {
            "programme_ceiling": (
                np.where(abroad, _cents(other), _cents(mainland)),
                used(lambda m, _p, _o: abroad != (m == "mainland")),
            ),
            "cumulative_ceiling": (
                _cents(ev.optional("cumulative_ceiling")) + zero, used(lambda *_: True),
            ),
            "ecommerce_easy_ceiling": (
                np.where(ecommerce, _cents(ecommerce_ceiling), -1),
                used(lambda _m, p, _o: p == "ecommerce_easy"),
            ),
            "in_force_cap": (
                _cents(ev.optional("in_force_cap")) + zero, used(lambda _m, _p, o: o == "1"),
            ),
        }  # fmt: skip
        cuts: list[NDArray[np.bool_]] = []
        blanks: dict[str, tuple[NDArray[Any], Callable[[Any], object]]] = {}
        for code, (ceiling, spent) in ceilings.items():
            room = np.maximum(ceiling - spent, 0)
            cut = (ceiling >= 0) & (grant > room)
            cuts.append(cut)
            grant = np.where(cut, room, grant)
            blanks |= {code: (ceiling, Money), f"{code}_used": (spent, Money),
                       f"{code}_room": (room, Money)}  # fmt: skip
        nothing = priced & (grant == 0)
        failed = stopped | nothing

        key = np.zeros(size, dtype=np.int64)
        ours = (stage, programme, abroad, *states, scope, shown > 0,
                *(priced & (excess[p] > 0) for p in excess), priced & capped,
                *(priced & cut for cut in cuts), nothing)  # fmt: skip
        for radix, part in zip(_RADICES, ours, strict=True):
            key = key * radix + part
        initial = ev.ratio("initial_payment_share") if (priced & ~nothing).any() else Fraction(0)
        absorbs = bool(ev.flag("absorbs_emf")) if (priced & ~nothing).any() else False
        with_audit = isinstance(audit_cap, Money)
        lists = (words.market_blanks(markets), words.market_blanks(ecommerce_markets))
        return ColumnVerdict.from_paths(
            key,
            lambda k: _branch(k, with_audit, absorbs),
            failed=failed,
            unknown=unknown,
            amount=grant,
            blanks={
                "name_en": (programme, lambda p: words.PROGRAMME_NAMES[PROGRAMMES[p]][0]),
                "name_zh": (programme, lambda p: words.PROGRAMME_NAMES[PROGRAMMES[p]][1]),
                "day": (ev.as_at, date.isoformat),
                "market": (market, MARKETS.__getitem__),
                "markets_en": (ecommerce, lambda e: lists[e]["markets_en"]),
                "markets_zh": (ecommerce, lambda e: lists[e]["markets_zh"]),
                "last": (last, _iso),
                "allowed_from": (allowed_from, _iso),
                "done": (np.where(scope == 1, done_abroad, done), int),
                "most": (scope, lambda s: most_abroad if s else most),
                "scope_en": (scope, lambda s: words.SCOPES[s]["scope_en"]),
                "scope_zh": (scope, lambda s: words.SCOPES[s]["scope_zh"]),
                "shown": (shown, _shown(names)),
                "total": (unfunded, Money),
                "staff_limit": (limits["staff_cost_share_cap"], Money),
                "staff_excess": (excess["staff_cost_share_cap"], Money),
                "setup_limit": (limits["new_entity_setup_share_cap"], Money),
                "setup_excess": (excess["new_entity_setup_share_cap"], Money),
                "cost": (cost, Money),
                "cost_less_audit": (cost - audit, Money),
                "audit": (audit, Money),
                "matched": (matched, Money),
                "cap": (cap, Money),
                "room": (cap, Money),
                "initial_amount": (
                    scaled_down(grant, initial, "BUD initial payment"),
                    Money,
                ),
                "grant": (grant, Money),
                **blanks,
            },  # fmt: skip
            constants={
                "longest": longest,
                "interval": interval,
                "ratio": fmt_ratio(ratio),
                "audit_cap": audit_cap,
                "initial": fmt_ratio(initial),
            },  # fmt: skip
        )


def _stop(
    stage: NDArray[np.int64],
    stopped: NDArray[np.bool_],
    where: NDArray[np.bool_],
    at: int,
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Cases still going that ``where`` stops: stage ``at``, and stopped."""
    now = ~stopped & where
    return np.where(now, at, stage), stopped | now


def _cents(value: object) -> int:
    """A ceiling in cents, or -1 when none is in force."""
    return value.cents if isinstance(value, Money) else -1


def _negated(fact: NDArray[np.int8]) -> NDArray[np.int64]:
    return np.where(fact < 0, -1, 1 - fact.astype(np.int64))


def _iso(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def _shown(names: list[str]) -> Callable[[int], str]:
    """The categories left out (bits of ``names``), as ``unfunded_lines`` names them."""

    def shown(bits: int) -> str:
        return ", ".join(name for bit, name in enumerate(names) if bits >> bit & 1)

    return shown


def _branch(key: int, with_audit: bool, absorbs: bool) -> Branch:
    """The path numbered ``key`` (the radices of ``_RADICES``): what it read and said."""
    digits = []
    for radix in reversed(_RADICES):
        key, digit = divmod(key, radix)
        digits.append(digit)
    stage, programme, abroad, *rest = reversed(digits)
    states, (_, lines, staff, setup, capped, *cuts, nothing) = rest[:3], rest[3:]
    easy, ecommerce = programme == 1, programme == 2
    read: list[str] = []
    if easy:
        read.append("easy_application_cap")
    if ecommerce:
        read.append("ecommerce_easy_ceiling")
    if stage == _NOT_OFFERED:
        return Branch(tuple(read), (words.NOT_OFFERED,))
    read.append("ecommerce_easy_markets" if ecommerce else "markets")
    if stage == _NOT_COVERED:
        return Branch(tuple(read), (words.MARKET_NOT_COVERED,))
    codes = ("non_listed", "business_registration", "substantive_operations")
    said: list[ReasonTemplate] = [
        words.CONDITIONS[code][state - 1]
        for code, state in zip(codes, states, strict=True)
        if state
    ]
    if stage == _STOPPED:
        return Branch(tuple(read), tuple(said))
    if easy:
        read.append("easy_max_duration")
        if stage == _TOO_LONG:
            return Branch(tuple(read), (*said, words.TOO_LONG))
        read.append("easy_min_interval")
        if stage == _INTERVAL:
            return Branch(tuple(read), (*said, words.EASY_INTERVAL))
    read.append("max_projects")
    if abroad:
        read.append("other_markets_max_projects")
    if stage == _TOO_MANY:
        return Branch(tuple(read), (*said, words.TOO_MANY))
    read += ["easy_eligible_cost_categories" if easy else "eligible_cost_categories",
             "staff_cost_share_cap", "new_entity_setup_share_cap", "matching_share"]  # fmt: skip
    if lines:
        said.append(UNFUNDED_LINES)
    for parameter, cut in (
        ("staff_cost_share_cap", staff),
        ("new_entity_setup_share_cap", setup),
    ):
        if cut:
            said.append(words.EXCEEDED[parameter][0])
    if easy:
        read.append("easy_audit_fee_cap")
    said.append(words.MATCHING_AUDIT if easy and with_audit else words.MATCHING)
    read.append("easy_application_cap" if easy else "project_cap")
    if capped:
        said.append(_CAP)
    read.append("other_markets_programme_ceiling" if abroad else "mainland_programme_ceiling")
    read.append("cumulative_ceiling")
    if ecommerce:
        read.append("ecommerce_easy_ceiling")
    read.append("in_force_cap")
    said += [words.CEILINGS[code] for code, cut in zip(_CEILING_CODES, cuts, strict=True) if cut]
    if nothing:
        return Branch(tuple(read), (*said, words.NOTHING))
    read += ["initial_payment_share", "absorbs_emf"]
    said += [words.INITIAL_PAYMENT, *((words.EMF_CONSOLIDATED,) if absorbs else ()), words.GRANT]
    return Branch(tuple(read), tuple(said))


FORMULA = BUDColumns()
