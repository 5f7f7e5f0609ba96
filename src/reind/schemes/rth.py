"""Research Talent Hub (RTH) of the Innovation and Technology Fund.

Pays the monthly allowance of up to four research talents per project, each
for up to 36 months, within a ceiling that depends on the talent's degree
(raised over time; PhDs later also get a living allowance). Non-local STEM
degrees from top-100 institutions count from Mar 2021. RTH-NIAS (Sep 2024)
lets a project take up to 36 more talents at 1:1 matching. Rules apply as
at the date received.

The rule is written once, here, per case; ``reind.schemes.columnar.rth``
runs it over columns for bulk runs and what-ifs, speaking through the same
reason templates, and a property test holds both to the same decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from reind.core.money import Money
from reind.rules.branches import ReasonTemplate
from reind.rules.decision import Outcome
from reind.rules.engine import Evaluation, Scheme, Verdict
from reind.schemes.common import CaseInputs, HKDAmount, fmt_ratio, share

if TYPE_CHECKING:
    from numpy.typing import NDArray

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


_T = ReasonTemplate
NIAS_NOT_OFFERED = _T(
    "nias_not_offered",
    "RTH-NIAS was not offered on {day}.",
    "「研究人才庫」（新型工業化加速計劃）於{day}並未推出。",
)
TOO_MANY = _T(
    "too_many_talents",
    "A project may engage at most {limit} talents at a time; {total} were asked for.",
    "每個項目同時最多可聘用 {limit} 名研究人才；申請數目為 {total} 名。",
)
CONDITIONS: dict[str, tuple[ReasonTemplate, ReasonTemplate]] = {
    code: (
        _T(f"{code}_unknown", f"Not yet shown: {en}.", f"尚待證明：{zh}。"),
        _T(f"not_{code}", f"Not met: {en}.", f"不符合：{zh}。"),
    )
    for code, en, zh in (
        ("ess_host_length", "an ESS host project of at least {shortest} months",
         "「企業支援計劃」項目為期最少 {shortest} 個月"),
        ("non_local_degrees", "non-local degrees accepted on the date received",
         "收件日期時接受非本地學位"),
    )
}  # fmt: skip
"""The project's yes/no conditions: (reason if not given, reason if not met)."""
NOTHING = _T("nothing_to_fund", "Nothing is left to fund.", "沒有可資助的款額。")
GRANT = _T("grant", "Grant: {grant}.", "資助額：{grant}。")


@dataclass(frozen=True, slots=True)
class TalentWording:
    """What is said of talent ``n``; its blanks end in ``_n`` (``amount_2``)."""

    top100: tuple[ReasonTemplate, ReasonTemplate]
    months_capped: ReasonTemplate
    extra: ReasonTemplate
    talent: ReasonTemplate


