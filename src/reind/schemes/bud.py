"""Dedicated Fund on Branding, Upgrading and Domestic Sales (BUD Fund).

Non-listed Hong Kong enterprises get matching funding for branding,
upgrading and sales-promotion projects in the Mainland and, over time,
ASEAN, FTA and IPPA economies. Three application types share one
enterprise ceiling: General, Easy BUD (small, fast) and E-commerce Easy.
The ceilings changed often and by market, so the enterprise's earlier
approvals (with their market and type) are part of the case. Changes apply
to applications *received* on or after their date (1:3 from 14 Mar 2025).
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field

from reind.core.money import Money
from reind.rules.decision import Outcome
from reind.rules.engine import Evaluation, Scheme, Verdict
from reind.schemes.common import (
    CaseInputs,
    CostLine,
    HKDAmount,
    PriorApproval,
    check_conditions,
    earlier_approvals,
    fmt_ratio,
    money,
    share,
    unfunded_lines,
    within_limit,
)

Programme = Literal["general", "easy", "ecommerce_easy"]
Market = Literal["mainland", "asean", "fta", "ippa"]

_PROGRAMME_NAMES = {
    "general": ("General application", "一般申請"),
    "easy": ("Easy BUD", "「簡易申請」"),
    "ecommerce_easy": ("E-commerce Easy", "「電商易」"),
}


class BUDPriorApproval(PriorApproval):
    """An earlier BUD approval of the enterprise, with its type and market."""

    programme: Programme = "general"
    market: Market = "mainland"
    received: date | None = Field(
        default=None, description="Date that application was received (for the Easy interval)."
    )


class BUDInputs(CaseInputs):
    """One BUD application as the formula needs it."""

    received: date = Field(description="Date the application was received.")
    programme: Programme = "general"
    market: Market = "mainland"
    total_cost: HKDAmount = Field(description="Total approved project cost, HK$.")
    ineligible_costs: HKDAmount = Field(default=Decimal(0))
    cost_lines: list[CostLine] = Field(
        default_factory=list, description="Budget lines (part of total_cost) by category."
    )
    staff_costs: HKDAmount = Field(default=Decimal(0), description="Staff costs within the cost.")
    new_entity_setup_costs: HKDAmount = Field(
        default=Decimal(0), description="Costs of setting up a new business entity."
    )
    audit_fee: HKDAmount = Field(default=Decimal(0), description="Audit fee within the cost.")
    duration_months: int | None = Field(default=None, ge=1)
    listed: bool | None = None
    business_registration: bool | None = Field(
        default=None, description="Registered under the Business Registration Ordinance (Cap. 310)."
    )
    substantive_operations_in_hk: bool | None = None
    prior_approvals: list[BUDPriorApproval] = Field(default_factory=list)


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clipped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class BUD(Scheme[BUDInputs]):
    """The BUD Fund formula for General, Easy BUD and E-commerce Easy applications."""

    code = "bud"
    label = "BUD"
    aliases: ClassVar[tuple[str, ...]] = ("BUD Fund",)
    title_en = "Dedicated Fund on Branding, Upgrading and Domestic Sales (BUD Fund)"
    title_zh = "發展品牌、升級轉型及拓展內銷市場的專項基金（BUD專項基金）"
    catalogue_order = 50
    administrator_en = "Trade and Industry Department, with the Hong Kong Productivity Council"
    administrator_zh = "工業貿易署（香港生產力促進局為秘書處）"
    summary_en = "Matching funding for branding, upgrading and sales promotion outside Hong Kong."
    summary_zh = "以配對形式資助企業在香港以外市場發展品牌、升級轉型及推廣銷售。"
    inputs = BUDInputs

    def governing_date(self, case: BUDInputs) -> date:
        """Changes apply to applications received on or after their date."""
        return case.received

    def evaluate(self, case: BUDInputs, ev: Evaluation) -> Verdict:
        """min(share of eligible cost, type cap, what each ceiling in force leaves)."""
        counted = earlier_approvals(ev, case.prior_approvals, case.received)
        if len(counted) != len(case.prior_approvals):
            case = case.model_copy(update={"prior_approvals": list(counted)})
        name_en, name_zh = _PROGRAMME_NAMES[case.programme]
        barred = self._offered(case, ev, name_en, name_zh)
        if barred is not None:
            return barred
        checked = check_conditions(
            ev,
            (
                (
                    None if case.listed is None else not case.listed,
                    "non_listed",
                    "a non-listed enterprise",
                    "非上市企業",
                ),
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
            ),
        )
        if checked is Outcome.INELIGIBLE:
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        outcome = checked or Outcome.ELIGIBLE
        if case.programme == "easy":
            barred = self._easy_limits(case, ev)
            if barred is not None:
                return barred
        barred = self._project_counts(case, ev)
        if barred is not None:
            return barred

        grant = self._matched(case, ev, name_en, name_zh)
        grant = self._ceilings(case, ev, grant)
        if grant.cents == 0:
            ev.reason("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
            return Verdict(Outcome.INELIGIBLE, grant)
        initial = ev.ratio("initial_payment_share")
        ev.reason(
            "initial_payment",
            f"Up to {fmt_ratio(initial)} of the grant ({share(grant, initial)}) may be paid "
            "at the start.",
            f"資助額最多 {fmt_ratio(initial)}（{share(grant, initial)}）可作首期款項發放。",
        )
        if ev.flag("absorbs_emf"):
            ev.reason(
                "emf_consolidated",
                "The SME Export Marketing Fund has been consolidated into the BUD Fund.",
                "「中小企業市場推廣基金」已併入BUD專項基金。",
            )
        ev.reason("grant", f"Grant: {grant}.", f"資助額：{grant}。")
        return Verdict(outcome, grant)

    def _offered(
        self, case: BUDInputs, ev: Evaluation, name_en: str, name_zh: str
    ) -> Verdict | None:
        """Refuse an application type or market not offered on the date."""
        day = ev.as_at.isoformat()
        if case.programme == "easy" and ev.optional("easy_application_cap") is None:
            ev.reason(
                "programme_not_offered",
                f"{name_en} was not offered on {day}.",
                f"{name_zh}於{day}並未推出。",
            )
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        if case.programme == "ecommerce_easy":
            if ev.optional("ecommerce_easy_ceiling") is None:
                ev.reason(
                    "programme_not_offered",
                    f"{name_en} was not offered on {day}.",
                    f"{name_zh}於{day}並未推出。",
                )
                return Verdict(Outcome.INELIGIBLE, Money.zero())
            markets = ev.codes("ecommerce_easy_markets")
        else:
            markets = ev.codes("markets")
        if case.market not in markets:
            ev.reason(
                "market_not_covered",
                f"{name_en} did not cover the {case.market} market on {day} "
                f"(covered: {', '.join(markets)}).",
                f"{name_zh}於{day}並不涵蓋 {case.market} 市場（涵蓋：{'、'.join(markets)}）。",
            )
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        return None

    def _easy_limits(self, case: BUDInputs, ev: Evaluation) -> Verdict | None:
        """Easy BUD: completed within its months, one application per interval."""
        longest = ev.count("easy_max_duration")
        if case.duration_months is not None and case.duration_months > longest:
            ev.reason(
                "too_long",
                f"An Easy BUD project must be completed within {longest} months.",
                f"「簡易申請」項目須於 {longest} 個月內完成。",
            )
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        interval = ev.count("easy_min_interval")
        earlier = [
            p.received or p.approved_on for p in case.prior_approvals if p.programme == "easy"
        ]
        if earlier:
            last = max(earlier)
            allowed_from = _add_months(last, interval)
            if last <= case.received < allowed_from:
                ev.reason(
                    "easy_interval",
                    f"Only one Easy BUD application every {interval} months: the last was "
                    f"on {last.isoformat()}, the next may be made from {allowed_from.isoformat()}.",
                    f"每 {interval} 個月只可提交一宗「簡易申請」：上一宗於{last.isoformat()}，"
                    f"下一宗可於{allowed_from.isoformat()}起提交。",
                )
                return Verdict(Outcome.INELIGIBLE, Money.zero())
        return None

    def _project_counts(self, case: BUDInputs, ev: Evaluation) -> Verdict | None:
        """Most approved projects per enterprise (and under the ASEAN programme)."""
        limits: list[tuple[int, int, str, str]] = []
        most = ev.optional("max_projects")
        if isinstance(most, int):
            limits.append((len(case.prior_approvals), most, "BUD Fund", "BUD專項基金"))
        if case.market != "mainland":
            most_other = ev.optional("other_markets_max_projects")
            if isinstance(most_other, int):
                done = sum(1 for p in case.prior_approvals if p.market != "mainland")
                limits.append((done, most_other, "the ASEAN Programme", "東盟計劃"))
        for done, most, en, zh in limits:
            if done >= most:
                ev.reason(
                    "too_many_projects",
                    f"The enterprise already has {done} approved projects under {en}; "
                    f"at most {most} are allowed.",
                    f"企業在{zh}下已有 {done} 個獲批項目；上限為 {most} 個。",
                )
                return Verdict(Outcome.INELIGIBLE, Money.zero())
        return None

    def _matched(self, case: BUDInputs, ev: Evaluation, name_en: str, name_zh: str) -> Money:
        """The matching share of the eligible cost, capped per application."""
        categories = ev.codes(
            "easy_eligible_cost_categories"
            if case.programme == "easy"
            else "eligible_cost_categories"
        )
        cost = money(case.total_cost) - money(case.ineligible_costs)
        cost = cost - unfunded_lines(ev, case.cost_lines, categories)
        cost = max(cost, Money.zero())
        for amount, parameter, en, zh in (
            (case.staff_costs, "staff_cost_share_cap", "Staff costs", "員工成本"),
            (
                case.new_entity_setup_costs,
                "new_entity_setup_share_cap",
                "New-entity set-up costs",
                "設立新業務實體成本",
            ),
        ):
            limit = share(cost, ev.ratio(parameter))
            excess = money(amount) - limit
            if excess.cents > 0:
                ev.reason(
                    f"{parameter}_exceeded",
                    f"{en} above {limit} are not funded: {excess} excluded.",
                    f"{zh}超出 {limit} 的部分不獲資助：剔除 {excess}。",
                )
                cost = cost - excess
        cost = max(cost, Money.zero())
        ratio = ev.ratio("matching_share")
        audit_cap = ev.optional("easy_audit_fee_cap") if case.programme == "easy" else None
        if isinstance(audit_cap, Money):
            audit = min(money(case.audit_fee), audit_cap, cost)
            matched = share(cost - audit, ratio) + audit
            ev.reason(
                "matching",
                f"{fmt_ratio(ratio)} of the eligible cost {cost - audit} (besides the audit fee) "
                f"plus the audit fee funded in full up to {audit_cap} ({audit}) is {matched}.",
                f"合資格成本（核數費用以外）{cost - audit} 的 {fmt_ratio(ratio)}，"
                f"加上全數資助的核數費用（上限 {audit_cap}）{audit}，合共 {matched}。",
            )
        else:
            matched = share(cost, ratio)
            ev.reason(
                "matching",
                f"{fmt_ratio(ratio)} of the eligible cost {cost} is {matched}.",
                f"合資格成本 {cost} 的 {fmt_ratio(ratio)} 為 {matched}。",
            )
        cap = ev.money("easy_application_cap" if case.programme == "easy" else "project_cap")
        return within_limit(
            ev,
            matched,
            cap,
            "application_cap",
            f"Each {name_en} application is capped at {cap}",
            f"每宗{name_zh}的資助上限為 {cap}",
        )

    def _ceilings(self, case: BUDInputs, ev: Evaluation, grant: Money) -> Money:
        """Cut the grant to what every enterprise ceiling in force leaves."""
        priors = case.prior_approvals

        def total(selected: list[BUDPriorApproval]) -> Money:
            return sum((money(p.amount) for p in selected), Money.zero())

        in_market_group = [
            p for p in priors if (p.market == "mainland") == (case.market == "mainland")
        ]
        limits: list[tuple[str, list[BUDPriorApproval], str, str, str]] = [
            (
                "mainland_programme_ceiling"
                if case.market == "mainland"
                else "other_markets_programme_ceiling",
                in_market_group,
                "programme_ceiling",
                "the cumulative ceiling of the market's programme",
                "該市場計劃的累計上限",
            ),
            (
                "cumulative_ceiling",
                priors,
                "cumulative_ceiling",
                "the cumulative ceiling",
                "累計上限",
            ),
        ]
        if case.programme == "ecommerce_easy":
            limits.append(
                (
                    "ecommerce_easy_ceiling",
                    [p for p in priors if p.programme == "ecommerce_easy"],
                    "ecommerce_easy_ceiling",
                    "the E-commerce Easy ceiling",
                    "「電商易」上限",
                )
            )
        limits.append(
            (
                "in_force_cap",
                [p for p in priors if p.ongoing],
                "in_force_cap",
                "the cap on funding in force at any one time",
                "同時進行中項目的資助上限",
            )
        )
        for parameter, counted, code, en, zh in limits:
            ceiling = ev.optional(parameter)
            if not isinstance(ceiling, Money):
                continue
            used = total(counted)
            grant = within_limit(
                ev,
                grant,
                ceiling - used,
                code,
                f"Earlier approvals counted against {en} of {ceiling} total {used}",
                f"計入{zh} {ceiling} 的過往獲批款額合共 {used}",
            )
        return grant


SCHEME = BUD()
