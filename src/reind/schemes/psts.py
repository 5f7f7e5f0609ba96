"""Public Sector Trial Scheme (PSTS) of the Innovation and Technology Fund.

Pays for prototypes, samples and trials in the public sector. PSTS-ITF
builds on a completed ITF R&D project and funds at most half of that
project's actual cost (all of it when an R&D Centre leads, from 2014);
PSTS-SPC (from Dec 2016) serves HKSTP and Cyberport incubatees and
graduates and pays no overheads. Trials last at most 24 months. Rules apply
as at the date received.
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
    Condition,
    CostLine,
    HKDAmount,
    check_conditions,
    fmt_ratio,
    money,
    share,
    unfunded_lines,
    within_limit,
)


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

    def governing_date(self, case: PSTSInputs) -> date:
        """Changes apply to applications received on or after their date."""
        return case.received

    def evaluate(self, case: PSTSInputs, ev: Evaluation) -> Verdict:
        """Trial cost, capped at a share of the original project's actual cost."""
        streams = ev.codes("streams")
        if case.stream not in streams:
            ev.reason(
                "stream_not_offered",
                f"The {case.stream} stream was not open on {ev.as_at.isoformat()}.",
                f"{case.stream} 類別於{ev.as_at.isoformat()}尚未開放。",
            )
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        longest = ev.count("max_duration")
        conditions: list[Condition] = [
            (
                None if case.duration_months is None else case.duration_months <= longest,
                "duration",
                f"a trial of at most {longest} months",
                f"試用項目為期不超過 {longest} 個月",
            )
        ]
        barred: tuple[str, ...] = ()
        if case.stream == "itf":
            conditions.append(
                (
                    case.original_project_completed,
                    "original_completed",
                    "building on a completed ITF R&D project",
                    "以已完成的創新及科技基金研發項目為基礎",
                )
            )
        else:
            allowed = ev.codes("spc_eligible_applicants")
            status = case.applicant_status
            conditions.append(
                (
                    None if status is None else status in allowed,
                    "spc_applicant",
                    f"an HKSTP or Cyberport incubatee or graduate ({', '.join(allowed)})",
                    f"香港科技園或數碼港的培育公司或畢業公司（{'、'.join(allowed)}）",
                )
            )
            barred = ev.codes("spc_ineligible_cost_categories")
        checked = check_conditions(ev, conditions)
        if checked is Outcome.INELIGIBLE:
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        outcome = checked or Outcome.ELIGIBLE

        cost = money(case.trial_cost) - money(case.ineligible_costs)
        cost = max(cost - unfunded_lines(ev, case.cost_lines, None, barred), Money.zero())
        if case.stream == "spc":
            ev.reason(
                "spc_ceiling_not_encoded",
                f"PSTS-SPC's funding ceiling is not encoded: the eligible trial cost {cost} is "
                "shown for ITC to assess.",
                f"「公營機構試用計劃」科技園／數碼港類別的資助上限未有編碼：合資格試用成本 {cost} "
                "有待創新科技署評審。",
            )
            return Verdict(Outcome.TENTATIVE, cost)
        return self._itf_grant(case, ev, cost, outcome)

    def _itf_grant(
        self, case: PSTSInputs, ev: Evaluation, cost: Money, outcome: Outcome
    ) -> Verdict:
        """PSTS-ITF: the trial cost up to a share of the original project's actual cost."""
        if case.original_project_actual_cost is None:
            ev.reason(
                "original_cost_unknown",
                "Not yet shown: the original project's actual cost, which caps the funding.",
                "尚待提供：原有項目的實際開支（用以計算資助上限）。",
            )
            return Verdict(Outcome.TENTATIVE, Money.zero())
        ratio = ev.ratio("original_cost_share")
        rd_ratio = ev.optional("rd_centre_original_cost_share")
        if case.led_by_rd_centre and isinstance(rd_ratio, Fraction):
            ratio = rd_ratio
        elif case.led_by_rd_centre is None and isinstance(rd_ratio, Fraction):
            outcome = Outcome.TENTATIVE
            ev.reason(
                "rd_centre_unknown",
                "Not yet shown whether an R&D Centre leads the project (which raises the cap).",
                "尚待證明項目是否由研發中心主導（如是，資助上限較高）。",
            )
        original = money(case.original_project_actual_cost)
        cap = share(original, ratio)
        grant = within_limit(
            ev,
            cost,
            cap,
            "original_cost_cap",
            f"Funding is capped at {fmt_ratio(ratio)} of the original project's actual cost "
            f"{original}, i.e. {cap}",
            f"資助上限為原有項目實際開支 {original} 的 {fmt_ratio(ratio)}，即 {cap}",
        )
        if grant.cents == 0:
            ev.reason("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
            return Verdict(Outcome.INELIGIBLE, grant)
        ev.reason("grant", f"Grant: {grant}.", f"資助額：{grant}。")
        return Verdict(outcome, grant)


SCHEME = PSTS()
