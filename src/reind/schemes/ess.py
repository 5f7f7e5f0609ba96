"""Enterprise Support Scheme (ESS) of the Innovation and Technology Fund.

Funds in-house R&D by private companies 1:1, up to HK$10M a project over at
most 24 months; the company keeps the IP and repays nothing. Small firms
(fewer than 100 employees) asking for no more than HK$2.8M go through an
SME designated track. Rules apply as at the date received.
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
from reind.schemes.common import CaseInputs, HKDAmount, fmt_ratio, money, share

if TYPE_CHECKING:
    from numpy.typing import NDArray

INCORPORATION = ("cap622", "cap310", "other")
"""The ``incorporated_under`` choices; their position is the column's code (-1: not given)."""

_T = ReasonTemplate
CONDITIONS: dict[str, tuple[ReasonTemplate, ReasonTemplate]] = {
    code: (
        _T(f"{code}_unknown", f"Not yet shown: {en}.", f"尚待證明：{zh}。"),
        _T(f"not_{code}", f"Not met: {en}.", f"不符合：{zh}。"),
    )
    for code, en, zh in (
        ("cap622", "incorporated under the Companies Ordinance (Cap. 622)",
         "按《公司條例》（第 622 章）成立"),
        ("business_registration", "holding a BR", "持有商業登記"),
        ("not_subvented", "not a government-subvented organisation or its subsidiary",
         "並非政府資助機構或其附屬機構"),
        ("duration", "a project of at most {longest} months", "項目為期不超過 {longest} 個月"),
        ("sme_track_size", "fewer than {limit} employees for the SME designated track",
         "中小企業專屬類別須少於 {limit} 名僱員"),
    )
}  # fmt: skip
"""Each yes/no condition, in the order checked: (reason if not given, reason if not met)."""
MATCHING = _T(
    "matching",
    "{ratio} of the eligible cost {cost} is {matched}.",
    "合資格成本 {cost} 的 {ratio} 為 {matched}。",
)
PROJECT_CAP = _T(
    "project_cap",
    "Each project is capped at {cap}: the grant is cut to {cap}.",
    "每個項目的資助上限為 {cap}：資助額減至 {cap}。",
)
TRACK_CAP = _T(
    "sme_track_cap",
    "The SME designated track asks for at most {track_cap}: the grant is cut to {track_cap}.",
    "中小企業專屬類別的申請資助額上限為 {track_cap}：資助額減至 {track_cap}。",
)
NOTHING = _T("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
GRANT = _T("grant", "Grant: {grant}.", "資助額：{grant}。")


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
    vectorised = "reind.schemes.columnar.ess"
    column_parameters = frozenset(
        ("eligible_incorporation", "max_duration", "sme_track_employee_limit", "matching_share",
         "project_cap", "sme_track_cap")
    )  # fmt: skip

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
        blanks: dict[str, object] = {"longest": longest}
        facts = [
            ("cap622", incorporated),
            ("business_registration", case.business_registration),
            ("not_subvented", _negated(case.government_subvented)),
            ("duration", _within(case.duration_months, longest)),
        ]
        if case.sme_track:
            blanks["limit"] = limit = ev.count("sme_track_employee_limit")
            facts.append(("sme_track_size", _below(case.employees, limit)))
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
        ratio = ev.ratio("matching_share")
        matched = share(cost, ratio)
        ev.explain(*_said(MATCHING), ratio=fmt_ratio(ratio), cost=cost, matched=matched)
        cap = ev.money("project_cap")
        grant = matched
        if grant > cap:
            ev.explain(*_said(PROJECT_CAP), cap=cap)
            grant = cap
        if case.sme_track:
            track_cap = ev.money("sme_track_cap")
            if grant > track_cap:
                ev.explain(*_said(TRACK_CAP), track_cap=track_cap)
                grant = track_cap
        if grant.cents == 0:
            ev.reason(*_said(NOTHING))
            return Verdict(Outcome.INELIGIBLE, grant)
        ev.explain(*_said(GRANT), grant=grant)
        return Verdict(outcome, grant)

    # ------------------------------------------------------ the same over columns

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        from reind.schemes.columnar.ess import FORMULA

        return FORMULA.columns_of(cases)


def _negated(fact: bool | None) -> bool | None:
    return None if fact is None else not fact


def _within(months: int | None, longest: int) -> bool | None:
    return None if months is None else months <= longest


def _below(employees: int | None, limit: int) -> bool | None:
    return None if employees is None else employees < limit


def _said(template: ReasonTemplate) -> tuple[str, str, str]:
    return template.code, template.en, template.zh


SCHEME = ESS()
