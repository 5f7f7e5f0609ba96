"""Re-industrialisation and Technology Training Programme (RTTP), later the New
Industrialisation and Technology Training Programme (NITTP).

The Government pays a share of the fee for a company's staff on advanced
technology courses: 2/3 (2:1) from August 2018, 1/2 (1:1) from 1 Aug 2025,
within a ceiling per company per Government financial year that is tested
when the application is approved. So a case has two governing dates: the
rules of the application (its deadlines, the share, who qualifies) are
those in force when it was received; the ceiling, and the financial year
it is counted in, are those of the approval date (the received date until
there is one). The company's earlier grants approved in that financial year
(and not after the approval) are part of the case.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Literal

from pydantic import Field

from reind.core.money import Money
from reind.core.periods import FinancialYear
from reind.rules.decision import Outcome
from reind.rules.engine import Evaluation, Scheme, Verdict
from reind.schemes.common import (
    CaseInputs,
    HKDAmount,
    PriorApproval,
    check_conditions,
    earlier_approvals,
    fmt_ratio,
    money,
    share,
)


class Trainee(CaseInputs):
    """One member of staff the company sends on the course."""

    permanent_resident: bool | None = Field(
        default=None, description="Hong Kong permanent resident."
    )
    relevant_background: bool | None = Field(
        default=None, description="Has background or experience relevant to the technology."
    )
    courses_this_fy: int = Field(
        default=0, ge=0, description="Courses already funded for this trainee in the same FY."
    )


class RTTPInputs(CaseInputs):
    """One grant application: a course and the trainees the company sends on it."""

    received: date = Field(description="Date the grant application was received.")
    approved_on: date | None = Field(
        default=None, description="Date of approval; the FY ceiling is tested then."
    )
    course_start: date = Field(description="First day of the course.")
    course_registered_on: date | None = Field(
        default=None,
        description="Date the course was registered (public) or approved (tailor-made).",
    )
    course_fee: HKDAmount = Field(description="Course fee for one trainee, HK$.")
    trainees: list[Trainee] = Field(min_length=1)
    registered_under: Literal["cap310", "other"] | None = None
    subvented: bool | None = Field(
        default=None, description="A Government department or subvented body."
    )
    provider_years_experience: int | None = Field(
        default=None, ge=0, description="The course provider's years of technology training."
    )
    prior_grants: list[PriorApproval] = Field(
        default_factory=list, description="The company's earlier grants (any year)."
    )


def _months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


class RTTP(Scheme[RTTPInputs]):
    """The RTTP/NITTP formula."""

    code = "rttp"
    label = "RTTP"
    aliases = ("NITTP",)
    title_en = (
        "Re-industrialisation and Technology Training Programme "
        "(New Industrialisation and Technology Training Programme)"
    )
    title_zh = "再工業化及科技培訓計劃（新型工業化及科技培訓計劃）"
    catalogue_order = 20
    administrator_en = "Vocational Training Council (Secretariat), under the ITTB"
    administrator_zh = "職業訓練局（秘書處），隸屬創新及科技培訓委員會"
    summary_en = "Subsidises local companies' staff training in advanced technologies."
    summary_zh = "資助本地企業培訓人員學習先進科技。"
    inputs = RTTPInputs

    def governing_date(self, case: RTTPInputs) -> date:
        """The received date; the FY ceiling alone is tested on the approval date."""
        return case.received

    def evaluate(self, case: RTTPInputs, ev: Evaluation) -> Verdict:
        """Share of the fee per eligible trainee, within what the FY ceiling leaves."""
        allowed = ev.codes("eligible_registration")
        min_years = ev.count("min_provider_experience")
        experience = case.provider_years_experience
        status = check_conditions(
            ev,
            (
                (
                    None if case.registered_under is None else case.registered_under in allowed,
                    "cap310",
                    "the company is registered under the Business Registration Ordinance "
                    "(Cap. 310)",
                    "公司按《商業登記條例》（第 310 章）登記",
                ),
                (
                    None if case.subvented is None else not case.subvented,
                    "non_subvented",
                    "the company is neither a Government body nor subvented",
                    "公司並非政府機構或受資助機構",
                ),
                (
                    None if experience is None else experience >= min_years,
                    "provider_experience",
                    f"the course provider has at least {min_years} years of technology training",
                    f"課程提供者具備最少 {min_years} 年科技培訓經驗",
                ),
            ),
        )
        if status is Outcome.INELIGIBLE or not self._on_time(case, ev):
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        if case.course_registered_on is None:
            status = Outcome.TENTATIVE

        fee = money(case.course_fee)
        ratio = ev.ratio("matching_share")
        per_trainee = share(fee, ratio)
        funded, unknown = self._funded_trainees(case.trainees, ev)
        if unknown:
            status = Outcome.TENTATIVE
        if funded == 0 and not unknown:
            ev.reason("no_trainee", "No trainee qualifies.", "沒有合資格的學員。")
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        subsidy = Money(per_trainee.cents * (funded + unknown))
        ev.reason(
            "matching",
            f"{fmt_ratio(ratio)} of the fee {fee} is {per_trainee} for each of "
            f"{funded + unknown} trainee(s): {subsidy}.",
            f"課程費用 {fee} 的 {fmt_ratio(ratio)} 為 {per_trainee}，"
            f"共 {funded + unknown} 名學員：{subsidy}。",
        )

        approved = case.approved_on or case.received
        year = FinancialYear.containing(approved)
        cap = ev.on("approved", approved).money("company_fy_cap")
        counted = earlier_approvals(
            ev, case.prior_grants, approved, ("this application's approval", "本申請批核日")
        )
        earlier = sum((money(p.amount) for p in counted if p.approved_on in year), Money.zero())
        room = max(cap - earlier, Money.zero())
        grant = min(subsidy, room)
        if room < subsidy:
            ev.reason(
                "fy_cap",
                f"The company's grants approved in {year} total {earlier}; the ceiling of "
                f"{cap} per financial year leaves {room}.",
                f"公司於 {year} 財政年度獲批資助合共 {earlier}；每年上限 {cap}，尚餘 {room}。",
            )
        if grant.cents == 0:
            ev.reason("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
            return Verdict(Outcome.INELIGIBLE, grant)
        ev.reason("grant", f"Grant: {grant}.", f"資助額：{grant}。")
        return Verdict(status or Outcome.ELIGIBLE, grant)

    def _on_time(self, case: RTTPInputs, ev: Evaluation) -> bool:
        """Both deadlines before the course starts; a reason for each one missed."""
        weeks = ev.count("grant_application_lead_weeks")
        latest = case.course_start - timedelta(weeks=weeks)
        if case.received > latest:
            ev.reason(
                "late_application",
                f"The grant application must be received at least {weeks} weeks before the "
                f"course starts on {case.course_start} (by {latest}).",
                f"資助申請須在開課日（{case.course_start}）前最少 {weeks} 週遞交"
                f"（即 {latest} 或之前）。",
            )
            return False
        if case.course_registered_on is None:
            ev.reason(
                "course_unregistered",
                "The course is not yet registered or approved.",
                "課程尚未登記或獲批。",
            )
            return True
        lead_weeks = ev.optional("course_registration_lead_weeks")
        if isinstance(lead_weeks, int):
            deadline, lead_en, lead_zh = (
                case.course_start - timedelta(weeks=lead_weeks),
                f"{lead_weeks} weeks",
                f"{lead_weeks} 週",
            )
        else:
            months = ev.count("course_registration_lead_months")
            deadline, lead_en, lead_zh = (
                _months_before(case.course_start, months),
                f"{months} months",
                f"{months} 個月",
            )
        if case.course_registered_on > deadline:
            ev.reason(
                "late_course_registration",
                f"The course must be registered or approved at least {lead_en} before it "
                f"starts (by {deadline}).",
                f"課程須在開課前最少 {lead_zh}登記或獲批（即 {deadline} 或之前）。",
            )
            return False
        return True

    def _funded_trainees(self, trainees: list[Trainee], ev: Evaluation) -> tuple[int, int]:
        """(trainees who qualify, trainees not yet shown to), with a reason for the rest."""
        limit = ev.optional("trainee_courses_per_fy")
        funded = unknown = 0
        for number, trainee in enumerate(trainees, start=1):
            if trainee.permanent_resident is False or trainee.relevant_background is False:
                ev.reason(
                    "trainee_ineligible",
                    f"Trainee {number} must be a Hong Kong permanent resident with a relevant "
                    "background; not funded.",
                    f"第 {number} 名學員須為香港永久性居民並具相關背景；不獲資助。",
                )
            elif isinstance(limit, int) and trainee.courses_this_fy >= limit:
                ev.reason(
                    "trainee_course_limit",
                    f"Trainee {number} already has {trainee.courses_this_fy} funded course(s) "
                    f"this financial year; the limit is {limit}.",
                    f"第 {number} 名學員本財政年度已有 {trainee.courses_this_fy} 個獲資助課程；"
                    f"上限為 {limit} 個。",
                )
            elif trainee.permanent_resident is None or trainee.relevant_background is None:
                ev.reason(
                    "trainee_unknown",
                    f"Not yet shown: trainee {number} is a Hong Kong permanent resident with a "
                    "relevant background.",
                    f"尚待證明：第 {number} 名學員為香港永久性居民並具相關背景。",
                )
                unknown += 1
            else:
                funded += 1
        return funded, unknown


SCHEME = RTTP()
