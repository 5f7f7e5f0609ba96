"""SME Export Marketing Fund (EMF).

Reimburses part of an enterprise's export promotion (trade exhibitions,
business missions, advertising, a website): min(share x approved
expenditure, HK$100,000) per application, within a cumulative ceiling per
enterprise that counts connected enterprises together, and with websites
and apps held to half of that ceiling. Special measures (30 Apr 2021 to
30 Jun 2026) opened local and online exhibitions and non-listed non-SMEs;
from 14 Mar 2025 the share fell to 25%. It is consolidated into the BUD
Fund on 1 Jul 2026. Rules apply as at the date received.

The rule is written once, here, per case; ``reind.schemes.columnar.emf``
runs it over columns for bulk runs and what-ifs, speaking through the same
reason templates (``WORDING``) and conditions (``CONDITIONS``), and a
property test holds both to the same decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

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


class EMFPriorApproval(PriorApproval):
    """An earlier EMF approval of the enterprise or of a connected enterprise."""

    activity: str = Field(default="", description="Activity code of that application.")
    connected_enterprise: bool = Field(
        default=False, description="Approved to a connected enterprise (counted together)."
    )


ACTIVITY_WORDS: dict[str, str] = {
    "exhibition_outside_hk": "Exhibitions outside Hong Kong",
    "exhibition_in_hk_for_outside_markets": (
        "Exhibitions in Hong Kong for markets outside Hong Kong"
    ),
    "business_mission": "Business missions",
    "online_business_mission": "Online business missions",
    "trade_publication_advertisement": "Advertisements in trade publications",
    "eplatform_promotion": "Promotion on e-commerce platforms",
    "exhibition_in_hk_local_market": "Large exhibitions in Hong Kong for the local market",
    "online_exhibition": "Online exhibitions",
    "corporate_website_or_app": "A company website or mobile app",
}
"""Each EMF activity code in words (English; the web catalogue holds the Chinese), for
the pages' labels and the demo's application titles alike."""


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


_T = ReasonTemplate
NOT_COVERED = _T(
    "activity_not_covered",
    "The Fund did not cover the activity {activity} on {day}.",
    "基金於{day}並不資助 {activity} 活動。",
)
LATE = _T(
    "late",
    "Applications must be made within {deadline} days after the activity ends.",
    "須於活動結束後 {deadline} 日內提出申請。",
)
MATCHING = _T(
    "matching",
    "{ratio} of the approved expenditure {cost} is {matched}.",
    "核准開支 {cost} 的 {ratio} 為 {matched}。",
)
APPLICATION_CAP = _T(
    "application_cap",
    "Each application is capped at {cap}: the grant is cut to {cap}.",
    "每宗申請的資助上限為 {cap}：資助額減至 {cap}。",
)
CUMULATIVE = _T(
    "cumulative_ceiling",
    "Earlier approvals of the enterprise and connected enterprises total {used} against the "
    "cumulative ceiling of {ceiling}: the grant is cut to {room}.",
    "企業及其有關連企業過往獲批款額合共 {used}，累計上限為 {ceiling}：資助額減至 {room}。",
)
WEBSITE = _T(
    "website_cap",
    "Websites and apps may have at most {web_share} of the cumulative ceiling ({web_cap}); "
    "earlier website approvals total {web_used}: the grant is cut to {web_room}.",
    "網站及應用程式最多可獲累計上限的 {web_share}（{web_cap}）；過往網站獲批款額合共 "
    "{web_used}：資助額減至 {web_room}。",
)
NOTHING = _T("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
INITIAL_PAYMENT = _T(
    "initial_payment",
    "An initial payment may be taken before the activity is completed.",
    "可於活動完成前申領首期款項。",
)
GRANT = _T("grant", "Grant: {grant}.", "資助額：{grant}。")

CONDITIONS: dict[str, tuple[ReasonTemplate, ReasonTemplate]] = {
    code: (
        _T(f"{code}_unknown", f"Not yet shown: {en}.", f"尚待證明：{zh}。"),
        _T(f"not_{code}", f"Not met: {en}.", f"不符合：{zh}。"),
    )
    for code, en, zh in (
        ("non_listed", "a non-listed enterprise (non-SMEs may apply under the special measures)",
         "非上市企業（特別措施下非中小企業亦可申請）"),
        ("sme", "an SME (manufacturing: fewer than {manufacturing} employees in Hong Kong; "
         "others: fewer than {other})",
         "中小企業（製造業：在港僱員少於 {manufacturing} 人；非製造業：少於 {other} 人）"),
        ("business_registration",
         "registered under the Business Registration Ordinance (Cap. 310)",
         "按《商業登記條例》（第 310 章）登記"),
        ("substantive_operations", "substantive business operations in Hong Kong",
         "在香港有實質業務運作"),
        ("not_organiser", "not the activity's {roles}, nor related to one",
         "並非活動的 {roles}，亦與其無關連"),
    )
}  # fmt: skip
"""Each yes/no condition by code: (reason if not given, reason if not met), with blanks."""
FACTS = ("business_registration", "substantive_operations", "not_organiser")
"""The conditions after the size test, in the order checked."""


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
    vectorised = "reind.schemes.columnar.emf"
    column_parameters = frozenset(
        ("eligible_activities", "application_deadline", "excluded_roles",
         "manufacturing_employee_limit", "non_manufacturing_employee_limit", "non_sme_eligible",
         "matching_share", "application_cap", "cumulative_ceiling", "website_activities",
         "website_share_of_ceiling", "initial_payment_available")
    )  # fmt: skip

    def governing_date(self, case: EMFInputs) -> date:
        """Changes apply to applications received on or after their date."""
        return case.received

    def evaluate(self, case: EMFInputs, ev: Evaluation) -> Verdict:
        """min(share x expenditure, per-application cap, cumulative and website room)."""
        if case.activity not in ev.codes("eligible_activities"):
            ev.explain(*_said(NOT_COVERED), activity=case.activity, day=ev.as_at.isoformat())
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        deadline = ev.count("application_deadline")
        if case.activity_ended is not None and case.received > case.activity_ended + timedelta(
            days=deadline
        ):
            ev.explain(*_said(LATE), deadline=deadline)
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        blanks: dict[str, object] = {"roles": "/".join(ev.codes("excluded_roles"))}
        facts = [
            *self._size_condition(case, ev, blanks),
            ("business_registration", case.business_registration),
            ("substantive_operations", case.substantive_operations_in_hk),
            (
                "not_organiser",
                None if case.organiser_related is None else not case.organiser_related,
            ),
        ]
        outcome = Outcome.ELIGIBLE
        for code, fact in facts:
            unknown, unmet = CONDITIONS[code]
            if fact is None:
                outcome = Outcome.TENTATIVE
                ev.explain(*_said(unknown), blanks)
            elif not fact:
                ev.explain(*_said(unmet), blanks)
                return Verdict(Outcome.INELIGIBLE, Money.zero())

        cost = max(money(case.approved_expenditure) - money(case.ineligible_costs), Money.zero())
        ratio = ev.ratio("matching_share")
        matched = share(cost, ratio)
        ev.explain(*_said(MATCHING), ratio=fmt_ratio(ratio), cost=cost, matched=matched)
        cap = ev.money("application_cap")
        grant = matched
        if grant > cap:
            ev.explain(*_said(APPLICATION_CAP), cap=cap)
            grant = cap
        grant = self._cumulative(case, ev, grant)
        if grant.cents == 0:
            ev.reason(*_said(NOTHING))
            return Verdict(Outcome.INELIGIBLE, grant)
        if ev.flag("initial_payment_available"):
            ev.reason(*_said(INITIAL_PAYMENT))
        ev.explain(*_said(GRANT), grant=grant)
        return Verdict(outcome, grant)

    def _size_condition(
        self, case: EMFInputs, ev: Evaluation, blanks: dict[str, object]
    ) -> list[tuple[str, bool | None]]:
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
            return [("non_listed", _negated(case.listed))]
        blanks["manufacturing"] = ev.count("manufacturing_employee_limit")
        blanks["other"] = ev.count("non_manufacturing_employee_limit")
        return [("sme", is_sme)]

    def _cumulative(self, case: EMFInputs, ev: Evaluation, grant: Money) -> Money:
        """Cut the grant to the room left under the cumulative ceiling and website sub-cap."""
        ceiling = ev.money("cumulative_ceiling")
        prior = earlier_approvals(ev, case.prior_approvals, case.received)
        used = sum((money(p.amount) for p in prior), Money.zero())
        room = max(ceiling - used, Money.zero())
        if grant > room:
            ev.explain(*_said(CUMULATIVE), used=used, ceiling=ceiling, room=room)
            grant = room
        website = ev.codes("website_activities")
        if case.activity in website:
            web_share = ev.ratio("website_share_of_ceiling")
            web_cap = share(ceiling, web_share)
            web_used = sum((money(p.amount) for p in prior if p.activity in website), Money.zero())
            web_room = max(web_cap - web_used, Money.zero())
            if grant > web_room:
                ev.explain(
                    *_said(WEBSITE), web_share=fmt_ratio(web_share), web_cap=web_cap,
                    web_used=web_used, web_room=web_room,
                )  # fmt: skip
                grant = web_room
        return grant

    # ------------------------------------------------------ the same over columns

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        from reind.schemes.columnar.emf import FORMULA

        return FORMULA.columns_of(cases)


def _negated(fact: bool | None) -> bool | None:
    return None if fact is None else not fact


def _said(template: ReasonTemplate) -> tuple[str, str, str]:
    return template.code, template.en, template.zh


SCHEME = EMF()
