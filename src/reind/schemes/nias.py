"""New Industrialisation Acceleration Scheme (NIAS).

From September 2024 the Government funds min(1/3 of the approved project
cost, HK$200M) for a large smart production facility in a strategic
industry, if the project costs at least HK$300M and the enterprise puts in
at least HK$200M. An enterprise may have at most two projects and HK$200M
in total, so its earlier approvals are part of the case. Rules apply as at
the date received.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from reind.core.money import Money
from reind.rules.decision import Outcome
from reind.rules.engine import Evaluation, Scheme, Verdict
from reind.schemes.common import (
    CaseInputs,
    HKDAmount,
    PriorApproval,
    check_conditions,
    earlier_approvals,
    fmt_ratio,
    money,
    share,
)


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

    def governing_date(self, case: NIASInputs) -> date:
        """Changes apply to applications received on or after their date."""
        return case.received

    def evaluate(self, case: NIASInputs, ev: Evaluation) -> Verdict:
        """min(share x cost, project cap, what the enterprise cap leaves), after thresholds."""
        industries = ev.codes("target_industries")
        allowed = ev.codes("eligible_incorporation")
        status = check_conditions(
            ev,
            (
                (
                    None if case.incorporated_under is None else case.incorporated_under in allowed,
                    "cap622",
                    "the applicant is incorporated under the Companies Ordinance (Cap. 622)",
                    "申請者按《公司條例》（第 622 章）成立",
                ),
                (
                    None if case.subvented is None else not case.subvented,
                    "non_subvented",
                    "the applicant is not a Government-subvented body",
                    "申請者並非政府資助機構",
                ),
                (
                    None if case.industry is None else case.industry in industries,
                    "strategic_industry",
                    f"the project is in a strategic industry ({', '.join(industries)})",
                    f"項目屬策略性產業（{'、'.join(industries)}）",
                ),
            ),
        )
        if status is Outcome.INELIGIBLE:
            return Verdict(Outcome.INELIGIBLE, Money.zero())

        cost = max(money(case.total_cost) - money(case.ineligible_costs), Money.zero())
        minimum = ev.money("min_project_cost")
        if cost < minimum:
            ev.reason(
                "below_min_cost",
                f"The project cost {cost} is below the minimum of {minimum}.",
                f"項目成本 {cost} 低於最低要求 {minimum}。",
            )
            return Verdict(Outcome.INELIGIBLE, Money.zero())

        prior = earlier_approvals(ev, case.prior_approvals, case.received)
        max_projects = ev.count("enterprise_max_projects")
        if len(prior) >= max_projects:
            ev.reason(
                "too_many_projects",
                f"The enterprise already has {len(prior)} approved projects; "
                f"at most {max_projects} may be funded.",
                f"企業已有 {len(prior)} 個獲批項目；最多只可獲資助 {max_projects} 個。",
            )
            return Verdict(Outcome.INELIGIBLE, Money.zero())

        ratio = ev.ratio("matching_share")
        matched = share(cost, ratio)
        cap = ev.money("project_cap")
        grant = min(matched, cap)
        ev.reason(
            "matching",
            f"{fmt_ratio(ratio)} of the project cost {cost} is {matched}; "
            f"the per-project cap is {cap}.",
            f"項目成本 {cost} 的 {fmt_ratio(ratio)} 為 {matched}；每個項目上限為 {cap}。",
        )
        total_cap = ev.money("enterprise_total_cap")
        earlier = sum((money(p.amount) for p in prior), Money.zero())
        room = max(total_cap - earlier, Money.zero())
        if room < grant:
            ev.reason(
                "enterprise_cap",
                f"Earlier approvals total {earlier}; the enterprise cap of {total_cap} "
                f"leaves {room}.",
                f"過往獲批款額合共 {earlier}；企業資助總額上限 {total_cap}，尚餘 {room}。",
            )
            grant = room

        contribution = (
            cost - grant
            if case.enterprise_contribution is None
            else money(case.enterprise_contribution)
        )
        least = ev.money("min_enterprise_contribution")
        if contribution < least:
            ev.reason(
                "low_contribution",
                f"The enterprise puts in {contribution}; it must put in at least {least}.",
                f"企業投入 {contribution}；最少須投入 {least}。",
            )
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        if grant.cents == 0:
            ev.reason("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
            return Verdict(Outcome.INELIGIBLE, grant)
        ev.reason("grant", f"Grant: {grant}.", f"資助額：{grant}。")
        return Verdict(status or Outcome.ELIGIBLE, grant)


SCHEME = NIAS()
