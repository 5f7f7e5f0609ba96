"""Technology Voucher Programme (TVP) of the Innovation and Technology Fund.

Vouchers pay a share of the cost of technology services for local firms:
2:1 up to HK$400,000 per enterprise (with a 25% initial payment) from
1 Dec 2019, then 3:1 up to HK$600,000 and six projects from 1 Apr 2020.
Related entities counted as one until 14 Aug 2020. It stopped taking new
applications after 31 Dec 2024 [C]. Rules apply as at the date received.
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

REGISTRATIONS = ("cap310", "cap622", "statutory_body", "other")
"""The ``registration`` choices; their position is the column's code (-1: not given)."""

_T = ReasonTemplate
CONDITIONS: dict[str, tuple[ReasonTemplate, ReasonTemplate]] = {
    code: (
        _T(f"{code}_unknown", f"Not yet shown: {en}.", f"尚待證明：{zh}。"),
        _T(f"not_{code}", f"Not met: {en}.", f"不符合：{zh}。"),
    )
    for code, en, zh in (
        ("registration",
         "registered under Cap. 310, incorporated under Cap. 622, or a statutory body",
         "按第 310 章登記、按第 622 章成立，或屬法定機構"),
        ("non_listed", "a non-listed enterprise", "非上市企業"),
        ("not_subvented", "not a government-subvented organisation", "並非政府資助機構"),
        ("substantive_business", "substantive business in Hong Kong related to the project",
         "在香港有與項目相關的實質業務"),
        ("duration", "a project completed within {longest} months",
         "項目於 {longest} 個月內完成"),
    )
}  # fmt: skip
"""Each yes/no condition, in the order checked: (reason if not given, reason if not met)."""
TOO_MANY = _T(
    "too_many_projects",
    "The enterprise already has {counted} funded projects; at most {most} are allowed.",
    "企業已有 {counted} 個獲資助項目；上限為 {most} 個。",
)
MATCHING = _T(
    "matching",
    "{ratio} of the eligible cost {cost} is {matched}.",
    "合資格成本 {cost} 的 {ratio} 為 {matched}。",
)
CUMULATIVE = _T(
    "cumulative_ceiling",
    "Earlier approvals of {whose_en} total {used} against the cumulative ceiling of {ceiling}: "
    "the grant is cut to {room}.",
    "{whose_zh}過往獲批款額合共 {used}，累計上限為 {ceiling}：資助額減至 {room}。",
)
WHOSE = {
    True: {"whose_en": "the enterprise and its related entities", "whose_zh": "企業及其有關連實體"},
    False: {"whose_en": "the enterprise", "whose_zh": "企業"},
}
"""Whose earlier approvals count, by ``related_entities_aggregated``."""
NOTHING = _T("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
INITIAL_PAYMENT = _T(
    "initial_payment",
    "Up to {initial} of the grant ({initial_amount}) may be paid at the start.",
    "資助額最多 {initial}（{initial_amount}）可作首期款項發放。",
)
GRANT = _T("grant", "Grant: {grant}.", "資助額：{grant}。")


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
    vectorised = "reind.schemes.columnar.tvp"
    column_parameters = frozenset(
        ("eligible_registration", "max_duration", "related_entities_aggregated", "max_projects",
         "matching_share", "cumulative_ceiling", "initial_payment_share")
    )  # fmt: skip

    def governing_date(self, case: TVPInputs) -> date:
        """Changes apply to applications received on or after their date."""
        return case.received

    def evaluate(self, case: TVPInputs, ev: Evaluation) -> Verdict:
        """min(share x eligible cost, room under the enterprise's cumulative ceiling)."""
        allowed = ev.codes("eligible_registration")
        registered = None if case.registration is None else case.registration in allowed
        longest = ev.count("max_duration")
        facts = (
            ("registration", registered),
            ("non_listed", _negated(case.listed)),
            ("not_subvented", _negated(case.subvented)),
            ("substantive_business", case.substantive_business_in_hk),
            ("duration", None if case.duration_months is None else case.duration_months <= longest),
        )
        outcome = Outcome.ELIGIBLE
        for code, fact in facts:
            unknown, unmet = CONDITIONS[code]
            if fact is None:
                outcome = Outcome.TENTATIVE
                ev.explain(*_said(unknown), longest=longest)
            elif not fact:
                ev.explain(*_said(unmet), longest=longest)
                return Verdict(Outcome.INELIGIBLE, Money.zero())

        aggregated = ev.flag("related_entities_aggregated")
        prior = earlier_approvals(ev, case.prior_approvals, case.received)
        counted = [p for p in prior if aggregated or not p.related_entity]
        most = ev.optional("max_projects")
        if isinstance(most, int) and len(counted) >= most:
            ev.explain(*_said(TOO_MANY), counted=len(counted), most=most)
            return Verdict(Outcome.INELIGIBLE, Money.zero())

        cost = max(money(case.total_cost) - money(case.ineligible_costs), Money.zero())
        ratio = ev.ratio("matching_share")
        matched = share(cost, ratio)
        ev.explain(*_said(MATCHING), ratio=fmt_ratio(ratio), cost=cost, matched=matched)
        ceiling = ev.money("cumulative_ceiling")
        used = sum((money(p.amount) for p in counted), Money.zero())
        room = max(ceiling - used, Money.zero())
        grant = matched
        if grant > room:
            ev.explain(*_said(CUMULATIVE), WHOSE[aggregated], used=used, ceiling=ceiling, room=room)
            grant = room
        if grant.cents == 0:
            ev.reason(*_said(NOTHING))
            return Verdict(Outcome.INELIGIBLE, grant)
        initial = ev.optional("initial_payment_share")
        if isinstance(initial, Fraction):
            ev.explain(
                *_said(INITIAL_PAYMENT), initial=fmt_ratio(initial),
                initial_amount=share(grant, initial),
            )  # fmt: skip
        ev.explain(*_said(GRANT), grant=grant)
        return Verdict(outcome, grant)

    # ------------------------------------------------------ the same over columns

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        from reind.schemes.columnar.tvp import FORMULA

        return FORMULA.columns_of(cases)


def _negated(fact: bool | None) -> bool | None:
    return None if fact is None else not fact


def _said(template: ReasonTemplate) -> tuple[str, str, str]:
    return template.code, template.en, template.zh


SCHEME = TVP()
