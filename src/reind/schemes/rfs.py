"""Re-industrialisation Funding Scheme (RFS), later the New Industrialisation
Funding Scheme (NIFS).

Government funds min(1/3 of the approved project cost, HK$15M) for a new
smart production line in Hong Kong. From 8 Jan 2024 an enterprise may run
up to 3 projects at once within HK$45M in total, so the enterprise's earlier
approvals are part of the case. Rules apply as at the date received.

The formula is written twice, once per case (``evaluate``) and once over
columns (``evaluate_columns``, for bulk runs); both speak through the same
reason templates below, and a property test holds them to the same decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from reind.core.money import Money
from reind.rules.columns import (
    ELIGIBLE,
    INELIGIBLE,
    TENTATIVE,
    Branch,
    Columns,
    ReasonTemplate,
    cents_column,
    cents_text,
    choice_column,
    count_column,
    date_column,
    input_cents,
    refuse_unknown_columns,
    scaled_down,
)
from reind.rules.decision import Outcome
from reind.rules.engine import ColumnEvaluation, ColumnVerdict, Evaluation, Scheme, Verdict
from reind.schemes.common import (
    CaseInputs,
    HKDAmount,
    PriorApproval,
    earlier_approvals,
    fmt_ratio,
    money,
    share,
)

INCORPORATION = ("cap622", "cap310", "other")
"""The ``incorporated_under`` choices; their position is the column's code (-1: not given)."""

