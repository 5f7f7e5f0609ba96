"""ITVF Enhanced Scheme (fund manager model), a separate formula from co-investment.

Announced in the 2024 Policy Address and open from 19 Dec 2024 to 19 Feb
2025, it redeploys HK$1.5bn of the ITVF: the Government becomes a limited
partner in venture funds, committing HK$1 for every HK$3 the fund raises
from the market, between HK$150M and HK$250M per fund, if the fund
invests in Hong Kong's I&T ecosystem. Rules apply as at the date received.

The rule is written once, here, per case; ``reind.schemes.columnar.itvf_enhanced``
runs it over columns for bulk runs and what-ifs, speaking through the same
reason templates, and a property test holds both to the same decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from reind.core.money import Money
from reind.rules.branches import ReasonTemplate
from reind.rules.decision import Outcome
from reind.rules.engine import Evaluation, Scheme, Verdict
from reind.schemes.common import CaseInputs, HKDAmount, fmt_ratio, money, share

if TYPE_CHECKING:
    from numpy.typing import NDArray

Share = Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False)]
"""A share between 0 and 1, such as 0.5."""


class ITVFEnhancedInputs(CaseInputs):
    """One fund manager's application for a Government commitment to its fund."""

    received: date = Field(description="Date the application was received.")
    market_capital: HKDAmount = Field(description="Capital the fund raises from the market, HK$.")
    fund_form: Literal["cap637_limited_partnership", "other"] | None = None
    sector: str | None = Field(default=None, description="Target sector code.")
    hk_ecosystem_share: Share | None = Field(
        default=None, description="Share committed to companies of the Hong Kong I&T ecosystem."
    )
    hk_company_share: Share | None = Field(
        default=None, description="Share committed to Hong Kong companies (or with a HK I&T base)."
    )
    investee_hk_spend_share: Share | None = Field(
        default=None, description="Share of each investment investees must spend in Hong Kong."
    )


def _at_least(given: Decimal | None, least: Fraction) -> bool | None:
    return None if given is None else Fraction(given) >= least


_T = ReasonTemplate
CONDITIONS: dict[str, tuple[ReasonTemplate, ReasonTemplate]] = {
    code: (
        _T(f"{code}_unknown", f"Not yet shown: {en}.", f"尚待證明：{zh}。"),
        _T(f"not_{code}", f"Not met: {en}.", f"不符合：{zh}。"),
    )
    for code, en, zh in (
        ("cap637", "the fund is a limited partnership fund under Cap. 637",
         "基金為按第 637 章成立的有限合夥基金"),
        ("target_sector", "the fund targets {sectors_en}", "基金投資目標行業（{sectors_zh}）"),
        ("hk_ecosystem", "{ecosystem} is invested in the Hong Kong I&T ecosystem",
         "{ecosystem} 投資於香港創科生態"),
        ("hk_companies", "at least {hk_companies} is invested in Hong Kong companies",
         "最少 {hk_companies} 投資於香港公司"),
        ("hk_spend", "investees spend at least {hk_spend} in Hong Kong",
         "受資公司最少將 {hk_spend} 用於香港業務"),
    )
}  # fmt: skip
"""Each yes/no condition by code: (reason if not given, reason if not met), with blanks."""
FACTS = ("cap637", "target_sector", "hk_ecosystem", "hk_companies", "hk_spend")
"""The conditions in the order checked."""
MATCHING = _T(
    "matching",
    "The fund raises {raised}; the Government commits {ratio} of that, {matched}, "
    "within {least} to {most} a fund.",
    "基金籌得 {raised}；政府按 {ratio} 承諾投資 {matched}，每個基金介乎 {least} 至 {most}。",
)
TOO_SMALL = _T(
    "fund_too_small",
    "The fund is too small: the Government's commitment would be below {least}.",
    "基金規模不足：政府承諾額將低於 {least}。",
)
COMMITMENT = _T("commitment", "Commitment: {commitment}.", "承諾投資額：{commitment}。")


