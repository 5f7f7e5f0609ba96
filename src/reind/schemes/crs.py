"""R&D Cash Rebate Scheme (CRS) of the Innovation and Technology Fund.

Companies get back a share (40% now) of their own eligible spending on ITF
projects, or on Partnership projects with designated local public research
institutes. The rate before the earliest dated evidence is not encoded, so
such cases are tentative rather than guessed. Rules apply as at the date
received.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from pydantic import Field

from reind.core.money import Money
from reind.rules.branches import ReasonTemplate
from reind.rules.decision import Outcome
from reind.rules.engine import Evaluation, Scheme, Verdict
from reind.schemes.common import CaseInputs, HKDAmount, fmt_ratio, money, share

if TYPE_CHECKING:
    from numpy.typing import NDArray

_T = ReasonTemplate
TYPE_UNKNOWN = _T(
    "project_type_unknown",
    "Not yet shown: the project is one of {types_en}.",
    "尚待證明：項目屬於 {types_zh}。",
)
TYPE_NOT_COVERED = _T(
    "project_type",
    "Only spending on {types_en} earns a rebate.",
    "只有 {types_zh} 的開支可獲回贈。",
)
RATE_UNKNOWN = _T(
    "rate_unknown",
    "The rebate rate in force on {day} is not encoded; the amount is left for an officer.",
    "{day}適用的回贈比率未有編碼；款額須由職員釐定。",
)
REBATE = _T(
    "rebate",
    "{ratio} of the eligible spending {spending}: rebate {rebate}.",
    "合資格開支 {spending} 的 {ratio}：回贈 {rebate}。",
)


def type_names(types: tuple[str, ...]) -> dict[str, str]:
    """The eligible project types as the reasons list them, in both languages."""
    return {"types_en": ", ".join(types), "types_zh": "、".join(types)}


class CRSInputs(CaseInputs):
    """One rebate application as the formula needs it."""

    received: date = Field(description="Date the rebate application was received.")
    project_type: str | None = Field(
        default=None, description="itf_project or partnership_with_designated_institute."
    )
    eligible_spending: HKDAmount = Field(description="The company's own spending on the project.")
    ineligible_costs: HKDAmount = Field(default=Decimal(0))


class CRS(Scheme[CRSInputs]):
    """The CRS formula."""

    code = "crs"
    label = "CRS"
    applicant = "itf_project_holder"
    title_en = "Research and Development Cash Rebate Scheme"
    title_zh = "研究及發展現金回贈計劃"
    catalogue_order = 76
    administrator_en = "Innovation and Technology Commission"
    administrator_zh = "創新科技署"
    summary_en = "A 40% cash rebate on companies' own spending in ITF and Partnership projects."
    summary_zh = "公司在創新及科技基金項目或合作項目的開支可獲 40% 現金回贈。"
    inputs = CRSInputs
    vectorised = "reind.schemes.columnar.crs"
    column_parameters = frozenset(("eligible_project_types", "rebate_share"))

    def governing_date(self, case: CRSInputs) -> date:
        """The date the rebate application was received."""
        return case.received

    def evaluate(self, case: CRSInputs, ev: Evaluation) -> Verdict:
        """rebate share x (spending - ineligible costs)."""
        types = ev.codes("eligible_project_types")
        outcome = Outcome.ELIGIBLE
        if case.project_type is None:
            outcome = Outcome.TENTATIVE
            ev.explain(*_said(TYPE_UNKNOWN), type_names(types))
        elif case.project_type not in types:
            ev.explain(*_said(TYPE_NOT_COVERED), type_names(types))
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        spending = max(money(case.eligible_spending) - money(case.ineligible_costs), Money.zero())
        ratio = ev.optional("rebate_share")
        if not isinstance(ratio, Fraction):
            ev.explain(*_said(RATE_UNKNOWN), day=ev.as_at.isoformat())
            return Verdict(Outcome.TENTATIVE, Money.zero())
        rebate = share(spending, ratio)
        ev.explain(*_said(REBATE), ratio=fmt_ratio(ratio), spending=spending, rebate=rebate)
        return Verdict(outcome, rebate)

    # ------------------------------------------------------ the same over columns

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw rebate applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        from reind.schemes.columnar.crs import FORMULA

        return FORMULA.columns_of(cases)


def _said(template: ReasonTemplate) -> tuple[str, str, str]:
    return template.code, template.en, template.zh


SCHEME = CRS()
