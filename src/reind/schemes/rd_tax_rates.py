"""The R&D deduction's rates, and expenditure deducted by the date it was incurred.

The enhanced rates apply to R&D expenditure *incurred* on or after 1 April
2018 (schemes-facts.md §7 [A]), but a year of assessment is charged on a
basis period, the accounting year ending in it: a company whose year ran
from 1 January 2018 has Type B spent in January to March 2018 in its 2018/19
claim, deducted at 100%. Such a claim gives that spending with its dates
(``incurred``); each part is deducted at the rates in force on its own date
(``Evaluation.on("incurred", day)``, so the trace shows which date chose
each rate), and the HK$2M first tier is shared by the Type B under the
enhanced rates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from reind.core.money import Money
from reind.rules.engine import Evaluation
from reind.schemes.common import CaseInputs, HKDAmount

if TYPE_CHECKING:
    from reind.rules.columns import ColumnEvaluation


class RDSpending(CaseInputs):
    """R&D expenditure of one type incurred on one date."""

    kind: Literal["A", "B"] = Field(description="Type A or Type B expenditure.")
    amount: HKDAmount = Field(description="The expenditure, HK$.")
    incurred_on: date = Field(description="Date the expenditure was incurred.")


@dataclass(frozen=True, slots=True)
class Rates:
    """The rates in force on one date, looked up in the order the trace shows them."""

    tier: int
    rate_a: Fraction
    rate_first: Fraction
    rate_rest: Fraction

    @classmethod
    def read(cls, ev: Evaluation | ColumnEvaluation) -> Rates:
        """The four rates from ``ev``, traced."""
        tier = ev.money("type_b_first_tier").cents
        return cls(
            tier, ev.ratio("type_a_rate"), ev.ratio("type_b_first_rate"),
            ev.ratio("type_b_remainder_rate"),
        )  # fmt: skip

    @property
    def exact(self) -> tuple[int, tuple[int, int], tuple[int, int], tuple[int, int]]:
        """The tier in cents and each rate as (numerator, denominator)."""
        return (
            self.tier,
            self.rate_a.as_integer_ratio(),
            self.rate_first.as_integer_ratio(),
            self.rate_rest.as_integer_ratio(),
        )

    def figures(self, type_a: int, type_b: int, tier_used: int = 0) -> tuple[int, ...]:
        """One claim's figures in cents, each part of the deduction rounded down.

        (type_a, type_b, first tier, rest, deduction A, deduction B, total);
        ``tier_used`` is first-tier Type B already deducted in the same year.
        """
        first = min(type_b, max(self.tier - tier_used, 0))
        rest = type_b - first
        rate_a, rate_first, rate_rest = self.rate_a, self.rate_first, self.rate_rest
        deduction_a = type_a * rate_a.numerator // rate_a.denominator
        deduction_b = (
            first * rate_first.numerator // rate_first.denominator
            + rest * rate_rest.numerator // rate_rest.denominator
        )
        return (type_a, type_b, first, rest, deduction_a, deduction_b, deduction_a + deduction_b)


def deduct_by_date(
    ev: Evaluation, year: str, type_a: int, type_b: int, incurred: Sequence[RDSpending]
) -> int:
    """The deduction in cents for the year's totals and each dated part, with a reason each.

    The year's totals (``type_a``, ``type_b``) are governed by the start of
    the year of assessment (``ev.as_at``); each dated part by its own date.
    Parts are deducted in date order, so earlier Type B uses the first tier
    first.
    """
    parts: list[tuple[date, str, int, bool]] = [
        (p.incurred_on, p.kind, Money.of(p.amount).cents, True) for p in incurred
    ]
    parts += [(ev.as_at, "A", type_a, False), (ev.as_at, "B", type_b, False)]
    parts.sort(key=lambda part: part[0])  # stable: the totals stay after same-day parts
    used = total = 0
    for day, kind, cents, dated in parts:
        if not cents and not dated:
            continue
        rates = Rates.read(ev.on("incurred", day))
        figures = rates.figures(cents, 0) if kind == "A" else rates.figures(0, cents, used)
        used += figures[2]
        total += figures[6]
        ev.reason(*_wording(kind, day if dated else None, rates, figures))
    ev.reason("deduction", f"Deduction for {year}: {Money(total)}.",
              f"{year} 課稅年度可扣除：{Money(total)}。")  # fmt: skip
    return total


def _wording(
    kind: str, day: date | None, rates: Rates, figures: tuple[int, ...]
) -> tuple[str, str, str]:
    """(code, English, Chinese) for one part of a dated claim."""
    amount = Money(figures[1] if kind == "B" else figures[0])
    first, rest, deduction = Money(figures[2]), Money(figures[3]), Money(figures[6])
    when_en = f" incurred on {day.isoformat()}" if day else ""
    when_zh = f"（{day.isoformat()} 招致）" if day else ""
    code = "incurred" if day else ("type_a" if kind == "A" else "type_b")
    if kind == "A":
        return (
            code,
            f"Type A {amount}{when_en} deducted at {rates.rate_a}x: {deduction}.",
            f"甲類開支 {amount}{when_zh}按 {rates.rate_a} 倍扣除：{deduction}。",
        )
    return (
        code,
        f"Type B {amount}{when_en}: first {first} at {rates.rate_first}x and {rest} at "
        f"{rates.rate_rest}x: {deduction}.",
        f"乙類開支 {amount}{when_zh}：首 {first} 按 {rates.rate_first} 倍、其餘 {rest} 按 "
        f"{rates.rate_rest} 倍扣除：{deduction}。",
    )


__all__ = ["RDSpending", "Rates", "deduct_by_date"]
