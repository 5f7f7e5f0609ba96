"""Enhanced tax deduction for R&D expenditure (IRO s.16B and its Schedule).

Type A expenditure is deducted at 100%; Type B (payments to designated local
research institutions and in-house qualifying R&D) at 300% on the first
HK$2M and 200% on the rest, with no cap. The rules in force at the start of
the year of assessment govern the claim.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import ClassVar

from pydantic import Field, field_validator

from reind.core.money import Money
from reind.core.periods import YearOfAssessment
from reind.rules.decision import Outcome
from reind.rules.engine import Evaluation, Scheme, Verdict
from reind.schemes.common import CaseInputs, HKDAmount, money


class RDTaxInputs(CaseInputs):
    """One taxpayer's R&D expenditure for one year of assessment."""

    year_of_assessment: str = Field(description='Year of assessment, e.g. "2019/20".')
    type_a: HKDAmount = Field(default=Decimal(0), description="Type A expenditure, HK$.")
    type_b: HKDAmount = Field(default=Decimal(0), description="Type B expenditure, HK$.")

    @field_validator("year_of_assessment")
    @classmethod
    def _known_year(cls, value: str) -> str:
        return str(YearOfAssessment.parse(value))

    @property
    def year(self) -> YearOfAssessment:
        """The year of assessment as a period."""
        return YearOfAssessment.parse(self.year_of_assessment)


class RDTax(Scheme[RDTaxInputs]):
    """The two-tier enhanced deduction."""

    code = "rd_tax"
    label = "RD-TAX"
    aliases: ClassVar[tuple[str, ...]] = ("rd", "R&D")
    title_en = "Enhanced tax deduction for research and development expenditure"
    title_zh = "研發開支額外扣稅"
    catalogue_order = 90
    administrator_en = "Inland Revenue Department, with the Innovation and Technology Commission"
    administrator_zh = "稅務局（創新科技署協助）"
    summary_en = "300% deduction on the first HK$2M of qualifying R&D, 200% on the rest."
    summary_zh = "合資格研發開支首 200 萬元可獲 300% 扣稅，餘額 200%。"
    inputs = RDTaxInputs

    def governing_date(self, case: RDTaxInputs) -> date:
        """The first day of the year of assessment."""
        return case.year.start

    def evaluate(self, case: RDTaxInputs, ev: Evaluation) -> Verdict:
        """type_a x rate_a + tiered type_b."""
        type_a, type_b = money(case.type_a), money(case.type_b)
        tier = ev.money("type_b_first_tier")
        first = min(type_b, tier)
        rest = max(type_b - tier, Money.zero())
        rate_a = ev.ratio("type_a_rate")
        rate_first = ev.ratio("type_b_first_rate")
        rate_rest = ev.ratio("type_b_remainder_rate")
        deduction_b = Money(
            (first.cents * rate_first.numerator) // rate_first.denominator
            + (rest.cents * rate_rest.numerator) // rate_rest.denominator
        )
        deduction_a = Money((type_a.cents * rate_a.numerator) // rate_a.denominator)
        ev.reason(
            "type_a",
            f"Type A {type_a} deducted at {rate_a}x: {deduction_a}.",
            f"甲類開支 {type_a} 按 {rate_a} 倍扣除：{deduction_a}。",
        )
        ev.reason(
            "type_b",
            f"Type B {type_b}: first {first} at {rate_first}x and {rest} at {rate_rest}x: "
            f"{deduction_b}.",
            f"乙類開支 {type_b}：首 {first} 按 {rate_first} 倍、其餘 {rest} 按 {rate_rest} 倍"
            f"扣除：{deduction_b}。",
        )
        total = deduction_a + deduction_b
        ev.reason(
            "deduction",
            f"Deduction for {case.year}: {total}.",
            f"{case.year} 課稅年度可扣除：{total}。",
        )
        return Verdict(Outcome.ELIGIBLE, total)


SCHEME = RDTax()
