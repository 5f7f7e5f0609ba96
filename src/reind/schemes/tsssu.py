"""Technology Start-up Support Scheme for Universities (TSSSU).

Since 2014-15 the ITC funds start-ups of six universities: up to HK$1.5M
a start-up a year, for at most three consecutive years from its first
approved year, within each university's annual ceiling (HK$4M, HK$8M from
2019-20, and from 2023-24 HK$8M for TSSSU-O plus HK$8M for the new TSSSU+
track for older start-ups with matching private investment). A case is one
start-up a university recommends for one Government financial year, whose
rules govern it, with that university's approvals so far that year and the
start-up's earlier funding.

The rule is written once, here, per case; ``reind.schemes.columnar.tsssu``
runs it over columns for bulk runs and what-ifs, speaking through the same
reason templates, and a property test holds both to the same decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator

from reind.core.money import Money
from reind.core.periods import SPAN_PATTERN, FinancialYear
from reind.rules.branches import ReasonTemplate
from reind.rules.decision import Outcome
from reind.rules.engine import Evaluation, Scheme, Verdict
from reind.schemes.common import CaseInputs, HKDAmount, money

if TYPE_CHECKING:
    from numpy.typing import NDArray

Track = Literal["o", "plus"]
_TRACK_NAMES = {"o": "TSSSU-O", "plus": "TSSSU+"}
TRACKS = ("o", "plus")
"""The tracks; their position is the code of a track column."""

_T = ReasonTemplate
CONDITIONS: dict[str, tuple[ReasonTemplate, ReasonTemplate]] = {
    code: (
        _T(f"{code}_unknown", f"Not yet shown: {en}.", f"尚待證明：{zh}。"),
        _T(f"not_{code}", f"Not met: {en}.", f"不符合：{zh}。"),
    )
    for code, en, zh in (
        ("university", "the university takes part ({universities_en})",
         "大學參與計劃（{universities_zh}）"),
        ("track_open", "the {track} track is open in {year}", "{year} 年度設有 {track} 類別"),
        ("company_age", "the start-up was registered at most {max_age} years before the deadline",
         "初創企業於截止日前不多於 {max_age} 年註冊"),
        ("university_team", "the team is the university's students, alumni and/or professors",
         "團隊由大學的學生、校友及／或教授組成"),
        ("private_match", "private investment of at least {needed} is secured",
         "已取得最少 {needed} 的私人投資"),
    )
}  # fmt: skip
"""Each yes/no condition by code, in the order checked: (reason if not given, if not met)."""
YEARS_USED = _T(
    "funding_years_used",
    "The start-up was first funded in {first}; funding lasts at most {years} "
    "consecutive years from then.",
    "初創企業首次於 {first} 年度獲資助；資助期由該年起連續計算，最多 {years} 年。",
)
REQUESTED = _T(
    "requested",
    "{track} request for {year}: {requested}.",
    "{year} 年度 {track} 申請額：{requested}。",
)
LIMITS = {
    code: _T(
        code,
        f"Already approved {{{code}_used}} against {en} ceiling of {{{code}_cap}} for {{year}}; "
        f"{{{code}_room}} is left.",
        f"{{year}} 年度{zh}上限為 {{{code}_cap}}，已批 {{{code}_used}}，尚餘 {{{code}_room}}。",
    )
    for code, en, zh in (
        ("startup_cap", "the start-up's", "初創企業的"),
        ("track_ceiling", "the university's {track}", "大學 {track} 的"),
        ("university_ceiling", "the university's", "大學的"),
        ("internal_cap", "the university's own", "大學自訂的"),
    )
}
"""The yearly limits in the order applied, each with blanks ``<code>_used``, ``_cap``, ``_room``."""
NOTHING = _T("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
GRANT = _T("grant", "Grant: {grant}.", "資助額：{grant}。")


def _year(text: str) -> str:
    return str(FinancialYear.parse(text))


class StartupFunding(CaseInputs):
    """Funding the start-up was approved in an earlier (or the same) financial year."""

    financial_year: str = Field(
        description='Financial year, e.g. "2022-23" (two consecutive years).', pattern=SPAN_PATTERN
    )
    amount: HKDAmount

    _known_year = field_validator("financial_year")(_year)


class UniversityApproval(CaseInputs):
    """Funding the same university already had approved this financial year."""

    track: Track = "o"
    amount: HKDAmount


class TSSSUInputs(CaseInputs):
    """One start-up a university recommends for one financial year."""

    financial_year: str = Field(
        description='Financial year, e.g. "2023-24" (two consecutive years).', pattern=SPAN_PATTERN
    )
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
    """The same day ``years`` later (28 Feb for 29 Feb in a common year).

    Past the calendar's last year the anniversary is later than any date,
    so ``date.max`` stands for it (a registration in 9998 is young for ever).
    """
    if day.year + years > date.max.year:
        return date.max
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
    vectorised = "reind.schemes.columnar.tsssu"
    column_parameters = frozenset(
        ("universities", "tracks", "track_o_max_company_age", "track_plus_max_company_age",
         "track_plus_private_match", "startup_max_years", "startup_annual_cap",
         "track_o_annual_ceiling", "track_plus_annual_ceiling", "university_annual_ceiling")
    )  # fmt: skip

    def governing_date(self, case: TSSSUInputs) -> date:
        """The first day of the financial year."""
        return case.year.start

    def evaluate(self, case: TSSSUInputs, ev: Evaluation) -> Verdict:
        """The request within the start-up, university and track ceilings for the year."""
        year = case.year
        blanks: dict[str, object] = {"year": str(year), "track": _TRACK_NAMES[case.track]}
        outcome = Outcome.ELIGIBLE
        for code, fact in self._conditions(case, ev, blanks):
            unknown, unmet = CONDITIONS[code]
            if fact is None:
                outcome = Outcome.TENTATIVE
                ev.explain(*_said(unknown), blanks)
            elif not fact:
                ev.explain(*_said(unmet), blanks)
                return Verdict(Outcome.INELIGIBLE, Money.zero())
        if not self._within_years(case, ev):
            return Verdict(Outcome.INELIGIBLE, Money.zero())

        grant = money(case.requested)
        ev.explain(*_said(REQUESTED), blanks, requested=grant)
        same_year = [
            f for f in case.startup_funding if FinancialYear.parse(f.financial_year) == year
        ]
        track_approved = [a for a in case.university_approvals if a.track == case.track]
        limits: list[tuple[str, Money, Money]] = [
            (
                "startup_cap",
                ev.money("startup_annual_cap"),
                sum((money(f.amount) for f in same_year), Money.zero()),
            ),
            (
                "track_ceiling",
                ev.money(f"track_{case.track}_annual_ceiling"),
                sum((money(a.amount) for a in track_approved), Money.zero()),
            ),
            (
                "university_ceiling",
                ev.money("university_annual_ceiling"),
                sum((money(a.amount) for a in case.university_approvals), Money.zero()),
            ),
        ]
        if case.university_internal_cap is not None:
            limits.append(("internal_cap", money(case.university_internal_cap), Money.zero()))
        for code, cap, used in limits:
            room = max(cap - used, Money.zero())
            if room < grant:
                ev.explain(
                    *_said(LIMITS[code]), blanks,
                    **{f"{code}_used": used, f"{code}_cap": cap, f"{code}_room": room},
                )  # fmt: skip
                grant = room
        if grant.cents == 0:
            ev.reason(*_said(NOTHING))
            return Verdict(Outcome.INELIGIBLE, grant)
        ev.explain(*_said(GRANT), grant=grant)
        return Verdict(outcome, grant)

    def _conditions(
        self, case: TSSSUInputs, ev: Evaluation, blanks: dict[str, object]
    ) -> list[tuple[str, bool | None]]:
        """The yes/no facts the start-up must meet on its track, by code; fills ``blanks``."""
        universities = ev.codes("universities")
        tracks = ev.codes("tracks")
        max_age = ev.count(f"track_{case.track}_max_company_age") if case.track in tracks else 0
        registered, deadline = case.company_registered_on, case.application_deadline
        young = (
            None
            if registered is None or deadline is None
            else deadline <= _years_after(registered, max_age)
        )
        blanks.update(university_names(universities), max_age=max_age)
        conditions: list[tuple[str, bool | None]] = [
            ("university", case.university.lower() in universities),
            ("track_open", case.track in tracks),
            ("company_age", young),
            ("university_team", case.team_from_university),
        ]
        if case.track == "plus" and case.track in tracks:
            factor = ev.ratio("track_plus_private_match")
            needed = Money((money(case.requested).cents * factor.numerator) // factor.denominator)
            private = case.private_investment
            blanks["needed"] = needed
            conditions.append(
                ("private_match", None if private is None else money(private) >= needed)
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
        ev.explain(*_said(YEARS_USED), first=str(first), years=years)
        return False

    # ------------------------------------------------------ the same over columns

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw recommendations (as ``decide`` takes them) as ``decide_columns`` takes them."""
        from reind.schemes.columnar.tsssu import FORMULA

        return FORMULA.columns_of(cases)


def university_names(universities: tuple[str, ...]) -> dict[str, str]:
    """The universities taking part as the reasons list them, in both languages."""
    return {"universities_en": ", ".join(universities), "universities_zh": "、".join(universities)}


def _said(template: ReasonTemplate) -> tuple[str, str, str]:
    return template.code, template.en, template.zh


SCHEME = TSSSU()
