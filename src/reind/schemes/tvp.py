"""Technology Voucher Programme (TVP) of the Innovation and Technology Fund.

Vouchers pay a share of the cost of technology services for local firms:
2:1 up to HK$400,000 per enterprise (with a 25% initial payment) from
1 Dec 2019, then 3:1 up to HK$600,000 and six projects from 1 Apr 2020.
Related entities counted as one until 14 Aug 2020. It stopped taking new
applications after 31 Dec 2024 [C]. Rules apply as at the date received.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
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
    within_limit,
)


class TVPPriorApproval(PriorApproval):
    """An earlier TVP approval of the enterprise or of a related entity."""

    related_entity: bool = Field(default=False, description="Approved to a related entity.")


class TVPInputs(CaseInputs):
    """One TVP application as the formula needs it."""

    received: date = Field(description="Date the application was received.")
    total_cost: HKDAmount = Field(description="Total approved project cost, HK$.")
    ineligible_costs: HKDAmount = Field(default=Decimal(0))
    registration: Literal["cap310", "cap622", "statutory_body", "other"] | None = None
    listed: bool | None = None
    subvented: bool | None = None
    substantive_business_in_hk: bool | None = Field(
        default=None, description="Substantive business in Hong Kong related to the project."
    )
    duration_months: int | None = Field(default=None, ge=1)
    prior_approvals: list[TVPPriorApproval] = Field(default_factory=list)


class TVP(Scheme[TVPInputs]):
    """The TVP formula."""

    code = "tvp"
    label = "TVP"
    title_en = "Technology Voucher Programme (Innovation and Technology Fund)"
    title_zh = "科技券計劃（創新及科技基金）"
    catalogue_order = 75
    administrator_en = "Innovation and Technology Commission"
    administrator_zh = "創新科技署"
    summary_en = "Vouchers for local enterprises to use technology services to upgrade."
    summary_zh = "資助本地企業使用科技服務以提升生產力或升級轉型。"
    inputs = TVPInputs

    def governing_date(self, case: TVPInputs) -> date:
        """Changes apply to applications received on or after their date."""
        return case.received

    def evaluate(self, case: TVPInputs, ev: Evaluation) -> Verdict:
        """min(share x eligible cost, room under the enterprise's cumulative ceiling)."""
        allowed = ev.codes("eligible_registration")
        registered = None if case.registration is None else case.registration in allowed
        longest = ev.count("max_duration")
        checked = check_conditions(
            ev,
            (
                (
                    registered,
                    "registration",
                    "registered under Cap. 310, incorporated under Cap. 622, or a statutory body",
                    "按第 310 章登記、按第 622 章成立，或屬法定機構",
                ),
                (
                    None if case.listed is None else not case.listed,
                    "non_listed",
                    "a non-listed enterprise",
                    "非上市企業",
                ),
                (
                    None if case.subvented is None else not case.subvented,
                    "not_subvented",
                    "not a government-subvented organisation",
                    "並非政府資助機構",
                ),
                (
                    case.substantive_business_in_hk,
                    "substantive_business",
                    "substantive business in Hong Kong related to the project",
                    "在香港有與項目相關的實質業務",
                ),
                (
                    None if case.duration_months is None else case.duration_months <= longest,
                    "duration",
                    f"a project completed within {longest} months",
                    f"項目於 {longest} 個月內完成",
                ),
            ),
        )
        if checked is Outcome.INELIGIBLE:
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        outcome = checked or Outcome.ELIGIBLE

        aggregated = ev.flag("related_entities_aggregated")
        prior = earlier_approvals(ev, case.prior_approvals, case.received)
        counted = [p for p in prior if aggregated or not p.related_entity]
        most = ev.optional("max_projects")
        if isinstance(most, int) and len(counted) >= most:
            ev.reason(
                "too_many_projects",
                f"The enterprise already has {len(counted)} funded projects; at most {most} "
                "are allowed.",
                f"企業已有 {len(counted)} 個獲資助項目；上限為 {most} 個。",
            )
            return Verdict(Outcome.INELIGIBLE, Money.zero())

        cost = max(money(case.total_cost) - money(case.ineligible_costs), Money.zero())
        ratio = ev.ratio("matching_share")
        matched = share(cost, ratio)
        ev.reason(
            "matching",
            f"{fmt_ratio(ratio)} of the eligible cost {cost} is {matched}.",
            f"合資格成本 {cost} 的 {fmt_ratio(ratio)} 為 {matched}。",
        )
        ceiling = ev.money("cumulative_ceiling")
        used = sum((money(p.amount) for p in counted), Money.zero())
        whose_en = "the enterprise and its related entities" if aggregated else "the enterprise"
        whose_zh = "企業及其有關連實體" if aggregated else "企業"
        grant = within_limit(
            ev,
            matched,
            ceiling - used,
            "cumulative_ceiling",
            f"Earlier approvals of {whose_en} total {used} against the cumulative ceiling "
            f"of {ceiling}",
            f"{whose_zh}過往獲批款額合共 {used}，累計上限為 {ceiling}",
        )
        if grant.cents == 0:
            ev.reason("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
            return Verdict(Outcome.INELIGIBLE, grant)
        initial = ev.optional("initial_payment_share")
        if isinstance(initial, Fraction):
            ev.reason(
                "initial_payment",
                f"Up to {fmt_ratio(initial)} of the grant ({share(grant, initial)}) may be paid "
                "at the start.",
                f"資助額最多 {fmt_ratio(initial)}（{share(grant, initial)}）可作首期款項發放。",
            )
        ev.reason("grant", f"Grant: {grant}.", f"資助額：{grant}。")
        return Verdict(outcome, grant)


SCHEME = TVP()
