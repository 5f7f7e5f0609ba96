"""Technology Start-up Support Scheme for Universities (TSSSU).

Since 2014-15 the ITC funds start-ups of six universities: up to HK$1.5M
a start-up a year, for at most three consecutive years from its first
approved year, within each university's annual ceiling (HK$4M, HK$8M from
2019-20, and from 2023-24 HK$8M for TSSSU-O plus HK$8M for the new TSSSU+
track for older start-ups with matching private investment). A case is one
start-up a university recommends for one Government financial year, whose
rules govern it, with that university's approvals so far that year and the
start-up's earlier funding.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_validator

from reind.core.money import Money
from reind.core.periods import FinancialYear
from reind.rules.decision import Outcome
from reind.rules.engine import Evaluation, Scheme, Verdict
from reind.schemes.common import CaseInputs, HKDAmount, check_conditions, money

Track = Literal["o", "plus"]
_TRACK_NAMES = {"o": "TSSSU-O", "plus": "TSSSU+"}


def _year(text: str) -> str:
    return str(FinancialYear.parse(text))


class StartupFunding(CaseInputs):
    """Funding the start-up was approved in an earlier (or the same) financial year."""

    financial_year: str = Field(description='Financial year, e.g. "2022-23".')
    amount: HKDAmount

    _known_year = field_validator("financial_year")(_year)


class UniversityApproval(CaseInputs):
    """Funding the same university already had approved this financial year."""

    track: Track = "o"
    amount: HKDAmount


class TSSSUInputs(CaseInputs):
    """One start-up a university recommends for one financial year."""

    financial_year: str = Field(description='Financial year, e.g. "2023-24".')
    university: str = Field(description="University code, e.g. hkust.")
    track: Track = "o"
    requested: HKDAmount = Field(description="Amount the start-up applies for this year, HK$.")
    company_registered_on: date | None = Field(
        default=None, description="Date registered under the Companies Ordinance."
    )
    application_deadline: date | None = Field(
        default=None, description="The university's application deadline for this round."
    )
    team_from_university: bool | None = Field(
        default=None, description="Team of the university's students, alumni and/or professors."
    )
    private_investment: HKDAmount | None = Field(
        default=None, description="TSSSU+: private investment secured in the matching period."
    )
    university_internal_cap: HKDAmount | None = Field(
        default=None, description="A lower cap the university sets for its start-ups, if any."
    )
    startup_funding: list[StartupFunding] = Field(default_factory=list)
    university_approvals: list[UniversityApproval] = Field(default_factory=list)

    _known_year = field_validator("financial_year")(_year)

    @property
    def year(self) -> FinancialYear:
        """The financial year as a period."""
        return FinancialYear.parse(self.financial_year)


def _years_after(day: date, years: int) -> date:
    """The same day ``years`` later (28 Feb for 29 Feb in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class TSSSU(Scheme[TSSSUInputs]):
    """The TSSSU formula."""

    code = "tsssu"
    label = "TSSSU"
    applicant = "university_startup"
    aliases = ("TSSSU-O", "TSSSU+")
    title_en = "Technology Start-up Support Scheme for Universities"
    title_zh = "大學科技初創企業資助計劃"
    catalogue_order = 40
    administrator_en = "Innovation and Technology Commission, through six universities"
    administrator_zh = "創新科技署（經六所大學）"
    summary_en = "Up to HK$1.5M a year for up to 3 years for university technology start-ups."
    summary_zh = "每家大學科技初創企業每年最多 150 萬元，為期最多 3 年。"
    inputs = TSSSUInputs

    def governing_date(self, case: TSSSUInputs) -> date:
        """The first day of the financial year."""
        return case.year.start

    def evaluate(self, case: TSSSUInputs, ev: Evaluation) -> Verdict:
        """The request within the start-up, university and track ceilings for the year."""
        year, track = case.year, _TRACK_NAMES[case.track]
        status = check_conditions(ev, self._conditions(case, ev))
        if status is Outcome.INELIGIBLE or not self._within_years(case, ev):
            return Verdict(Outcome.INELIGIBLE, Money.zero())

        grant = money(case.requested)
        ev.reason(
            "requested",
            f"{track} request for {year}: {grant}.",
            f"{year} 年度 {track} 申請額：{grant}。",
        )
        same_year = [
            f for f in case.startup_funding if FinancialYear.parse(f.financial_year) == year
        ]
        track_approved = [a for a in case.university_approvals if a.track == case.track]
        limits: list[tuple[str, Money, Money, str, str]] = [
            (
                "startup_cap",
                ev.money("startup_annual_cap"),
                sum((money(f.amount) for f in same_year), Money.zero()),
                "the start-up's",
                "初創企業的",
            ),
            (
                "track_ceiling",
                ev.money(f"track_{case.track}_annual_ceiling"),
                sum((money(a.amount) for a in track_approved), Money.zero()),
                f"the university's {track}",
                f"大學 {track} 的",
            ),
            (
                "university_ceiling",
                ev.money("university_annual_ceiling"),
                sum((money(a.amount) for a in case.university_approvals), Money.zero()),
                "the university's",
                "大學的",
            ),
        ]
        if case.university_internal_cap is not None:
            internal = money(case.university_internal_cap)
            limits.append(
                ("internal_cap", internal, Money.zero(), "the university's own", "大學自訂的")
            )
        for code, cap, used, en, zh in limits:
            room = max(cap - used, Money.zero())
            if room < grant:
                ev.reason(
                    code,
                    f"Already approved {used} against {en} ceiling of {cap} for {year}; "
                    f"{room} is left.",
                    f"{year} 年度{zh}上限為 {cap}，已批 {used}，尚餘 {room}。",
                )
                grant = room
        if grant.cents == 0:
            ev.reason("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
            return Verdict(Outcome.INELIGIBLE, grant)
        ev.reason("grant", f"Grant: {grant}.", f"資助額：{grant}。")
        return Verdict(status or Outcome.ELIGIBLE, grant)

    def _conditions(
        self, case: TSSSUInputs, ev: Evaluation
    ) -> list[tuple[bool | None, str, str, str]]:
        """The yes/no facts the start-up must meet on its track."""
        track = _TRACK_NAMES[case.track]
        universities = ev.codes("universities")
        tracks = ev.codes("tracks")
        max_age = ev.count(f"track_{case.track}_max_company_age") if case.track in tracks else 0
        registered, deadline = case.company_registered_on, case.application_deadline
        young = (
            None
            if registered is None or deadline is None
            else deadline <= _years_after(registered, max_age)
        )
        conditions: list[tuple[bool | None, str, str, str]] = [
            (
                case.university.lower() in universities,
                "university",
                f"the university takes part ({', '.join(universities)})",
                f"大學參與計劃（{'、'.join(universities)}）",
            ),
            (
                case.track in tracks,
                "track_open",
                f"the {track} track is open in {case.year}",
                f"{case.year} 年度設有 {track} 類別",
            ),
            (
                young,
                "company_age",
                f"the start-up was registered at most {max_age} years before the deadline",
                f"初創企業於截止日前不多於 {max_age} 年註冊",
            ),
            (
                case.team_from_university,
                "university_team",
                "the team is the university's students, alumni and/or professors",
                "團隊由大學的學生、校友及／或教授組成",
            ),
        ]
        if case.track == "plus" and case.track in tracks:
            factor = ev.ratio("track_plus_private_match")
            needed = Money((money(case.requested).cents * factor.numerator) // factor.denominator)
            private = case.private_investment
            conditions.append(
                (
                    None if private is None else money(private) >= needed,
                    "private_match",
                    f"private investment of at least {needed} is secured",
                    f"已取得最少 {needed} 的私人投資",
                )
            )
        return conditions

    def _within_years(self, case: TSSSUInputs, ev: Evaluation) -> bool:
        """At most N consecutive financial years from the first approved one."""
        years = ev.count("startup_max_years")
        current = case.year
        earlier = [
            FinancialYear.parse(f.financial_year)
            for f in case.startup_funding
            if FinancialYear.parse(f.financial_year) <= current
        ]
        if not earlier:
            return True
        first = min(earlier)
        if current.start_year - first.start_year < years:
            return True
        ev.reason(
            "funding_years_used",
            f"The start-up was first funded in {first}; funding lasts at most {years} "
            f"consecutive years from then.",
            f"初創企業首次於 {first} 年度獲資助；資助期由該年起連續計算，最多 {years} 年。",
        )
        return False


SCHEME = TSSSU()
