"""Public Sector Trial Scheme (PSTS) of the Innovation and Technology Fund.

Pays for prototypes, samples and trials in the public sector. PSTS-ITF
builds on a completed ITF R&D project and funds at most half of that
project's actual cost (all of it when an R&D Centre leads, from 2014);
PSTS-SPC (from Dec 2016) serves HKSTP and Cyberport incubatees and
graduates and pays no overheads. Trials last at most 24 months. Rules apply
as at the date received.

The rule is written once, here, per case; ``reind.schemes.columnar.psts``
runs it over columns for bulk runs and what-ifs through the same reason
templates, and a property test holds both to the same decisions.
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
    CostLine,
    HKDAmount,
    fmt_ratio,
    money,
    share,
    unfunded_lines,
    within_limit,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

_T = ReasonTemplate
STREAM_NOT_OFFERED = _T(
    "stream_not_offered",
    "The {stream} stream was not open on {day}.",
    "{stream} 類別於{day}尚未開放。",
)
CONDITIONS: dict[str, tuple[ReasonTemplate, ReasonTemplate]] = {
    code: (
        _T(f"{code}_unknown", f"Not yet shown: {en}.", f"尚待證明：{zh}。"),
        _T(f"not_{code}", f"Not met: {en}.", f"不符合：{zh}。"),
    )
    for code, en, zh in (
        ("duration", "a trial of at most {longest} months", "試用項目為期不超過 {longest} 個月"),
        ("original_completed", "building on a completed ITF R&D project",
         "以已完成的創新及科技基金研發項目為基礎"),
        ("spc_applicant", "an HKSTP or Cyberport incubatee or graduate ({allowed_en})",
         "香港科技園或數碼港的培育公司或畢業公司（{allowed_zh}）"),
    )
}  # fmt: skip
"""Each yes/no condition by code: (reason if not given, reason if not met)."""
SPC_CEILING = _T(
    "spc_ceiling_not_encoded",
    "PSTS-SPC's funding ceiling is not encoded: the eligible trial cost {cost} is "
    "shown for ITC to assess.",
    "「公營機構試用計劃」科技園／數碼港類別的資助上限未有編碼：合資格試用成本 {cost} "
    "有待創新科技署評審。",
)
ORIGINAL_COST_UNKNOWN = _T(
    "original_cost_unknown",
    "Not yet shown: the original project's actual cost, which caps the funding.",
    "尚待提供：原有項目的實際開支（用以計算資助上限）。",
)
RD_CENTRE_UNKNOWN = _T(
    "rd_centre_unknown",
    "Not yet shown whether an R&D Centre leads the project (which raises the cap).",
    "尚待證明項目是否由研發中心主導（如是，資助上限較高）。",
)
ORIGINAL_COST_CAP = _T(
    "original_cost_cap",
    "Funding is capped at {ratio} of the original project's actual cost {original}, i.e. {cap}",
    "資助上限為原有項目實際開支 {original} 的 {ratio}，即 {cap}",
)
"""The limit on an ITF trial (``within_limit`` appends what it leaves: ``cut_template``)."""
NOTHING = _T("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
GRANT = _T("grant", "Grant: {grant}.", "資助額：{grant}。")


class PSTSInputs(CaseInputs):
    """One PSTS application as the formula needs it."""

    received: date = Field(description="Date the application was received.")
    stream: Literal["itf", "spc"] = "itf"
    trial_cost: HKDAmount = Field(description="Cost of the trial project, HK$.")
    ineligible_costs: HKDAmount = Field(default=Decimal(0))
    cost_lines: list[CostLine] = Field(default_factory=list)
    original_project_actual_cost: HKDAmount | None = Field(
        default=None, description="Actual cost of the completed ITF project the trial builds on."
    )
    original_project_completed: bool | None = None
    led_by_rd_centre: bool | None = None
    applicant_status: str | None = Field(
        default=None, description="PSTS-SPC: e.g. hkstp_incubatee, cyberport_graduate."
    )
    duration_months: int | None = Field(default=None, ge=1)


class PSTS(Scheme[PSTSInputs]):
    """The PSTS formula."""

    code = "psts"
    label = "PSTS"
    applicant = "itf_project_holder"
    title_en = "Public Sector Trial Scheme (Innovation and Technology Fund)"
    title_zh = "公營機構試用計劃（創新及科技基金）"
    catalogue_order = 77
    administrator_en = "Innovation and Technology Commission"
    administrator_zh = "創新科技署"
    summary_en = "Funds trials of R&D results in the public sector."
    summary_zh = "資助在公營機構試用研發成果。"
    inputs = PSTSInputs
    vectorised = "reind.schemes.columnar.psts"
    column_parameters = frozenset(
        ("streams", "max_duration", "spc_eligible_applicants", "spc_ineligible_cost_categories",
         "original_cost_share", "rd_centre_original_cost_share")
    )  # fmt: skip

    def governing_date(self, case: PSTSInputs) -> date:
        """Changes apply to applications received on or after their date."""
        return case.received

    def evaluate(self, case: PSTSInputs, ev: Evaluation) -> Verdict:
        """Trial cost, capped at a share of the original project's actual cost."""
        streams = ev.codes("streams")
        if case.stream not in streams:
            ev.explain(*_said(STREAM_NOT_OFFERED), stream=case.stream, day=ev.as_at.isoformat())
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        longest = ev.count("max_duration")
        blanks: dict[str, object] = {"longest": longest}
        facts: list[tuple[str, bool | None]] = [
            ("duration", None if case.duration_months is None else case.duration_months <= longest)
        ]
        barred: tuple[str, ...] = ()
        if case.stream == "itf":
            facts.append(("original_completed", case.original_project_completed))
        else:
            allowed = ev.codes("spc_eligible_applicants")
            blanks.update(applicant_blanks(allowed))
            status = case.applicant_status
            facts.append(("spc_applicant", None if status is None else status in allowed))
            barred = ev.codes("spc_ineligible_cost_categories")
        outcome = Outcome.ELIGIBLE
        for code, fact in facts:
            unknown, unmet = CONDITIONS[code]
            if fact is None:
                outcome = Outcome.TENTATIVE
                ev.explain(*_said(unknown), blanks)
            elif not fact:
                ev.explain(*_said(unmet), blanks)
                return Verdict(Outcome.INELIGIBLE, Money.zero())

        cost = money(case.trial_cost) - money(case.ineligible_costs)
        cost = max(cost - unfunded_lines(ev, case.cost_lines, None, barred), Money.zero())
        if case.stream == "spc":
            ev.explain(*_said(SPC_CEILING), cost=cost)
            return Verdict(Outcome.TENTATIVE, cost)
        return self._itf_grant(case, ev, cost, outcome)

    def _itf_grant(
        self, case: PSTSInputs, ev: Evaluation, cost: Money, outcome: Outcome
    ) -> Verdict:
        """PSTS-ITF: the trial cost up to a share of the original project's actual cost."""
        if case.original_project_actual_cost is None:
            ev.reason(*_said(ORIGINAL_COST_UNKNOWN))
            return Verdict(Outcome.TENTATIVE, Money.zero())
        ratio = ev.ratio("original_cost_share")
        rd_ratio = ev.optional("rd_centre_original_cost_share")
        if case.led_by_rd_centre and isinstance(rd_ratio, Fraction):
            ratio = rd_ratio
        elif case.led_by_rd_centre is None and isinstance(rd_ratio, Fraction):
            outcome = Outcome.TENTATIVE
            ev.reason(*_said(RD_CENTRE_UNKNOWN))
        original = money(case.original_project_actual_cost)
        cap = share(original, ratio)
        grant = within_limit(
            ev, cost, cap, ORIGINAL_COST_CAP.code, ORIGINAL_COST_CAP.en, ORIGINAL_COST_CAP.zh,
            ratio=fmt_ratio(ratio), original=original, cap=cap,
        )  # fmt: skip
        if grant.cents == 0:
            ev.reason(*_said(NOTHING))
            return Verdict(Outcome.INELIGIBLE, grant)
        ev.explain(*_said(GRANT), grant=grant)
        return Verdict(outcome, grant)

    # ------------------------------------------------------ the same over columns

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        from reind.schemes.columnar.psts import FORMULA

        return FORMULA.columns_of(cases)


def applicant_blanks(allowed: tuple[str, ...]) -> dict[str, object]:
    """The PSTS-SPC applicants as the condition on them lists them, in each language."""
    return {"allowed_en": ", ".join(allowed), "allowed_zh": "、".join(allowed)}


def _said(template: ReasonTemplate) -> tuple[str, str, str]:
    return template.code, template.en, template.zh


SCHEME = PSTS()
