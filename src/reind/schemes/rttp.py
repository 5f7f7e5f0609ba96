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
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from reind.core.money import Money
from reind.core.periods import FinancialYear
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

_T = ReasonTemplate
CONDITIONS: dict[str, tuple[ReasonTemplate, ReasonTemplate]] = {
    code: (
        _T(f"{code}_unknown", f"Not yet shown: {en}.", f"尚待證明：{zh}。"),
        _T(f"not_{code}", f"Not met: {en}.", f"不符合：{zh}。"),
    )
    for code, en, zh in (
        ("cap310",
         "the company is registered under the Business Registration Ordinance (Cap. 310)",
         "公司按《商業登記條例》（第 310 章）登記"),
        ("non_subvented", "the company is neither a Government body nor subvented",
         "公司並非政府機構或受資助機構"),
        ("provider_experience",
         "the course provider has at least {min_years} years of technology training",
         "課程提供者具備最少 {min_years} 年科技培訓經驗"),
    )
}  # fmt: skip
"""Each yes/no condition, in the order checked: (reason if not given, reason if not met)."""
LATE = _T(
    "late_application",
    "The grant application must be received at least {weeks} weeks before the course starts "
    "on {course_start} (by {latest}).",
    "資助申請須在開課日（{course_start}）前最少 {weeks} 週遞交（即 {latest} 或之前）。",
)
UNREGISTERED = _T(
    "course_unregistered", "The course is not yet registered or approved.", "課程尚未登記或獲批。"
)
LATE_REGISTRATION = _T(
    "late_course_registration",
    "The course must be registered or approved at least {lead_en} before it starts "
    "(by {deadline}).",
    "課程須在開課前最少 {lead_zh}登記或獲批（即 {deadline} 或之前）。",
)
TRAINEE_INELIGIBLE = _T(
    "trainee_ineligible",
    "Trainee {number} must be a Hong Kong permanent resident with a relevant background; "
    "not funded.",
    "第 {number} 名學員須為香港永久性居民並具相關背景；不獲資助。",
)
TRAINEE_LIMIT = _T(
    "trainee_course_limit",
    "Trainee {number} already has {courses} funded course(s) this financial year; the limit "
    "is {limit}.",
    "第 {number} 名學員本財政年度已有 {courses} 個獲資助課程；上限為 {limit} 個。",
)
TRAINEE_UNKNOWN = _T(
    "trainee_unknown",
    "Not yet shown: trainee {number} is a Hong Kong permanent resident with a relevant background.",
    "尚待證明：第 {number} 名學員為香港永久性居民並具相關背景。",
)
NO_TRAINEE = _T("no_trainee", "No trainee qualifies.", "沒有合資格的學員。")
MATCHING = _T(
    "matching",
    "{ratio} of the fee {fee} is {per_trainee} for each of {trainees} trainee(s): {subsidy}.",
    "課程費用 {fee} 的 {ratio} 為 {per_trainee}，共 {trainees} 名學員：{subsidy}。",
)
FY_CAP = _T(
    "fy_cap",
    "The company's grants approved in {year} total {earlier}; the ceiling of {cap} per "
    "financial year leaves {room}.",
    "公司於 {year} 財政年度獲批資助合共 {earlier}；每年上限 {cap}，尚餘 {room}。",
)
NOTHING = _T("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
GRANT = _T("grant", "Grant: {grant}.", "資助額：{grant}。")


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


def months_before(day: date, months: int) -> date:
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
    vectorised = "reind.schemes.columnar.rttp"
    column_parameters = frozenset(
        ("eligible_registration", "min_provider_experience", "grant_application_lead_weeks",
         "course_registration_lead_weeks", "course_registration_lead_months", "matching_share",
         "trainee_courses_per_fy", "company_fy_cap")
    )  # fmt: skip

    def governing_date(self, case: RTTPInputs) -> date:
        """The received date; the FY ceiling alone is tested on the approval date."""
        return case.received

    def evaluate(self, case: RTTPInputs, ev: Evaluation) -> Verdict:
        """Share of the fee per eligible trainee, within what the FY ceiling leaves."""
        allowed = ev.codes("eligible_registration")
        min_years = ev.count("min_provider_experience")
        experience = case.provider_years_experience
        registered = case.registered_under
        facts = (
            ("cap310", None if registered is None else registered in allowed),
            ("non_subvented", None if case.subvented is None else not case.subvented),
            ("provider_experience", None if experience is None else experience >= min_years),
        )
        outcome = Outcome.ELIGIBLE
        for code, fact in facts:
            unknown_fact, unmet = CONDITIONS[code]
            if fact is None:
                outcome = Outcome.TENTATIVE
                ev.explain(*_said(unknown_fact), min_years=min_years)
            elif not fact:
                ev.explain(*_said(unmet), min_years=min_years)
                return Verdict(Outcome.INELIGIBLE, Money.zero())
        if not self._on_time(case, ev):
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        if case.course_registered_on is None:
            outcome = Outcome.TENTATIVE

        fee = money(case.course_fee)
        ratio = ev.ratio("matching_share")
        per_trainee = share(fee, ratio)
        funded, unknown = self._funded_trainees(case.trainees, ev)
        if unknown:
            outcome = Outcome.TENTATIVE
        if funded == 0 and not unknown:
            ev.reason(*_said(NO_TRAINEE))
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        subsidy = Money(per_trainee.cents * (funded + unknown))
        ev.explain(
            *_said(MATCHING), ratio=fmt_ratio(ratio), fee=fee, per_trainee=per_trainee,
            trainees=funded + unknown, subsidy=subsidy,
        )  # fmt: skip

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
            ev.explain(*_said(FY_CAP), year=str(year), earlier=earlier, cap=cap, room=room)
        if grant.cents == 0:
            ev.reason(*_said(NOTHING))
            return Verdict(Outcome.INELIGIBLE, grant)
        ev.explain(*_said(GRANT), grant=grant)
        return Verdict(outcome, grant)

    def _on_time(self, case: RTTPInputs, ev: Evaluation) -> bool:
        """Both deadlines before the course starts; a reason for each one missed."""
        weeks = ev.count("grant_application_lead_weeks")
        latest = case.course_start - timedelta(weeks=weeks)
        if case.received > latest:
            ev.explain(*_said(LATE), weeks=weeks, course_start=case.course_start, latest=latest)
            return False
        if case.course_registered_on is None:
            ev.reason(*_said(UNREGISTERED))
            return True
        lead_weeks = ev.optional("course_registration_lead_weeks")
        if isinstance(lead_weeks, int):
            deadline = case.course_start - timedelta(weeks=lead_weeks)
            lead = lead_blanks(lead_weeks, None)
        else:
            months = ev.count("course_registration_lead_months")
            deadline = months_before(case.course_start, months)
            lead = lead_blanks(None, months)
        if case.course_registered_on > deadline:
            ev.explain(*_said(LATE_REGISTRATION), lead, deadline=deadline)
            return False
        return True

    def _funded_trainees(self, trainees: list[Trainee], ev: Evaluation) -> tuple[int, int]:
        """(trainees who qualify, trainees not yet shown to), with a reason for the rest."""
        limit = ev.optional("trainee_courses_per_fy")
        funded = unknown = 0
        for number, trainee in enumerate(trainees, start=1):
            if trainee.permanent_resident is False or trainee.relevant_background is False:
                ev.explain(*_said(TRAINEE_INELIGIBLE), number=number)
            elif isinstance(limit, int) and trainee.courses_this_fy >= limit:
                ev.explain(
                    *_said(TRAINEE_LIMIT), number=number, courses=trainee.courses_this_fy,
                    limit=limit,
                )  # fmt: skip
            elif trainee.permanent_resident is None or trainee.relevant_background is None:
                ev.explain(*_said(TRAINEE_UNKNOWN), number=number)
                unknown += 1
            else:
                funded += 1
        return funded, unknown

    # ------------------------------------------------------ the same over columns

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        from reind.schemes.columnar.rttp import FORMULA

        return FORMULA.columns_of(cases)


def lead_blanks(weeks: int | None, months: int | None) -> dict[str, object]:
    """How long before the course it must be registered, in each language."""
    if weeks is not None:
        return {"lead_en": f"{weeks} weeks", "lead_zh": f"{weeks} 週"}
    return {"lead_en": f"{months} months", "lead_zh": f"{months} 個月"}


def _said(template: ReasonTemplate) -> tuple[str, str, str]:
    return template.code, template.en, template.zh


SCHEME = RTTP()
