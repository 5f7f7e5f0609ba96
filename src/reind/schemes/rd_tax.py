"""Enhanced tax deduction for R&D expenditure (IRO s.16B and its Schedule).

Type A expenditure is deducted at 100%; Type B (payments to designated local
research institutions and in-house qualifying R&D) at 300% on the first
HK$2M and 200% on the rest, with no cap. The rules in force at the start of
the year of assessment govern the claim.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import ClassVar

from pydantic import Field, field_validator

from reind.core.money import Money
from reind.core.periods import YearOfAssessment
from reind.rules.decision import Outcome, Reason
from reind.rules.engine import Batch, Evaluation, Scheme, Verdict
from reind.schemes.common import CaseInputs, HKDAmount


@lru_cache(maxsize=256)
def _parse_year(text: str) -> YearOfAssessment:
    """Parsed once per spelling: every claim's governing date needs its year."""
    return YearOfAssessment.parse(text)


class RDTaxInputs(CaseInputs):
    """One taxpayer's R&D expenditure for one year of assessment."""

    year_of_assessment: str = Field(description='Year of assessment, e.g. "2019/20".')
    type_a: HKDAmount = Field(default=Decimal(0), description="Type A expenditure, HK$.")
    type_b: HKDAmount = Field(default=Decimal(0), description="Type B expenditure, HK$.")

    @field_validator("year_of_assessment")
    @classmethod
    def _known_year(cls, value: str) -> str:
        return str(_parse_year(value))

    @property
    def year(self) -> YearOfAssessment:
        """The year of assessment as a period."""
        return _parse_year(self.year_of_assessment)


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
        rates = _Rates.read(ev)
        claim = rates.apply(_cents(case.type_a), _cents(case.type_b), case.year_of_assessment)
        for code, en, zh in _WORDING:
            ev.explain(code, en, zh, claim)
        return Verdict(Outcome.ELIGIBLE, Money(claim.total))

    def evaluate_batch(self, cases: Sequence[RDTaxInputs], ev: Evaluation) -> Batch:
        """The same formula over claims whose years share one set of rates."""
        rates = _Rates.read(ev)
        apply = rates.apply
        eligible = Outcome.ELIGIBLE
        results: list[tuple[Verdict, tuple[Reason, ...]]] = []
        append = results.append
        (code_a, en_a, zh_a), (code_b, en_b, zh_b), (code_t, en_t, zh_t) = _WORDING
        for case in cases:
            claim = apply(_cents(case.type_a), _cents(case.type_b), case.year_of_assessment)
            reasons = (
                Reason(code_a, en_a, zh_a, claim),
                Reason(code_b, en_b, zh_b, claim),
                Reason(code_t, en_t, zh_t, claim),
            )
            append((Verdict(eligible, Money(claim.total)), reasons))
        return results


_WORDING = (
    (
        "type_a",
        "Type A {type_a} deducted at {rate_a}x: {deduction_a}.",
        "甲類開支 {type_a} 按 {rate_a} 倍扣除：{deduction_a}。",
    ),
    (
        "type_b",
        "Type B {type_b}: first {first} at {rate_first}x and {rest} at {rate_rest}x: "
        "{deduction_b}.",
        "乙類開支 {type_b}：首 {first} 按 {rate_first} 倍、其餘 {rest} 按 {rate_rest} 倍"
        "扣除：{deduction_b}。",
    ),
    ("deduction", "Deduction for {year}: {total}.", "{year} 課稅年度可扣除：{total}。"),
)
"""The three reasons every claim gets: (code, English, Chinese) with named blanks."""


@dataclass(frozen=True, slots=True)
class _Rates:
    """The rates in force for a year, looked up in the order the trace shows them."""

    tier: int
    rate_a: Fraction
    rate_first: Fraction
    rate_rest: Fraction

    @classmethod
    def read(cls, ev: Evaluation) -> _Rates:
        tier = ev.money("type_b_first_tier").cents
        return cls(
            tier, ev.ratio("type_a_rate"), ev.ratio("type_b_first_rate"),
            ev.ratio("type_b_remainder_rate"),
        )  # fmt: skip

    def apply(self, type_a: int, type_b: int, year: str) -> _Claim:
        """One claim's deduction, exact to the cent (each part rounded down)."""
        first = type_b if type_b < self.tier else self.tier
        rest = type_b - first
        rate_first, rate_rest, rate_a = self.rate_first, self.rate_rest, self.rate_a
        deduction_b = (first * rate_first.numerator) // rate_first.denominator + (
            rest * rate_rest.numerator
        ) // rate_rest.denominator
        deduction_a = (type_a * rate_a.numerator) // rate_a.denominator
        return _Claim(self, year, (type_a, type_b, first, rest, deduction_a, deduction_b))


_AMOUNTS = {"type_a": 0, "type_b": 1, "first": 2, "rest": 3, "deduction_a": 4, "deduction_b": 5}


class _Claim(Mapping[str, object]):
    """One claim's figures in cents: the blanks of its reasons, as Money only when read."""

    __slots__ = ("_cents", "_rates", "total", "year")

    def __init__(self, rates: _Rates, year: str, cents: tuple[int, ...]) -> None:
        self._rates = rates
        self.year = year
        self._cents = cents
        self.total = cents[4] + cents[5]

    def __getitem__(self, key: str) -> object:
        index = _AMOUNTS.get(key)
        if index is not None:
            return Money(self._cents[index])
        if key == "total":
            return Money(self.total)
        if key == "year":
            return self.year
        if key in ("rate_a", "rate_first", "rate_rest"):
            return getattr(self._rates, key)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter((*_AMOUNTS, "total", "year", "rate_a", "rate_first", "rate_rest"))

    def __len__(self) -> int:
        return len(_AMOUNTS) + 5


def _cents(amount: Decimal) -> int:
    """An input amount in cents, as ``Money.of`` rounds it, without making a Money."""
    scaled = amount.scaleb(2)
    whole = int(scaled)
    return whole if whole == scaled else Money.of(amount).cents


SCHEME = RDTax()
