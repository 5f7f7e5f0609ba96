"""ITVF Enhanced Scheme (fund manager model), a separate formula from co-investment.

Announced in the 2024 Policy Address and open from 19 Dec 2024 to 19 Feb
2025, it redeploys HK$1.5bn of the ITVF: the Government becomes a limited
partner in venture funds, committing HK$1 for every HK$3 the fund raises
from the market, between HK$150M and HK$250M per fund, if the fund
invests in Hong Kong's I&T ecosystem. Rules apply as at the date received.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import Field

from reind.core.money import Money
from reind.rules.decision import Outcome
from reind.rules.engine import Evaluation, Scheme, Verdict
from reind.schemes.common import CaseInputs, HKDAmount, check_conditions, fmt_ratio, money, share

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
        status = check_conditions(
            ev,
            (
                (
                    None if case.fund_form is None else case.fund_form in forms,
                    "cap637",
                    "the fund is a limited partnership fund under Cap. 637",
                    "基金為按第 637 章成立的有限合夥基金",
                ),
                (
                    None if case.sector is None else case.sector in sectors,
                    "target_sector",
                    f"the fund targets {', '.join(sectors)}",
                    f"基金投資目標行業（{'、'.join(sectors)}）",
                ),
                (
                    _at_least(case.hk_ecosystem_share, ecosystem),
                    "hk_ecosystem",
                    f"{fmt_ratio(ecosystem)} is invested in the Hong Kong I&T ecosystem",
                    f"{fmt_ratio(ecosystem)} 投資於香港創科生態",
                ),
                (
                    _at_least(case.hk_company_share, hk_companies),
                    "hk_companies",
                    f"at least {fmt_ratio(hk_companies)} is invested in Hong Kong companies",
                    f"最少 {fmt_ratio(hk_companies)} 投資於香港公司",
                ),
                (
                    _at_least(case.investee_hk_spend_share, hk_spend),
                    "hk_spend",
                    f"investees spend at least {fmt_ratio(hk_spend)} in Hong Kong",
                    f"受資公司最少將 {fmt_ratio(hk_spend)} 用於香港業務",
                ),
            ),
        )
        if status is Outcome.INELIGIBLE:
            return Verdict(Outcome.INELIGIBLE, Money.zero())

        raised = money(case.market_capital)
        ratio = ev.ratio("government_per_market_dollar")
        matched = share(raised, ratio)
        least = ev.money("min_commitment_per_fund")
        most = ev.money("max_commitment_per_fund")
        ev.reason(
            "matching",
            f"The fund raises {raised}; the Government commits {ratio} of that, {matched}, "
            f"within {least} to {most} a fund.",
            f"基金籌得 {raised}；政府按 {ratio} 承諾投資 {matched}，"
            f"每個基金介乎 {least} 至 {most}。",
        )
        if matched < least:
            ev.reason(
                "fund_too_small",
                f"The fund is too small: the Government's commitment would be below {least}.",
                f"基金規模不足：政府承諾額將低於 {least}。",
            )
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        commitment = min(matched, most)
        ev.reason("commitment", f"Commitment: {commitment}.", f"承諾投資額：{commitment}。")
        return Verdict(status or Outcome.ELIGIBLE, commitment)


SCHEME = ITVFEnhanced()