@lru_cache(maxsize=64)
def talent_wording(n: int) -> TalentWording:
    """The reasons about talent ``n`` (numbered from 1), made once per number."""
    en = f"talent {n}'s non-local degree from a QS/ARWU/THE top-100 institution"
    zh = f"第 {n} 名人才的非本地學位來自 QS／ARWU／THE 排名前 100 院校"
    return TalentWording(
        (
            _T("top100_unknown", f"Not yet shown: {en}.", f"尚待證明：{zh}。"),
            _T("not_top100", f"Not met: {en}.", f"不符合：{zh}。"),
        ),
        _T(
            "months_capped",
            f"Talent {n}: funded for at most {{longest}} months.",
            f"第 {n} 名人才：最多資助 {{longest}} 個月。",
        ),
        _T(
            "extra_talent",
            f"Talent {n} is beyond the standard {{standard}}: {{ratio}} funded (1:1 matching), "
            f"{{amount_{n}}}.",
            f"第 {n} 名人才超出一般名額 {{standard}} 名：資助 {{ratio}}（1:1 配對），"
            f"即 {{amount_{n}}}。",
        ),
        _T(
            "talent",
            f"Talent {n} ({{degree_{n}}}): {{monthly_{n}}} a month (ceiling {{ceiling_{n}}}) "
            f"for {{months_{n}}} months, {{amount_{n}}}.",
            f"第 {n} 名人才（{{degree_{n}}}）：每月 {{monthly_{n}}}（上限 {{ceiling_{n}}}），"
            f"共 {{months_{n}}} 個月，即 {{amount_{n}}}。",
        ),
    )


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
    vectorised = "reind.schemes.columnar.rth"
    column_parameters = frozenset(
        ("nias_extra_talents", "max_talents", "ess_host_min_months", "non_local_top100_eligible",
         "max_months_per_talent", "living_allowance_phd", "allowance_bachelor",
         "allowance_master", "allowance_phd", "nias_extra_matching_share")
    )  # fmt: skip

    def governing_date(self, case: RTHInputs) -> date:
        """Changes apply to applications received on or after their date."""
        return case.received

    def evaluate(self, case: RTHInputs, ev: Evaluation) -> Verdict:
        """Sum over talents of min(pay, degree ceiling) (+ living allowance) x months."""
        extra = 0
        if case.programme == "nias":
            found = ev.optional("nias_extra_talents")
            if not isinstance(found, int):
                ev.explain(*_said(NIAS_NOT_OFFERED), day=ev.as_at.isoformat())
                return Verdict(Outcome.INELIGIBLE, Money.zero())
            extra = found
        standard = ev.count("max_talents")
        total = case.talents_already_engaged + len(case.talents)
        if total > standard + extra:
            ev.explain(*_said(TOO_MANY), limit=standard + extra, total=total)
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        outcome = self._screen(case, ev)
        if outcome is Outcome.INELIGIBLE:
            return Verdict(Outcome.INELIGIBLE, Money.zero())

        longest = ev.count("max_months_per_talent")
        living = ev.optional("living_allowance_phd")
        slots = max(standard - case.talents_already_engaged, 0)
        grant = Money.zero()
        for number, talent in enumerate(case.talents, start=1):
            wording = talent_wording(number)
            ceiling = ev.money(f"allowance_{talent.degree}")
            monthly = min(Money.of(talent.monthly_pay), ceiling)
            if talent.degree == "phd" and isinstance(living, Money):
                monthly = monthly + living
            months = min(talent.months, longest)
            if months < talent.months:
                ev.explain(*_said(wording.months_capped), longest=longest)
            amount = Money(monthly.cents * months)
            if number > slots:
                ratio = ev.ratio("nias_extra_matching_share")
                amount = share(amount, ratio)
                ev.explain(
                    *_said(wording.extra),
                    {"standard": standard, "ratio": fmt_ratio(ratio), f"amount_{number}": amount},
                )
            else:
                ev.explain(
                    *_said(wording.talent),
                    {f"degree_{number}": talent.degree, f"monthly_{number}": monthly,
                     f"ceiling_{number}": ceiling, f"months_{number}": months,
                     f"amount_{number}": amount},
                )  # fmt: skip
            grant = grant + amount
        if grant.cents == 0:
            ev.reason(*_said(NOTHING))
            return Verdict(Outcome.INELIGIBLE, grant)
        ev.explain(*_said(GRANT), grant=grant)
        return Verdict(outcome, grant)

    def _screen(self, case: RTHInputs, ev: Evaluation) -> Outcome:
        """Host project length for ESS, and non-local degrees."""
        conditions: list[tuple[tuple[ReasonTemplate, ReasonTemplate], bool | None]] = []
        blanks: dict[str, object] = {}
        if case.host_scheme == "ess":
            blanks["shortest"] = shortest = ev.count("ess_host_min_months")
            months = case.host_project_months
            conditions.append(
                (CONDITIONS["ess_host_length"], None if months is None else months >= shortest)
            )
        if any(t.non_local_degree for t in case.talents):
            accepted = ev.flag("non_local_top100_eligible")
            conditions.append((CONDITIONS["non_local_degrees"], accepted))
            for number, talent in enumerate(case.talents, start=1):
                if talent.non_local_degree:
                    conditions.append((talent_wording(number).top100, talent.top100_institution))
        outcome = Outcome.ELIGIBLE
        for (unknown, unmet), fact in conditions:
            if fact is None:
                outcome = Outcome.TENTATIVE
                ev.explain(*_said(unknown), blanks)
            elif not fact:
                ev.explain(*_said(unmet), blanks)
                return Outcome.INELIGIBLE
        return outcome

    # ------------------------------------------------------ the same over columns

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        from reind.schemes.columnar.rth import FORMULA

        return FORMULA.columns_of(cases)


def _said(template: ReasonTemplate) -> tuple[str, str, str]:
    return template.code, template.en, template.zh


SCHEME = RTH()
