"""Innovation and Technology Venture Fund (ITVF), co-investment model.

Since 2017 the ITVF Corporation co-invests in local I&T start-ups alongside
selected venture capital Co-investment Partners (CPs), about HK$1 for every
HK$2 the partner puts in, within caps per deal, per investee and per
partner fund. Start-ups cannot apply directly: a case is one deal a partner
brings, with the ITVFC's earlier investments in the same investee and
alongside the same partner fund, so the cumulative caps can be applied.
Rules apply as at the date the deal was received.

The rule is written once, here, per case; ``reind.schemes.columnar.itvf``
runs it over columns for bulk runs and what-ifs, speaking through the same
reason templates, and a property test holds both to the same decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
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
    money,
    share,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray


class ITVFInputs(CaseInputs):
    """One co-investment deal a Co-investment Partner brings to the ITVFC."""

    received: date = Field(description="Date the deal was received by the ITVFC.")
    proposer: Literal["co_investment_partner", "startup"] = "co_investment_partner"
    cp_investment: HKDAmount = Field(description="What the partner puts into this deal, HK$.")
    requested: HKDAmount | None = Field(
        default=None, description="What the partner asks the ITVFC to put in; None: the most."
    )
    cp_remaining_capital: HKDAmount | None = Field(
        default=None, description="The partner fund's remaining committed capital, HK$."
    )
    cp_remaining_fund_life_years: Decimal | None = Field(default=None, ge=0)
    cp_place_of_business_in_hk: bool | None = None
    investee_local: bool | None = Field(
        default=None,
        description="Headquartered in Hong Kong and/or with R&D, production or significant "
        "business here.",
    )
    prior_in_investee: list[PriorApproval] = Field(
        default_factory=list, description="ITVFC investments already made in this investee."
    )
    prior_with_cp: list[PriorApproval] = Field(
        default_factory=list, description="ITVFC investments already made alongside this fund."
    )


def _total(approvals: Sequence[PriorApproval]) -> Money:
    return sum((money(p.amount) for p in approvals), Money.zero())


_T = ReasonTemplate
STARTUP_DIRECT = _T(
    "startup_direct",
    "The ITVFC does not take applications from start-ups; deals come through its "
    "Co-investment Partners.",
    "創科創投基金法團不接受初創企業直接申請；投資須經共同投資夥伴提出。",
)
CONDITIONS: dict[str, tuple[ReasonTemplate, ReasonTemplate]] = {
    code: (
        _T(f"{code}_unknown", f"Not yet shown: {en}.", f"尚待證明：{zh}。"),
        _T(f"not_{code}", f"Not met: {en}.", f"不符合：{zh}。"),
    )
    for code, en, zh in (
        ("cp_capital", "the partner fund has at least {least_capital} of committed capital left",
         "夥伴基金剩餘承諾資本最少為 {least_capital}"),
        ("cp_fund_life", "the partner fund has at least {least_life} years of fund life left",
         "夥伴基金剩餘年期最少 {least_life} 年"),
        ("cp_in_hk", "the partner has a place of business in Hong Kong", "夥伴在香港設有營業地點"),
        ("local_startup", "the investee is a local I&T start-up", "受資公司為本地創科初創企業"),
    )
}  # fmt: skip
"""Each yes/no condition by code: (reason if not given, reason if not met), with blanks."""
FACTS = ("cp_capital", "cp_fund_life", "cp_in_hk", "local_startup")
"""The conditions in the order checked."""
MATCHING = _T(
    "matching",
    "The partner puts in {partner}; the ITVFC may put in {ratio} of that, {matched}, "
    "and at most {deal_cap} per deal.",
    "夥伴投入 {partner}；基金可按 {ratio} 配對，即 {matched}，每宗投資上限 {deal_cap}。",
)
REQUESTED = _T("requested", "Requested: {requested}.", "申請額：{requested}。")
CAPS = {
    name: _T(
        name,
        f"The ITVFC has already put {{{name}_earlier}} into deals with {en}; the cap of "
        f"{{{name}}} leaves {{{name}_room}}.",
        f"基金已就{zh}投資 {{{name}_earlier}}；上限 {{{name}}}，尚餘 {{{name}_room}}。",
    )
    for name, en, zh in (
        ("investee_cap", "this investee", "此受資公司"),
        ("cp_fund_cap", "this partner fund", "此夥伴基金"),
    )
}
"""The cumulative caps in the order applied, each with blanks ``<cap>``, ``_earlier``, ``_room``."""
NOTHING = _T("nothing_to_fund", "Nothing is left to invest.", "沒有可投資的款額。")
INVESTMENT = _T("investment", "ITVFC investment: {investment}.", "基金投資額：{investment}。")


class ITVF(Scheme[ITVFInputs]):
    """The ITVF co-investment formula."""

    code = "itvf"
    label = "ITVF"
    applicant = "venture_partner"
    title_en = "Innovation and Technology Venture Fund"
    title_zh = "創科創投基金"
    catalogue_order = 30
    administrator_en = "Innovation and Technology Venture Fund Corporation (ITC)"
    administrator_zh = "創科創投基金法團（創新科技署）"
    summary_en = "Co-invests about HK$1 for every HK$2 a selected VC partner puts into a start-up."
    summary_zh = "與獲選的風險投資夥伴以約 1:2 比例共同投資本地創科初創企業。"
    inputs = ITVFInputs
    vectorised = "reind.schemes.columnar.itvf"
    column_parameters = frozenset(
        ("direct_startup_applications", "cp_min_remaining_capital", "cp_min_remaining_fund_life",
         "matching_ratio", "deal_cap", "investee_cap", "cp_fund_cap")
    )  # fmt: skip

    def governing_date(self, case: ITVFInputs) -> date:
        """The date the deal was received."""
        return case.received

    def evaluate(self, case: ITVFInputs, ev: Evaluation) -> Verdict:
        """min(ratio x partner's money, request, deal cap, what cumulative caps leave)."""
        if case.proposer == "startup" and not ev.flag("direct_startup_applications"):
            ev.reason(*_said(STARTUP_DIRECT))
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        least_capital = ev.money("cp_min_remaining_capital")
        least_life = ev.count("cp_min_remaining_fund_life")
        capital, life = case.cp_remaining_capital, case.cp_remaining_fund_life_years
        blanks: dict[str, object] = {"least_capital": least_capital, "least_life": least_life}
        facts = (
            None if capital is None else money(capital) >= least_capital,
            None if life is None else life >= least_life,
            case.cp_place_of_business_in_hk,
            case.investee_local,
        )
        outcome = Outcome.ELIGIBLE
        for code, fact in zip(FACTS, facts, strict=True):
            unknown, unmet = CONDITIONS[code]
            if fact is None:
                outcome = Outcome.TENTATIVE
                ev.explain(*_said(unknown), blanks)
            elif not fact:
                ev.explain(*_said(unmet), blanks)
                return Verdict(Outcome.INELIGIBLE, Money.zero())

        partner = money(case.cp_investment)
        ratio = ev.ratio("matching_ratio")
        matched = share(partner, ratio)
        deal_cap = ev.money("deal_cap")
        amount = min(matched, deal_cap)
        ev.explain(
            *_said(MATCHING), partner=partner, ratio=str(ratio), matched=matched, deal_cap=deal_cap
        )
        if case.requested is not None and money(case.requested) < amount:
            amount = money(case.requested)
            ev.explain(*_said(REQUESTED), requested=amount)
        for name, approvals in (
            ("investee_cap", case.prior_in_investee),
            ("cp_fund_cap", case.prior_with_cp),
        ):
            earlier = _total(earlier_approvals(ev, approvals, case.received))
            cap = ev.money(name)
            room = max(cap - earlier, Money.zero())
            if room < amount:
                ev.explain(
                    *_said(CAPS[name]),
                    {f"{name}_earlier": earlier, f"{name}": cap, f"{name}_room": room},
                )
                amount = room
        if amount.cents == 0:
            ev.reason(*_said(NOTHING))
            return Verdict(Outcome.INELIGIBLE, amount)
        ev.explain(*_said(INVESTMENT), investment=amount)
        return Verdict(outcome, amount)

    # ------------------------------------------------------ the same over columns

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw deals (as ``decide`` takes them) as ``decide_columns`` takes them."""
        from reind.schemes.columnar.itvf import FORMULA

        return FORMULA.columns_of(cases)


def _said(template: ReasonTemplate) -> tuple[str, str, str]:
    return template.code, template.en, template.zh


SCHEME = ITVF()
