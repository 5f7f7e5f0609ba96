"""Input types and helpers shared by the scheme formulas.

Amounts arrive as decimal HK$ (never floats) and become ``Money`` inside
the formulas; the shared phrases keep reasons consistent across schemes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from reind.core.money import Money

HKDAmount = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=2, allow_inf_nan=False)]
"""A non-negative amount of HK$ to the cent, as given by an applicant."""


class CaseInputs(BaseModel):
    """Base of every scheme's inputs: strict, frozen, no unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class PriorApproval(CaseInputs):
    """An earlier approval of the same enterprise (or a connected one)."""

    amount: HKDAmount
    approved_on: date
    ongoing: bool = Field(default=True, description="Still running (not completed or closed).")


def money(amount: Decimal) -> Money:
    """An input amount as Money (inputs are already validated to the cent)."""
    return Money.of(amount)


def share(amount: Money, ratio: Fraction) -> Money:
    """``ratio`` of ``amount``, rounded *down* to the cent so a share is never exceeded."""
    return Money((amount.cents * ratio.numerator) // ratio.denominator)


def fmt_ratio(ratio: Fraction) -> str:
    """A ratio as a person writes it: 1/3, 50%, 2/3."""
    percent = ratio * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    return f"{ratio.numerator}/{ratio.denominator}"