class ITVFEnhanced(Scheme[ITVFEnhancedInputs]):
    """The Enhanced Scheme formula: a limited partner's commitment to one fund."""

    code = "itvf_enhanced"
    label = "ITVF-ES"
    applicant = "venture_partner"
    aliases = ("ITVF Enhanced",)
    title_en = "Innovation and Technology Venture Fund Enhanced Scheme"
    title_zh = "創科創投基金優化計劃"
    catalogue_order = 31
    administrator_en = "Innovation and Technology Commission"
    administrator_zh = "創新科技署"
    summary_en = (
        "The Government invests HK$1 for every HK$3 a venture fund raises, HK$150M-250M a fund."
    )
    summary_zh = "基金每從市場籌得 3 元，政府投入 1 元，每個基金 1.5 億至 2.5 億元。"
    inputs = ITVFEnhancedInputs
    vectorised = "reind.schemes.columnar.itvf_enhanced"
    column_parameters = frozenset(
        ("eligible_fund_forms", "target_sectors", "min_hk_ecosystem_share",
         "min_hk_company_share", "min_investee_hk_spend_share", "government_per_market_dollar",
         "min_commitment_per_fund", "max_commitment_per_fund")
    )  # fmt: skip

    def governing_date(self, case: ITVFEnhancedInputs) -> date:
        """The date the application was received."""
        return case.received

    def evaluate(self, case: ITVFEnhancedInputs, ev: Evaluation) -> Verdict:
        """ratio x market capital, refused below the minimum and capped at the maximum."""
        forms = ev.codes("eligible_fund_forms")
        sectors = ev.codes("target_sectors")
        ecosystem = ev.ratio("min_hk_ecosystem_share")
        hk_companies = ev.ratio("min_hk_company_share")
        hk_spend = ev.ratio("min_investee_hk_spend_share")
        blanks = condition_blanks(sectors, ecosystem, hk_companies, hk_spend)
        facts = (
            None if case.fund_form is None else case.fund_form in forms,
            None if case.sector is None else case.sector in sectors,
            _at_least(case.hk_ecosystem_share, ecosystem),
            _at_least(case.hk_company_share, hk_companies),
            _at_least(case.investee_hk_spend_share, hk_spend),
        )
        outcome = Outcome.ELIGIBLE
        for code, fact in zip(FACTS, facts, strict=True):
            unknown, unmet = CONDITIONS[code]
            if fact is None:
                outcome = Outcome.TENTATIVE
                ev.explain(*_said(unknown), blanks)
            elif not fact:
                ev.explain(*_said(unmet), blanks)
                return Verdict(Outcome.INELIGIBLE, Money.zero())

        raised = money(case.market_capital)
        ratio = ev.ratio("government_per_market_dollar")
        matched = share(raised, ratio)
        least = ev.money("min_commitment_per_fund")
        most = ev.money("max_commitment_per_fund")
        ev.explain(
            *_said(MATCHING), raised=raised, ratio=str(ratio), matched=matched, least=least,
            most=most,
        )  # fmt: skip
        if matched < least:
            ev.explain(*_said(TOO_SMALL), least=least)
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        commitment = min(matched, most)
        ev.explain(*_said(COMMITMENT), commitment=commitment)
        return Verdict(outcome, commitment)

    # ------------------------------------------------------ the same over columns

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
        from reind.schemes.columnar.itvf_enhanced import FORMULA

        return FORMULA.columns_of(cases)


def condition_blanks(
    sectors: tuple[str, ...], ecosystem: Fraction, hk_companies: Fraction, hk_spend: Fraction
) -> dict[str, object]:
    """The blanks of ``CONDITIONS`` from the parameters they name."""
    return {
        "sectors_en": ", ".join(sectors), "sectors_zh": "、".join(sectors),
        "ecosystem": fmt_ratio(ecosystem), "hk_companies": fmt_ratio(hk_companies),
        "hk_spend": fmt_ratio(hk_spend),
    }  # fmt: skip


def _said(template: ReasonTemplate) -> tuple[str, str, str]:
    return template.code, template.en, template.zh


SCHEME = ITVFEnhanced()
