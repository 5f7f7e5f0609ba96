"""Research Talent Hub (RTH) of the Innovation and Technology Fund.

Pays the monthly allowance of up to four research talents per project, each
for up to 36 months, within a ceiling that depends on the talent's degree
(raised over time; PhDs later also get a living allowance). Non-local STEM
degrees from top-100 institutions count from Mar 2021. RTH-NIAS (Sep 2024)
lets a project take up to 36 more talents at 1:1 matching. Rules apply as
at the date received.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from reind.core.money import Money
from reind.rules.decision import Outcome
from reind.rules.engine import Evaluation, Scheme, Verdict
from reind.schemes.common import CaseInputs, HKDAmount, check_conditions, fmt_ratio, share

Degree = Literal["bachelor", "master", "phd"]


class Talent(CaseInputs):
    """One research talent the project asks to engage."""

    degree: Degree
    months: int = Field(ge=1, description="Months the talent is to be funded.")
    monthly_pay: HKDAmount = Field(description="Monthly pay the host offers, HK$.")
    non_local_degree: bool = False
    top100_institution: bool | None = Field(
        default=None, description="Degree from a QS/ARWU/THE top-100 institution."
    )


class RTHInputs(CaseInputs):
    """One RTH application as the formula needs it."""

    received: date = Field(description="Date the application was received.")
    programme: Literal["itf", "nias"] = "itf"
    talents: list[Talent] = Field(min_length=1)
    talents_already_engaged: int = Field(default=0, ge=0)
    host_scheme: str | None = Field(default=None, description="Scheme of the host project.")
    host_project_months: int | None = Field(default=None, ge=1)


class RTH(Scheme[RTHInputs]):
    """The RTH formula: capped monthly allowances for the talents asked for."""

    code = "rth"
    label = "RTH"
    applicant = "itf_project_holder"
    title_en = "Research Talent Hub (Innovation and Technology Fund)"
    title_zh = "研究人才庫（創新及科技基金）"
    catalogue_order = 78
    administrator_en = "Innovation and Technology Commission"
    administrator_zh = "創新科技署"
    summary_en = "Monthly allowances for research talents engaged on funded projects."
    summary_zh = "資助獲資助項目聘用研究人才的每月津貼。"
    inputs = RTHInputs

    def governing_date(self, case: RTHInputs) -> date:
        """Changes apply to applications received on or after their date."""
        return case.received

    def evaluate(self, case: RTHInputs, ev: Evaluation) -> Verdict:
        """Sum over talents of min(pay, degree ceiling) (+ living allowance) x months."""
        day = ev.as_at.isoformat()
        extra = 0
        if case.programme == "nias":
            found = ev.optional("nias_extra_talents")
            if not isinstance(found, int):
                ev.reason(
                    "nias_not_offered",
                    f"RTH-NIAS was not offered on {day}.",
                    f"「研究人才庫」（新型工業化加速計劃）於{day}並未推出。",
                )
                return Verdict(Outcome.INELIGIBLE, Money.zero())
            extra = found
        standard = ev.count("max_talents")
        total = case.talents_already_engaged + len(case.talents)
        if total > standard + extra:
            ev.reason(
                "too_many_talents",
                f"A project may engage at most {standard + extra} talents at a time; "
                f"{total} were asked for.",
                f"每個項目同時最多可聘用 {standard + extra} 名研究人才；申請數目為 {total} 名。",
            )
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        outcome = self._screen(case, ev)
        if outcome is Outcome.INELIGIBLE:
            return Verdict(Outcome.INELIGIBLE, Money.zero())

        longest = ev.count("max_months_per_talent")
        living = ev.optional("living_allowance_phd")
        slots = max(standard - case.talents_already_engaged, 0)
        grant = Money.zero()
        for number, talent in enumerate(case.talents, start=1):
            ceiling = ev.money(f"allowance_{talent.degree}")
            monthly = min(Money.of(talent.monthly_pay), ceiling)
            if talent.degree == "phd" and isinstance(living, Money):
                monthly = monthly + living
            months = min(talent.months, longest)
            if months < talent.months:
                ev.reason(
                    "months_capped",
                    f"Talent {number}: funded for at most {longest} months.",
                    f"第 {number} 名人才：最多資助 {longest} 個月。",
                )
            amount = Money(monthly.cents * months)
            if number > slots:
                ratio = ev.ratio("nias_extra_matching_share")
                amount = share(amount, ratio)
                ev.reason(
                    "extra_talent",
                    f"Talent {number} is beyond the standard {standard}: "
                    f"{fmt_ratio(ratio)} funded (1:1 matching), {amount}.",
                    f"第 {number} 名人才超出一般名額 {standard} 名：資助 {fmt_ratio(ratio)}"
                    f"（1:1 配對），即 {amount}。",
                )
            else:
                ev.reason(
                    "talent",
                    f"Talent {number} ({talent.degree}): {monthly} a month (ceiling {ceiling}) "
                    f"for {months} months, {amount}.",
                    f"第 {number} 名人才（{talent.degree}）：每月 {monthly}（上限 {ceiling}），"
                    f"共 {months} 個月，即 {amount}。",
                )
            grant = grant + amount
        if grant.cents == 0:
            ev.reason("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
            return Verdict(Outcome.INELIGIBLE, grant)
        ev.reason("grant", f"Grant: {grant}.", f"資助額：{grant}。")
        return Verdict(outcome, grant)

    def _screen(self, case: RTHInputs, ev: Evaluation) -> Outcome:
        """Host project length for ESS, and non-local degrees."""
        conditions = []
        if case.host_scheme == "ess":
            shortest = ev.count("ess_host_min_months")
            conditions.append(
                (
                    None
                    if case.host_project_months is None
                    else case.host_project_months >= shortest,
                    "ess_host_length",
                    f"an ESS host project of at least {shortest} months",
                    f"「企業支援計劃」項目為期最少 {shortest} 個月",
                )
            )
        if any(t.non_local_degree for t in case.talents):
            conditions.append(
                (
                    ev.flag("non_local_top100_eligible"),
                    "non_local_degrees",
                    "non-local degrees accepted on the date received",
                    "收件日期時接受非本地學位",
                )
            )
            for number, talent in enumerate(case.talents, start=1):
                if talent.non_local_degree:
                    conditions.append(
                        (
                            talent.top100_institution,
                            "top100",
                            f"talent {number}'s non-local degree from a QS/ARWU/THE top-100 "
                            "institution",
                            f"第 {number} 名人才的非本地學位來自 QS／ARWU／THE 排名前 100 院校",
                        )
                    )
        return check_conditions(ev, conditions) or Outcome.ELIGIBLE


SCHEME = RTH()
