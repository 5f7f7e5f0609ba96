"""Enhanced tax deduction for R&D expenditure (IRO s.16B and its Schedule).

Type A expenditure is deducted at 100%; Type B (payments to designated local
research institutions and in-house qualifying R&D) at 300% on the first
HK$2M and 200% on the rest, with no cap. The rules in force at the start of
the year of assessment govern the year's totals; expenditure given with the
date it was incurred (a basis period that began before 1 April 2018) is
deducted at the rates of that date (``rd_tax_rates``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field, field_validator, model_validator

from reind.core.money import Money
from reind.core.periods import SPAN_PATTERN, YearOfAssessment
from reind.rules.decision import Outcome, Reason
from reind.rules.engine import Batch, Evaluation, Scheme, Verdict
from reind.schemes.common import CaseInputs, HKDAmount
from reind.schemes.rd_tax_rates import Rates, RDSpending, deduct_by_date

if TYPE_CHECKING:
    from numpy.typing import NDArray


@lru_cache(maxsize=256)
def parse_year(text: str) -> YearOfAssessment:
    """Parsed once per spelling: every claim's governing date needs its year."""
    return YearOfAssessment.parse(text)


@lru_cache(maxsize=256)
def year_text(start_year: int) -> str:
    """The year of assessment starting in April of ``start_year``, as "2019/20"."""
    return str(YearOfAssessment(start_year))


@lru_cache(maxsize=256)
def _year_start(text: str) -> date:
    """1 April of the year of assessment ``text``, worked out once per year."""
    return parse_year(text).start