_T = ReasonTemplate
_INCORPORATION_UNKNOWN = _T(
    "incorporation_unknown",
    "Incorporation not given: the applicant must be incorporated under Cap. 622.",
    "未提供註冊資料：申請者須按《公司條例》（第 622 章）成立。",
)
_NOT_CAP622 = _T(
    "not_cap622",
    "The applicant is not incorporated under the Companies Ordinance (Cap. 622).",
    "申請者並非按《公司條例》（第 622 章）成立。",
)
_FACTS = (
    (
        _T("new_line_unknown", "Not yet shown: a new production line in Hong Kong.",
           "尚待證明：在港設立的新生產線。"),
        _T("not_new_line", "The project must be a new production line in Hong Kong.",
           "項目必須是在港設立的新生產線。"),
    ),
    (
        _T("smart_unknown", "Not yet shown: meeting the smart manufacturing criteria.",
           "尚待證明：符合智能生產準則。"),
        _T("not_smart", "The project must be meeting the smart manufacturing criteria.",
           "項目必須是符合智能生產準則。"),
    ),
)  # fmt: skip
"""For each yes/no fact in the order checked: (reason if not given, reason if not met)."""
_MATCHING = _T(
    "matching",
    "{ratio} of the eligible cost {cost} is {matched}; the per-project cap is {cap}.",
    "合資格成本 {cost} 的 {ratio} 為 {matched}；每個項目上限為 {cap}。",
)
_TOO_MANY = _T(
    "too_many_projects",
    "The enterprise already has {ongoing} projects running; at most "
    "{max_projects} may run at once.",
    "企業已有 {ongoing} 個項目正在進行；同時最多只可進行 {max_projects} 個。",
)
_ENTERPRISE_CAP = _T(
    "enterprise_cap",
    "Earlier approvals total {earlier}; the enterprise cap of {total_cap} leaves {room}.",
    "過往獲批款額合共 {earlier}；企業資助總額上限 {total_cap}，尚餘 {room}。",
)
_NOTHING = _T("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
_GRANT = _T("grant", "Grant: {grant}.", "資助額：{grant}。")


class RFSInputs(CaseInputs):
    """One RFS/NIFS application as the formula needs it."""

    received: date = Field(description="Date the application was received.")
    total_cost: HKDAmount = Field(description="Total approved (eligible) project cost, HK$.")
    incorporated_under: Literal["cap622", "cap310", "other"] | None = None
    new_line_in_hong_kong: bool | None = None
    smart_manufacturing: bool | None = None
    ineligible_costs: HKDAmount = Field(
        default=Decimal(0), description="Part of the cost in categories the scheme does not fund."
    )
    prior_approvals: list[PriorApproval] = Field(default_factory=list)


class RFS(Scheme[RFSInputs]):
    """The RFS/NIFS formula."""

    code = "rfs"
    label = "RFS"
    aliases = ("NIFS",)
    title_en = "Re-industrialisation Funding Scheme (New Industrialisation Funding Scheme)"
    title_zh = "再工業化資助計劃（新型工業化資助計劃）"
    catalogue_order = 10
    administrator_en = "Innovation and Technology Commission"
    administrator_zh = "創新科技署"
    summary_en = (
        "1:2 matching for manufacturers setting up new smart production lines in Hong Kong."
    )
    summary_zh = "以 1:2 配對形式資助廠商在港設立新的智能生產線。"
    inputs = RFSInputs
    column_parameters = frozenset(
        ("eligible_incorporation", "matching_share", "project_cap", "max_concurrent_projects",
         "enterprise_total_cap")
    )  # fmt: skip

    def governing_date(self, case: RFSInputs) -> date:
        """Changes apply to applications received on or after their date."""
        return case.received

    def evaluate(self, case: RFSInputs, ev: Evaluation) -> Verdict:
        """min(share x eligible cost, per-project cap, what the enterprise caps leave)."""
        outcome = Outcome.ELIGIBLE
        allowed = ev.codes("eligible_incorporation")
        if case.incorporated_under is None:
            outcome = Outcome.TENTATIVE
            ev.reason(*_said(_INCORPORATION_UNKNOWN))
        elif case.incorporated_under not in allowed:
            ev.reason(*_said(_NOT_CAP622))
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        for flag, (unknown, unmet) in zip(
            (case.new_line_in_hong_kong, case.smart_manufacturing), _FACTS, strict=True
        ):
            if flag is None:
                outcome = Outcome.TENTATIVE
                ev.reason(*_said(unknown))
            elif not flag:
                ev.reason(*_said(unmet))
                return Verdict(Outcome.INELIGIBLE, Money.zero())

        cost = money(case.total_cost) - money(case.ineligible_costs)
        if cost.is_negative():
            cost = Money.zero()
        ratio = ev.ratio("matching_share")
        matched = share(cost, ratio)
        cap = ev.money("project_cap")
        grant = min(matched, cap)
        ev.explain(*_said(_MATCHING), ratio=_RatioText(ratio), cost=cost, matched=matched, cap=cap)

        prior = earlier_approvals(ev, case.prior_approvals, case.received)
        ongoing = sum(1 for p in prior if p.ongoing) if prior else 0
        max_projects = ev.optional("max_concurrent_projects")
        if isinstance(max_projects, int) and ongoing >= max_projects:
            ev.explain(*_said(_TOO_MANY), ongoing=ongoing, max_projects=max_projects)
            return Verdict(Outcome.INELIGIBLE, Money.zero())

        total_cap = ev.optional("enterprise_total_cap")
        if isinstance(total_cap, Money):
            earlier = sum((money(p.amount) for p in prior), Money.zero())
            room = max(total_cap - earlier, Money.zero())
            if room < grant:
                ev.explain(*_said(_ENTERPRISE_CAP), earlier=earlier, total_cap=total_cap, room=room)
                grant = room
        if grant.cents == 0:
            ev.reason(*_said(_NOTHING))
            return Verdict(Outcome.INELIGIBLE, grant)
        ev.explain(*_said(_GRANT), grant=grant)
        return Verdict(outcome, grant)

    # ------------------------------------------------------------ as columns

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
        constants: dict[str, object] = {"ratio": _RatioText(ratio), "cap": cap}
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


def _said(template: ReasonTemplate) -> tuple[str, str, str]:
    return template.code, template.en, template.zh


def _branch(key: int) -> Branch:
    """The path numbered ``key`` = incorporation x 45 + new line x 15 + smart x 5 + tail."""
    state_inc, rest = divmod(key, 45)
    state_new, rest = divmod(rest, 15)
    state_smart, tail = divmod(rest, 5)
    read: tuple[str, ...] = ("eligible_incorporation",)
    if state_inc == 2:
        return Branch(read, (_NOT_CAP622,))
    said = [_INCORPORATION_UNKNOWN] if state_inc == 1 else []
    for state, (unknown, unmet) in zip((state_new, state_smart), _FACTS, strict=True):
        if state == 1:
            said.append(unknown)
        elif state == 2:
            return Branch(read, (*said, unmet))
    read += ("matching_share", "project_cap", "max_concurrent_projects")
    said.append(_MATCHING)
    if tail == 0:
        return Branch(read, (*said, _TOO_MANY))
    if tail in (2, 4):
        said.append(_ENTERPRISE_CAP)
    said.append(_NOTHING if tail in (1, 2) else _GRANT)
    return Branch((*read, "enterprise_total_cap"), tuple(said))


_BRANCHES = tuple(_branch(key) for key in range(3 * 45))


class _RatioText:
    """A ratio shown as people write it (1/3, 50%), worked out only if a reason is read."""

    __slots__ = ("ratio",)

    def __init__(self, ratio: Fraction) -> None:
        self.ratio = ratio

    def __format__(self, spec: str) -> str:
        return format(fmt_ratio(self.ratio), spec)


SCHEME = RFS()
