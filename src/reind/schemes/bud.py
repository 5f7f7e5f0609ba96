"""Dedicated Fund on Branding, Upgrading and Domestic Sales (BUD Fund).

Non-listed Hong Kong enterprises get matching funding for branding,
upgrading and sales-promotion projects in the Mainland and, over time,
ASEAN, FTA and IPPA economies. Three application types share one
enterprise ceiling: General, Easy BUD (small, fast) and E-commerce Easy.
The ceilings changed often and by market, so the enterprise's earlier
approvals (with their market and type) are part of the case. Changes apply
to applications *received* on or after their date (1:3 from 14 Mar 2025).

The rule is written once, here, per case; ``reind.schemes.columnar.bud``
runs it over columns for bulk runs and what-ifs through the same reason
templates, and a property test holds both to the same decisions.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from reind.core.money import Money
from reind.rules.branches import ReasonTemplate
from reind.rules.decision import Outcome
from reind.rules.engine import Evaluation, Scheme, Verdict
from reind.schemes.bud_reasons import (
    APPLICATION_CAP,
    CEILING_PARAMETERS,
    CEILINGS,
    CONDITIONS,
    EASY_INTERVAL,
    EMF_CONSOLIDATED,
    EXCEEDED,
    GRANT,
    INITIAL_PAYMENT,
    MARKET_NOT_COVERED,
    MATCHING,
    MATCHING_AUDIT,
    NOT_OFFERED,
    NOTHING,
    PROGRAMME_NAMES,
    SCOPES,
    TOO_LONG,
    TOO_MANY,
    market_blanks,
)
from reind.schemes.common import (
    CaseInputs,
    CostLine,
    HKDAmount,
    PriorApproval,
    earlier_approvals,
    fmt_ratio,
    money,
    share,
    unfunded_lines,
    within_limit,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

Programme = Literal["general", "easy", "ecommerce_easy"]
Market = Literal["mainland", "asean", "fta", "ippa"]


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


def add_months(day: date, months: int) -> date:
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
    vectorised = "reind.schemes.columnar.bud"
    column_parameters = frozenset(
        ("easy_application_cap", "ecommerce_easy_ceiling", "ecommerce_easy_markets", "markets",
         "easy_max_duration", "easy_min_interval", "max_projects", "other_markets_max_projects",
         "easy_eligible_cost_categories", "eligible_cost_categories", "staff_cost_share_cap",
         "new_entity_setup_share_cap", "matching_share", "easy_audit_fee_cap", "project_cap",
         *CEILING_PARAMETERS, "initial_payment_share", "absorbs_emf")
    )  # fmt: skip

    def governing_date(self, case: BUDInputs) -> date:
        """Changes apply to applications received on or after their date."""
        return case.received

    def evaluate(self, case: BUDInputs, ev: Evaluation) -> Verdict:
        """min(share of eligible cost, type cap, what each ceiling in force leaves)."""
        counted = earlier_approvals(ev, case.prior_approvals, case.received)
        if len(counted) != len(case.prior_approvals):
            case = case.model_copy(update={"prior_approvals": list(counted)})
        name_en, name_zh = PROGRAMME_NAMES[case.programme]
        blanks: dict[str, object] = {
            "name_en": name_en,
            "name_zh": name_zh,
            "day": ev.as_at.isoformat(),
        }
        barred = self._offered(case, ev, blanks)
        if barred is not None:
            return barred
        facts = (
            ("non_listed", None if case.listed is None else not case.listed),
            ("business_registration", case.business_registration),
            ("substantive_operations", case.substantive_operations_in_hk),
        )
        outcome = Outcome.ELIGIBLE
        for code, fact in facts:
            unknown, unmet = CONDITIONS[code]
            if fact is None:
                outcome = Outcome.TENTATIVE
                ev.reason(*_said(unknown))
            elif not fact:
                ev.reason(*_said(unmet))
                return Verdict(Outcome.INELIGIBLE, Money.zero())
        if case.programme == "easy":
            barred = self._easy_limits(case, ev)
            if barred is not None:
                return barred
        barred = self._project_counts(case, ev)
        if barred is not None:
            return barred

        grant = self._matched(case, ev, blanks)
        grant = self._ceilings(case, ev, grant)
        if grant.cents == 0:
            ev.reason(*_said(NOTHING))
            return Verdict(Outcome.INELIGIBLE, grant)
        initial = ev.ratio("initial_payment_share")
        ev.explain(
            *_said(INITIAL_PAYMENT),
            initial=fmt_ratio(initial),
            initial_amount=share(grant, initial),
        )
        if ev.flag("absorbs_emf"):
            ev.reason(*_said(EMF_CONSOLIDATED))
        ev.explain(*_said(GRANT), grant=grant)
        return Verdict(outcome, grant)

    def _offered(
        self, case: BUDInputs, ev: Evaluation, blanks: dict[str, object]
    ) -> Verdict | None:
        """Refuse an application type or market not offered on the date."""
        if case.programme == "easy" and ev.optional("easy_application_cap") is None:
            ev.explain(*_said(NOT_OFFERED), blanks)
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        if case.programme == "ecommerce_easy":
            if ev.optional("ecommerce_easy_ceiling") is None:
                ev.explain(*_said(NOT_OFFERED), blanks)
                return Verdict(Outcome.INELIGIBLE, Money.zero())
            markets = ev.codes("ecommerce_easy_markets")
        else:
            markets = ev.codes("markets")
        if case.market not in markets:
            ev.explain(*_said(MARKET_NOT_COVERED), blanks, market=case.market,
                       **market_blanks(markets))  # fmt: skip
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        return None

    def _easy_limits(self, case: BUDInputs, ev: Evaluation) -> Verdict | None:
        """Easy BUD: completed within its months, one application per interval."""
        longest = ev.count("easy_max_duration")
        if case.duration_months is not None and case.duration_months > longest:
            ev.explain(*_said(TOO_LONG), longest=longest)
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        interval = ev.count("easy_min_interval")
        earlier = [
            p.received or p.approved_on for p in case.prior_approvals if p.programme == "easy"
        ]
        if earlier:
            last = max(earlier)
            allowed_from = add_months(last, interval)
            if last <= case.received < allowed_from:
                ev.explain(
                    *_said(EASY_INTERVAL), interval=interval, last=last.isoformat(),
                    allowed_from=allowed_from.isoformat(),
                )  # fmt: skip
                return Verdict(Outcome.INELIGIBLE, Money.zero())
        return None

    def _project_counts(self, case: BUDInputs, ev: Evaluation) -> Verdict | None:
        """Most approved projects per enterprise (and under the ASEAN programme)."""
        limits: list[tuple[int, int, int]] = []
        most = ev.optional("max_projects")
        if isinstance(most, int):
            limits.append((len(case.prior_approvals), most, 0))
        if case.market != "mainland":
            most_other = ev.optional("other_markets_max_projects")
            if isinstance(most_other, int):
                done = sum(1 for p in case.prior_approvals if p.market != "mainland")
                limits.append((done, most_other, 1))
        for done, most, scope in limits:
            if done >= most:
                ev.explain(*_said(TOO_MANY), SCOPES[scope], done=done, most=most)
                return Verdict(Outcome.INELIGIBLE, Money.zero())
        return None

    def _matched(self, case: BUDInputs, ev: Evaluation, blanks: dict[str, object]) -> Money:
        """The matching share of the eligible cost, capped per application."""
        categories = ev.codes(
            "easy_eligible_cost_categories"
            if case.programme == "easy"
            else "eligible_cost_categories"
        )
        cost = money(case.total_cost) - money(case.ineligible_costs)
        cost = cost - unfunded_lines(ev, case.cost_lines, categories)
        cost = max(cost, Money.zero())
        for amount, parameter in (
            (case.staff_costs, "staff_cost_share_cap"),
            (case.new_entity_setup_costs, "new_entity_setup_share_cap"),
        ):
            limit = share(cost, ev.ratio(parameter))
            excess = money(amount) - limit
            if excess.cents > 0:
                said, (limit_name, excess_name) = EXCEEDED[parameter]
                ev.explain(*_said(said), {limit_name: limit, excess_name: excess})
                cost = cost - excess
        cost = max(cost, Money.zero())
        ratio = ev.ratio("matching_share")
        audit_cap = ev.optional("easy_audit_fee_cap") if case.programme == "easy" else None
        if isinstance(audit_cap, Money):
            audit = min(money(case.audit_fee), audit_cap, cost)
            matched = share(cost - audit, ratio) + audit
            ev.explain(
                *_said(MATCHING_AUDIT), ratio=fmt_ratio(ratio), cost_less_audit=cost - audit,
                audit_cap=audit_cap, audit=audit, matched=matched,
            )  # fmt: skip
        else:
            matched = share(cost, ratio)
            ev.explain(*_said(MATCHING), ratio=fmt_ratio(ratio), cost=cost, matched=matched)
        cap = ev.money("easy_application_cap" if case.programme == "easy" else "project_cap")
        said = APPLICATION_CAP
        return within_limit(ev, matched, cap, said.code, said.en, said.zh, **blanks, cap=cap)

    def _ceilings(self, case: BUDInputs, ev: Evaluation, grant: Money) -> Money:
        """Cut the grant to what every enterprise ceiling in force leaves."""
        priors = case.prior_approvals
        mainland = case.market == "mainland"
        limits: list[tuple[str, str, list[BUDPriorApproval]]] = [
            (
                "programme_ceiling",
                "mainland_programme_ceiling" if mainland else "other_markets_programme_ceiling",
                [p for p in priors if (p.market == "mainland") == mainland],
            ),
            ("cumulative_ceiling", "cumulative_ceiling", list(priors)),
        ]
        if case.programme == "ecommerce_easy":
            limits.append(
                ("ecommerce_easy_ceiling", "ecommerce_easy_ceiling",
                 [p for p in priors if p.programme == "ecommerce_easy"])
            )  # fmt: skip
        limits.append(("in_force_cap", "in_force_cap", [p for p in priors if p.ongoing]))
        for code, parameter, counted in limits:
            ceiling = ev.optional(parameter)
            if not isinstance(ceiling, Money):
                continue
            used = sum((money(p.amount) for p in counted), Money.zero())
            room = max(ceiling - used, Money.zero())
            if grant > room:
                values = {code: ceiling, f"{code}_used": used, f"{code}_room": room}
                ev.explain(*_said(CEILINGS[code]), values)
                grant = room
        return grant

    # ------------------------------------------------------ the same over columns

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        from reind.schemes.columnar.bud import FORMULA

        return FORMULA.columns_of(cases)


def _said(template: ReasonTemplate) -> tuple[str, str, str]:
    return template.code, template.en, template.zh


SCHEME = BUD()