class RDTaxInputs(CaseInputs):
    """One taxpayer's R&D expenditure for one year of assessment."""

    year_of_assessment: str = Field(
        description='Year of assessment, e.g. "2019/20" (two consecutive years).',
        pattern=SPAN_PATTERN,
    )
    type_a: HKDAmount = Field(default=Decimal(0), description="Type A expenditure, HK$.")
    type_b: HKDAmount = Field(default=Decimal(0), description="Type B expenditure, HK$.")
    incurred: list[RDSpending] = Field(
        default_factory=list,
        description="Expenditure with the date it was incurred, where the basis period began "
        "before a change of rates (e.g. spent before 1 April 2018 in a 2018/19 claim); "
        "deducted at the rates of its own date, in addition to type_a and type_b.",
    )

    @field_validator("year_of_assessment")
    @classmethod
    def _known_year(cls, value: str) -> str:
        return str(parse_year(value))

    @model_validator(mode="after")
    def _within_basis_period(self) -> RDTaxInputs:
        """A basis period for a year of assessment ends within it and is about a year long."""
        year = self.year
        earliest = date(year.start_year - 1, 4, 2)
        for part in self.incurred:
            if not earliest <= part.incurred_on <= year.end:
                raise ValueError(
                    f"incurred_on {part.incurred_on.isoformat()} is outside any basis period "
                    f"for {year} ({earliest.isoformat()} to {year.end.isoformat()})"
                )
        return self

    @property
    def year(self) -> YearOfAssessment:
        """The year of assessment as a period."""
        return parse_year(self.year_of_assessment)


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
    vectorised = "reind.schemes.columnar.rd_tax"
    column_parameters = frozenset(
        ("type_b_first_tier", "type_a_rate", "type_b_first_rate", "type_b_remainder_rate")
    )

    def governing_date(self, case: RDTaxInputs) -> date:
        """The first day of the year of assessment."""
        return _year_start(case.year_of_assessment)

    def evaluate(self, case: RDTaxInputs, ev: Evaluation) -> Verdict:
        """type_a x rate_a + tiered type_b (each dated part at its own date's rates)."""
        if case.incurred:
            total = deduct_by_date(
                ev, case.year_of_assessment, _cents(case.type_a), _cents(case.type_b),
                case.incurred,
            )  # fmt: skip
            return Verdict(Outcome.ELIGIBLE, Money(total))
        rates = Rates.read(ev)
        claim = _Claim(
            rates, case.year_of_assessment, rates.figures(_cents(case.type_a), _cents(case.type_b))
        )
        for code, en, zh in WORDING:
            ev.explain(code, en, zh, claim)
        return Verdict(Outcome.ELIGIBLE, Money(claim.total))

    def evaluate_batch(self, cases: Sequence[RDTaxInputs], ev: Evaluation) -> Batch | None:
        """The same formula over many claims, with the rates looked up once.

        The loop is ``evaluate`` written out flat: it runs once per claim in
        bulk runs, where a function call per step would be most of the cost.
        Claims with dated parts read other dates' rates, so a batch holding
        one is decided case by case (None).
        """
        if any(case.incurred for case in cases):
            return None
        rates = Rates.read(ev)
        tier, (num_a, den_a), (num_first, den_first), (num_rest, den_rest) = rates.exact
        eligible = Outcome.ELIGIBLE
        (code_a, en_a, zh_a), (code_b, en_b, zh_b), (code_t, en_t, zh_t) = WORDING
        results: list[tuple[Outcome, Money, tuple[Reason, ...]]] = []
        append = results.append
        for case in cases:
            scaled = case.type_a.scaleb(2)
            type_a = int(scaled)
            if type_a != scaled:
                type_a = Money.of(case.type_a).cents
            scaled = case.type_b.scaleb(2)
            type_b = int(scaled)
            if type_b != scaled:
                type_b = Money.of(case.type_b).cents
            first = type_b if type_b < tier else tier
            rest = type_b - first
            deduction_a = type_a * num_a // den_a
            deduction_b = first * num_first // den_first + rest * num_rest // den_rest
            total = deduction_a + deduction_b
            claim = _Claim(
                rates,
                case.year_of_assessment,
                (type_a, type_b, first, rest, deduction_a, deduction_b, total),
            )
            append(
                (
                    eligible,
                    Money(total),
                    (
                        Reason(code_a, en_a, zh_a, claim),
                        Reason(code_b, en_b, zh_b, claim),
                        Reason(code_t, en_t, zh_t, claim),
                    ),
                )
            )
        return results

    # ------------------------------------------------------ the same over columns

    @staticmethod
    def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw claims (as ``decide`` takes them) as the columns ``decide_columns`` takes."""
        from reind.schemes.columnar.rd_tax import FORMULA

        return FORMULA.columns_of(cases)


WORDING = (
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

_AMOUNTS = {
    "type_a": 0,
    "type_b": 1,
    "first": 2,
    "rest": 3,
    "deduction_a": 4,
    "deduction_b": 5,
    "total": 6,
}
_RATES = ("rate_a", "rate_first", "rate_rest")


class _Claim(Mapping[str, object]):
    """One claim's figures in cents: the blanks of its reasons, as Money only when read."""

    __slots__ = ("_cents", "_rates", "year")

    def __init__(self, rates: Rates, year: str, cents: tuple[int, ...]) -> None:
        self._rates = rates
        self.year = year
        self._cents = cents

    @property
    def total(self) -> int:
        """The deduction in cents."""
        return self._cents[6]

    def __getitem__(self, key: str) -> object:
        index = _AMOUNTS.get(key)
        if index is not None:
            return Money(self._cents[index])
        if key == "year":
            return self.year
        if key in _RATES:
            return getattr(self._rates, key)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter((*_AMOUNTS, "year", *_RATES))

    def __len__(self) -> int:
        return len(_AMOUNTS) + 1 + len(_RATES)


def _cents(amount: Decimal) -> int:
    """An input amount in cents, as ``Money.of`` rounds it, without making a Money."""
    scaled = amount.scaleb(2)
    whole = int(scaled)
    return whole if whole == scaled else Money.of(amount).cents


SCHEME = RDTax()
