"""SME Export Marketing Fund (EMF).

Reimburses part of an enterprise's export promotion (trade exhibitions,
business missions, advertising, a website): min(share x approved
expenditure, HK$100,000) per application, within a cumulative ceiling per
enterprise that counts connected enterprises together, and with websites
and apps held to half of that ceiling. Special measures (30 Apr 2021 to
30 Jun 2026) opened local and online exhibitions and non-listed non-SMEs;
from 14 Mar 2025 the share fell to 25%. It is consolidated into the BUD
Fund on 1 Jul 2026. Rules apply as at the date received.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from pydantic import Field

from reind.core.money import Money
from reind.rules.decision import Outcome
from reind.rules.engine import Evaluation, Scheme, Verdict
from reind.schemes.common import (
    CaseInputs,
    Condition,
    HKDAmount,
    PriorApproval,
    check_conditions,
    earlier_approvals,
    fmt_ratio,
    money,
    share,
    within_limit,
)


class EMFPriorApproval(PriorApproval):
    """An earlier EMF approval of the enterprise or of a connected enterprise."""

    activity: str = Field(default="", description="Activity code of that application.")
    connected_enterprise: bool = Field(
        default=False, description="Approved to a connected enterprise (counted together)."
    )


class EMFInputs(CaseInputs):
    """One EMF application as the formula needs it."""

    received: date = Field(description="Date the application was received.")
    activity: str = Field(min_length=1, description="Activity code, e.g. exhibition_outside_hk.")
    activity_ended: date | None = None
    approved_expenditure: HKDAmount = Field(description="Approved expenditure, HK$.")
    ineligible_costs: HKDAmount = Field(default=Decimal(0))
    employees_in_hk: int | None = Field(default=None, ge=0)
    manufacturing: bool | None = None
    listed: bool | None = None
    business_registration: bool | None = Field(
        default=None, description="Registered under the Business Registration Ordinance (Cap. 310)."
    )
    substantive_operations_in_hk: bool | None = None
    organiser_related: bool | None = Field(
        default=None,
        description="The applicant is, or is related to, the organiser, co-organiser or service "
        "provider of the activity.",
    )
    prior_approvals: list[EMFPriorApproval] = Field(default_factory=list)


class EMF(Scheme[EMFInputs]):
    """The EMF formula."""

    code = "emf"
    label = "EMF"
    title_en = "SME Export Marketing Fund"
    title_zh = "中小企業市場推廣基金"
    catalogue_order = 60
    administrator_en = "Trade and Industry Department"
    administrator_zh = "工業貿易署"
    summary_en = "Part of the cost of export promotion activities, per application and cumulative."
    summary_zh = "資助企業參與出口推廣活動的部分開支，設每宗申請及累計上限。"
    inputs = EMFInputs

    def governing_date(self, case: EMFInputs) -> date:
        """Changes apply to applications received on or after their date."""
        return case.received

    def evaluate(self, case: EMFInputs, ev: Evaluation) -> Verdict:
        """min(share x expenditure, per-application cap, cumulative and website room)."""
        day = ev.as_at.isoformat()
        activities = ev.codes("eligible_activities")
        if case.activity not in activities:
            ev.reason(
                "activity_not_covered",
                f"The Fund did not cover the activity {case.activity} on {day}.",
                f"基金於{day}並不資助 {case.activity} 活動。",
            )
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        deadline = ev.count("application_deadline")
        if case.activity_ended is not None and case.received > case.activity_ended + timedelta(
            days=deadline
        ):
            ev.reason(
                "late",
                f"Applications must be made within {deadline} days after the activity ends.",
                f"須於活動結束後 {deadline} 日內提出申請。",
            )
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        roles = "/".join(ev.codes("excluded_roles"))
        conditions: list[Condition] = [
            *self._size_conditions(case, ev),
            (
                case.business_registration,
                "business_registration",
                "registered under the Business Registration Ordinance (Cap. 310)",
                "按《商業登記條例》（第 310 章）登記",
            ),
            (
                case.substantive_operations_in_hk,
                "substantive_operations",
                "substantive business operations in Hong Kong",
                "在香港有實質業務運作",
            ),
            (
                None if case.organiser_related is None else not case.organiser_related,
                "not_organiser",
                f"not the activity's {roles}, nor related to one",
                f"並非活動的 {roles}，亦與其無關連",
            ),
        ]
        checked = check_conditions(ev, conditions)
        if checked is Outcome.INELIGIBLE:
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        outcome = checked or Outcome.ELIGIBLE

        cost = max(money(case.approved_expenditure) - money(case.ineligible_costs), Money.zero())
        ratio = ev.ratio("matching_share")
        matched = share(cost, ratio)
        ev.explain(
            "matching",
            "{ratio} of the approved expenditure {cost} is {matched}.",
            "核准開支 {cost} 的 {ratio} 為 {matched}。",
            ratio=fmt_ratio(ratio), cost=cost, matched=matched,
        )  # fmt: skip
        cap = ev.money("application_cap")
        grant = within_limit(
            ev, matched, cap, "application_cap",
            "Each application is capped at {cap}", "每宗申請的資助上限為 {cap}", cap=cap,
        )  # fmt: skip
        grant = self._cumulative(case, ev, grant)
        if grant.cents == 0:
            ev.reason("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
            return Verdict(Outcome.INELIGIBLE, grant)
        if ev.flag("initial_payment_available"):
            ev.reason(
                "initial_payment",
                "An initial payment may be taken before the activity is completed.",
                "可於活動完成前申領首期款項。",
            )
        ev.explain("grant", "Grant: {grant}.", "資助額：{grant}。", grant=grant)
        return Verdict(outcome, grant)

    def _size_conditions(self, case: EMFInputs, ev: Evaluation) -> list[Condition]:
        """SME status, or (under the special measures) a non-listed non-SME."""
        is_sme: bool | None = None
        if case.employees_in_hk is not None and case.manufacturing is not None:
            limit = ev.count(
                "manufacturing_employee_limit"
                if case.manufacturing
                else "non_manufacturing_employee_limit"
            )
            is_sme = case.employees_in_hk < limit
        if is_sme:
            return []
        if ev.flag("non_sme_eligible"):
            return [
                (
                    None if case.listed is None else not case.listed,
                    "non_listed",
                    "a non-listed enterprise (non-SMEs may apply under the special measures)",
                    "非上市企業（特別措施下非中小企業亦可申請）",
                )
            ]
        manufacturing = ev.count("manufacturing_employee_limit")
        other = ev.count("non_manufacturing_employee_limit")
        return [
            (
                is_sme,
                "sme",
                f"an SME (manufacturing: fewer than {manufacturing} employees in Hong Kong; "
                f"others: fewer than {other})",
                f"中小企業（製造業：在港僱員少於 {manufacturing} 人；非製造業：少於 {other} 人）",
            )
        ]

    def _cumulative(self, case: EMFInputs, ev: Evaluation, grant: Money) -> Money:
        """Cut the grant to the room left under the cumulative ceiling and website sub-cap."""
        ceiling = ev.money("cumulative_ceiling")
        prior = earlier_approvals(ev, case.prior_approvals, case.received)
        used = sum((money(p.amount) for p in prior), Money.zero())
        grant = within_limit(
            ev, grant, ceiling - used, "cumulative_ceiling",
            "Earlier approvals of the enterprise and connected enterprises total {used} "
            "against the cumulative ceiling of {ceiling}",
            "企業及其有關連企業過往獲批款額合共 {used}，累計上限為 {ceiling}",
            used=used, ceiling=ceiling,
        )  # fmt: skip
        website = ev.codes("website_activities")
        if case.activity in website:
            web_share = ev.ratio("website_share_of_ceiling")
            web_cap = share(ceiling, web_share)
            web_used = sum(
                (money(p.amount) for p in prior if p.activity in website),
                Money.zero(),
            )
            grant = within_limit(
                ev,
                grant,
                web_cap - web_used,
                "website_cap",
                f"Websites and apps may have at most {fmt_ratio(web_share)} of the cumulative "
                f"ceiling ({web_cap}); earlier website approvals total {web_used}",
                f"網站及應用程式最多可獲累計上限的 {fmt_ratio(web_share)}（{web_cap}）；"
                f"過往網站獲批款額合共 {web_used}",
            )
        return grant


SCHEME = EMF()
