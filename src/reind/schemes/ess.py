"""Enterprise Support Scheme (ESS) of the Innovation and Technology Fund.

Funds in-house R&D by private companies 1:1, up to HK$10M a project over at
most 24 months; the company keeps the IP and repays nothing. Small firms
(fewer than 100 employees) asking for no more than HK$2.8M go through an
SME designated track. Rules apply as at the date received.
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
    check_conditions,
    fmt_ratio,
    money,
    share,
    within_limit,
)


class ESSInputs(CaseInputs):
    """One ESS application as the formula needs it."""

    received: date = Field(description="Date the application was received.")
    total_cost: HKDAmount = Field(description="Total approved project cost, HK$.")
    ineligible_costs: HKDAmount = Field(default=Decimal(0))
    incorporated_under: Literal["cap622", "cap310", "other"] | None = None
    business_registration: bool | None = None
    government_subvented: bool | None = Field(
        default=None, description="A government-subvented organisation or its subsidiary."
    )
    duration_months: int | None = Field(default=None, ge=1)
    sme_track: bool = Field(default=False, description="Applying under the SME designated track.")
    employees: int | None = Field(default=None, ge=0)


class ESS(Scheme[ESSInputs]):
    """The ESS formula."""

    code = "ess"
    label = "ESS"
    title_en = "Enterprise Support Scheme (Innovation and Technology Fund)"
    title_zh = "企業支援計劃（創新及科技基金）"
    catalogue_order = 70
    administrator_en = "Innovation and Technology Commission"
    administrator_zh = "創新科技署"
    summary_en = "1:1 funding for in-house R&D projects of private companies, up to HK$10M."
    summary_zh = "以 1:1 配對資助私營公司進行內部研發項目，上限 1,000 萬元。"
    inputs = ESSInputs

    def governing_date(self, case: ESSInputs) -> date:
        """Changes apply to applications received on or after their date."""
        return case.received

    def evaluate(self, case: ESSInputs, ev: Evaluation) -> Verdict:
        """min(share x eligible cost, project cap, SME track cap when chosen)."""
        allowed = ev.codes("eligible_incorporation")
        incorporated = (
            None if case.incorporated_under is None else (case.incorporated_under in allowed)
        )
        longest = ev.count("max_duration")
        conditions = [
            (
                incorporated,
                "cap622",
                "incorporated under the Companies Ordinance (Cap. 622)",
                "按《公司條例》（第 622 章）成立",
            ),
            (case.business_registration, "business_registration", "holding a BR", "持有商業登記"),
            (
                None if case.government_subvented is None else not case.government_subvented,
                "not_subvented",
                "not a government-subvented organisation or its subsidiary",
                "並非政府資助機構或其附屬機構",
            ),
            (
                None if case.duration_months is None else case.duration_months <= longest,
                "duration",
                f"a project of at most {longest} months",
                f"項目為期不超過 {longest} 個月",
            ),
        ]
        if case.sme_track:
            limit = ev.count("sme_track_employee_limit")
            conditions.append(
                (
                    None if case.employees is None else case.employees < limit,
                    "sme_track_size",
                    f"fewer than {limit} employees for the SME designated track",
                    f"中小企業專屬類別須少於 {limit} 名僱員",
                )
            )
        checked = check_conditions(ev, conditions)
        if checked is Outcome.INELIGIBLE:
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        outcome = checked or Outcome.ELIGIBLE

        cost = money(case.total_cost) - money(case.ineligible_costs)
        cost = max(cost, Money.zero())
        ratio = ev.ratio("matching_share")
        matched = share(cost, ratio)
        ev.reason(
            "matching",
            f"{fmt_ratio(ratio)} of the eligible cost {cost} is {matched}.",
            f"合資格成本 {cost} 的 {fmt_ratio(ratio)} 為 {matched}。",
        )
        cap = ev.money("project_cap")
        grant = within_limit(
            ev,
            matched,
            cap,
            "project_cap",
            f"Each project is capped at {cap}",
            f"每個項目的資助上限為 {cap}",
        )
        if case.sme_track:
            track_cap = ev.money("sme_track_cap")
            grant = within_limit(
                ev,
                grant,
                track_cap,
                "sme_track_cap",
                f"The SME designated track asks for at most {track_cap}",
                f"中小企業專屬類別的申請資助額上限為 {track_cap}",
            )
        if grant.cents == 0:
            ev.reason("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
            return Verdict(Outcome.INELIGIBLE, grant)
        ev.reason("grant", f"Grant: {grant}.", f"資助額：{grant}。")
        return Verdict(outcome, grant)


SCHEME = ESS()
