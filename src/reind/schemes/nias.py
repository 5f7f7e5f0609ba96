"""New Industrialisation Acceleration Scheme (NIAS).

From September 2024 the Government funds min(1/3 of the approved project
cost, HK$200M) for a large smart production facility in a strategic
industry, if the project costs at least HK$300M and the enterprise puts in
at least HK$200M. An enterprise may have at most two projects and HK$200M
in total, so its earlier approvals are part of the case. Rules apply as at
the date received.

The rule is written once, here, per case; ``reind.schemes.columnar.nias``
runs it over columns for bulk runs and what-ifs through the same reason
templates, and a property test holds both to the same decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    fmt_ratio,
    money,
    share,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray


_T = ReasonTemplate
CONDITIONS: dict[str, tuple[ReasonTemplate, ReasonTemplate]] = {
    code: (
        _T(f"{code}_unknown", f"Not yet shown: {en}.", f"尚待證明：{zh}。"),
        _T(f"not_{code}", f"Not met: {en}.", f"不符合：{zh}。"),
    )
    for code, en, zh in (
        ("cap622", "the applicant is incorporated under the Companies Ordinance (Cap. 622)",
         "申請者按《公司條例》（第 622 章）成立"),
        ("non_subvented", "the applicant is not a Government-subvented body",
         "申請者並非政府資助機構"),
        ("strategic_industry", "the project is in a strategic industry ({industries_en})",
         "項目屬策略性產業（{industries_zh}）"),
    )
}  # fmt: skip
"""Each yes/no condition, in the order checked: (reason if not given, reason if not met)."""
BELOW_MIN_COST = _T(
    "below_min_cost",
    "The project cost {cost} is below the minimum of {minimum}.",
    "項目成本 {cost} 低於最低要求 {minimum}。",
)
TOO_MANY = _T(
    "too_many_projects",
    "The enterprise already has {counted} approved projects; at most {most} may be funded.",
    "企業已有 {counted} 個獲批項目；最多只可獲資助 {most} 個。",
)
MATCHING = _T(
    "matching",
    "{ratio} of the project cost {cost} is {matched}; the per-project cap is {cap}.",
    "項目成本 {cost} 的 {ratio} 為 {matched}；每個項目上限為 {cap}。",
)
ENTERPRISE_CAP = _T(
    "enterprise_cap",
    "Earlier approvals total {earlier}; the enterprise cap of {total_cap} leaves {room}.",
    "過往獲批款額合共 {earlier}；企業資助總額上限 {total_cap}，尚餘 {room}。",
)
LOW_CONTRIBUTION = _T(
    "low_contribution",
    "The enterprise puts in {contribution}; it must put in at least {least}.",
    "企業投入 {contribution}；最少須投入 {least}。",
)
NOTHING = _T("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
GRANT = _T("grant", "Grant: {grant}.", "資助額：{grant}。")


class NIASInputs(CaseInputs):
    """One NIAS application as the formula needs it."""

    received: date = Field(description="Date the application was received.")
    total_cost: HKDAmount = Field(description="Total approved project cost, HK$.")
    ineligible_costs: HKDAmount = Field(
        default=Decimal(0), description="Part of the cost the scheme does not fund."
    )
    enterprise_contribution: HKDAmount | None = Field(
        default=None,
        description="What the enterprise commits; if not given, the cost less the grant.",
    )
    incorporated_under: Literal["cap622", "cap310", "other"] | None = None
    subvented: bool | None = Field(default=None, description="A Government-subvented body.")
    industry: str | None = Field(
        default=None, description="Strategic industry code, e.g. life_health_technology."
    )
    prior_approvals: list[PriorApproval] = Field(
        default_factory=list, description="The enterprise's earlier NIAS approvals."
    )


class NIAS(Scheme[NIASInputs]):
    """The NIAS formula."""

    code = "nias"
    label = "NIAS"
    title_en = "New Industrialisation Acceleration Scheme"
    title_zh = "新型工業化加速計劃"
    catalogue_order = 15
    administrator_en = "Innovation and Technology Commission"
    administrator_zh = "創新科技署"
    summary_en = (
        "1:2 matching, up to HK$200M, for large smart production facilities in strategic "
        "industries costing at least HK$300M."
    )
    summary_zh = (
        "以 1:2 配對形式資助策略性產業在港設立成本不少於 3 億元的智能生產設施，上限 2 億元。"
    )
    inputs = NIASInputs
    vectorised = "reind.schemes.columnar.nias"
    column_parameters = frozenset(
        ("target_industries", "eligible_incorporation", "min_project_cost",
         "enterprise_max_projects", "matching_share", "project_cap", "enterprise_total_cap",
         "min_enterprise_contribution")
    )  # fmt: skip

    def governing_date(self, case: NIASInputs) -> date:
        """Changes apply to applications received on or after their date."""
        return case.received

    def evaluate(self, case: NIASInputs, ev: Evaluation) -> Verdict:
        """min(share x cost, project cap, what the enterprise cap leaves), after thresholds."""
        industries = ev.codes("target_industries")
        allowed = ev.codes("eligible_incorporation")
        blanks = industry_blanks(industries)
        facts = (
            ("cap622",
             None if case.incorporated_under is None else case.incorporated_under in allowed),
            ("non_subvented", None if case.subvented is None else not case.subvented),
            ("strategic_industry", None if case.industry is None else case.industry in industries),
        )  # fmt: skip
        outcome = Outcome.ELIGIBLE
        for code, fact in facts:
            unknown, unmet = CONDITIONS[code]
            if fact is None:
                outcome = Outcome.TENTATIVE
                ev.explain(*_said(unknown), blanks)
            elif not fact:
                ev.explain(*_said(unmet), blanks)
                return Verdict(Outcome.INELIGIBLE, Money.zero())

        cost = max(money(case.total_cost) - money(case.ineligible_costs), Money.zero())
        minimum = ev.money("min_project_cost")
        if cost < minimum:
            ev.explain(*_said(BELOW_MIN_COST), cost=cost, minimum=minimum)
            return Verdict(Outcome.INELIGIBLE, Money.zero())

        prior = earlier_approvals(ev, case.prior_approvals, case.received)
        max_projects = ev.count("enterprise_max_projects")
        if len(prior) >= max_projects:
            ev.explain(*_said(TOO_MANY), counted=len(prior), most=max_projects)
            return Verdict(Outcome.INELIGIBLE, Money.zero())

        ratio = ev.ratio("matching_share")
        matched = share(cost, ratio)
        cap = ev.money("project_cap")
        grant = min(matched, cap)
        ev.explain(*_said(MATCHING), ratio=fmt_ratio(ratio), cost=cost, matched=matched, cap=cap)
        total_cap = ev.money("enterprise_total_cap")
        earlier = sum((money(p.amount) for p in prior), Money.zero())
        room = max(total_cap - earlier, Money.zero())
        if room < grant:
            ev.explain(*_said(ENTERPRISE_CAP), earlier=earlier, total_cap=total_cap, room=room)
            grant = room

        contribution = (
            cost - grant
            if case.enterprise_contribution is None
            else money(case.enterprise_contribution)
        )
        least = ev.money("min_enterprise_contribution")
        if contribution < least:
            ev.explain(*_said(LOW_CONTRIBUTION), contribution=contribution, least=least)
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        if grant.cents == 0:
            ev.reason(*_said(NOTHING))
            return Verdict(Outcome.INELIGIBLE, grant)
        ev.explain(*_said(GRANT), grant=grant)
        return Verdict(outcome, grant)

    # ------------------------------------------------------ the same over columns

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        from reind.schemes.columnar.nias import FORMULA

        return FORMULA.columns_of(cases)


def industry_blanks(industries: tuple[str, ...]) -> dict[str, object]:
    """The strategic industries as the condition on them lists them, in each language."""
    return {"industries_en": ", ".join(industries), "industries_zh": "、".join(industries)}


def _said(template: ReasonTemplate) -> tuple[str, str, str]:
    return template.code, template.en, template.zh


SCHEME = NIAS()
