"""Re-industrialisation Funding Scheme (RFS), later the New Industrialisation
Funding Scheme (NIFS).

Government funds min(1/3 of the approved project cost, HK$15M) for a new
smart production line in Hong Kong. From 8 Jan 2024 an enterprise may run
up to 3 projects at once within HK$45M in total, so the enterprise's earlier
approvals are part of the case. Rules apply as at the date received.

The rule is here, per case (``evaluate``); ``reind.schemes.columnar.rfs``
runs it over columns for bulk runs (with numpy, imported only then). Both
speak through the reason templates below, and a property test holds them to
the same decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from reind.core.money import Money
from reind.rules.branches import ReasonTemplate
from reind.rules.decision import Outcome
from reind.rules.engine import Evaluation, Scheme, Verdict
from reind.schemes.common import (
    CaseInputs,
    HKDAmount,
    PriorApproval,
    earlier_approvals,
    fmt_ratio,
    money,
    share,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

INCORPORATION = ("cap622", "cap310", "other")
"""The ``incorporated_under`` choices; their position is the column's code (-1: not given)."""

_T = ReasonTemplate
INCORPORATION_UNKNOWN = _T(
    "incorporation_unknown",
    "Incorporation not given: the applicant must be incorporated under Cap. 622.",
    "未提供註冊資料：申請者須按《公司條例》（第 622 章）成立。",
)
NOT_CAP622 = _T(
    "not_cap622",
    "The applicant is not incorporated under the Companies Ordinance (Cap. 622).",
    "申請者並非按《公司條例》（第 622 章）成立。",
)
FACTS = (
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
MATCHING = _T(
    "matching",
    "{ratio} of the eligible cost {cost} is {matched}; the per-project cap is {cap}.",
    "合資格成本 {cost} 的 {ratio} 為 {matched}；每個項目上限為 {cap}。",
)
TOO_MANY = _T(
    "too_many_projects",
    "The enterprise already has {ongoing} projects running; at most "
    "{max_projects} may run at once.",
    "企業已有 {ongoing} 個項目正在進行；同時最多只可進行 {max_projects} 個。",
)
ENTERPRISE_CAP = _T(
    "enterprise_cap",
    "Earlier approvals total {earlier}; the enterprise cap of {total_cap} leaves {room}.",
    "過往獲批款額合共 {earlier}；企業資助總額上限 {total_cap}，尚餘 {room}。",
)
NOTHING = _T("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
GRANT = _T("grant", "Grant: {grant}.", "資助額：{grant}。")


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
    vectorised = "reind.schemes.columnar.rfs"
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
            ev.reason(*_said(INCORPORATION_UNKNOWN))
        elif case.incorporated_under not in allowed:
            ev.reason(*_said(NOT_CAP622))
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        for flag, (unknown, unmet) in zip(
            (case.new_line_in_hong_kong, case.smart_manufacturing), FACTS, strict=True
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
        ev.explain(*_said(MATCHING), ratio=RatioText(ratio), cost=cost, matched=matched, cap=cap)

        prior = earlier_approvals(ev, case.prior_approvals, case.received)
        ongoing = sum(1 for p in prior if p.ongoing) if prior else 0
        max_projects = ev.optional("max_concurrent_projects")
        if isinstance(max_projects, int) and ongoing >= max_projects:
            ev.explain(*_said(TOO_MANY), ongoing=ongoing, max_projects=max_projects)
            return Verdict(Outcome.INELIGIBLE, Money.zero())

        total_cap = ev.optional("enterprise_total_cap")
        if isinstance(total_cap, Money):
            earlier = sum((money(p.amount) for p in prior), Money.zero())
            room = max(total_cap - earlier, Money.zero())
            if room < grant:
                ev.explain(*_said(ENTERPRISE_CAP), earlier=earlier, total_cap=total_cap, room=room)
                grant = room
        if grant.cents == 0:
            ev.reason(*_said(NOTHING))
            return Verdict(Outcome.INELIGIBLE, grant)
        ev.explain(*_said(GRANT), grant=grant)
        return Verdict(outcome, grant)

    # ------------------------------------------------------ the same over columns

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        from reind.schemes.columnar.rfs import FORMULA

        return FORMULA.columns_of(cases)


def _said(template: ReasonTemplate) -> tuple[str, str, str]:
    return template.code, template.en, template.zh


class RatioText:
    """A ratio shown as people write it (1/3, 50%), worked out only if a reason is read."""

    __slots__ = ("ratio",)

    def __init__(self, ratio: Fraction) -> None:
        self.ratio = ratio

    def __format__(self, spec: str) -> str:
        return format(fmt_ratio(self.ratio), spec)


SCHEME = RFS()
