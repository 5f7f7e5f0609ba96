"""Money in Hong Kong dollars: exact ``Decimal`` amounts, integer cents at rest.

Every operation that could produce fractions of a cent takes an explicit
rounding mode, so the rounding policy is visible where it is applied (a
grant capped at one third rounds *down*, so it never exceeds the share).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from reind.core.errors import InvalidInputError

Rounding = Literal["down", "half_up"]
_MODES = {"down": ROUND_DOWN, "half_up": ROUND_HALF_UP}
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of HK$ held as integer cents, ordered by amount."""

    cents: int

    # Written out rather than dataclass(order=True), which compares one-field
    # tuples: caps and shares are compared several times in every decision.
    def __lt__(self, other: Money) -> bool:
        if other.__class__ is Money:
            return self.cents < other.cents
        return NotImplemented

    def __le__(self, other: Money) -> bool:
        if other.__class__ is Money:
            return self.cents <= other.cents
        return NotImplemented

    def __gt__(self, other: Money) -> bool:
        if other.__class__ is Money:
            return self.cents > other.cents
        return NotImplemented

    def __ge__(self, other: Money) -> bool:
        if other.__class__ is Money:
            return self.cents >= other.cents
        return NotImplemented

    @classmethod
    def of(cls, amount: Decimal | int | str, rounding: Rounding = "half_up") -> Money:
        """Money from a decimal amount of dollars, rounded to the cent as told."""
        if type(amount) is int:
            return cls(amount * 100)
        try:
            value = amount if isinstance(amount, Decimal) else Decimal(str(amount).strip())
        except InvalidOperation:
            raise InvalidInputError(
                "not an amount of money: “{amount}”", amount=str(amount)
            ) from None
        if not value.is_finite():
            raise InvalidInputError("not an amount of money: “{amount}”", amount=str(amount))
        scaled = value.scaleb(2)
        whole = int(scaled)
        if whole == scaled:  # already whole cents (validated inputs): exact, nothing to round
            return cls(whole)
        cents = (value * 100).quantize(Decimal(1), rounding=_MODES[rounding])
        return cls(int(cents))

    @classmethod
    def zero(cls) -> Money:
        """HK$0.00."""
        return cls(0)

    @property
    def amount(self) -> Decimal:
        """The amount in dollars, exactly two decimal places."""
        return (Decimal(self.cents) / 100).quantize(CENT)

    def __add__(self, other: Money) -> Money:
        return Money(self.cents + other.cents)

    def __sub__(self, other: Money) -> Money:
        return Money(self.cents - other.cents)

    def __neg__(self) -> Money:
        return Money(-self.cents)

    def times(self, factor: Decimal | int, rounding: Rounding) -> Money:
        """This amount times ``factor``, rounded to the cent with ``rounding``."""
        return Money.of(self.amount * Decimal(factor), rounding)

    def is_negative(self) -> bool:
        """True below zero."""
        return self.cents < 0

    def __str__(self) -> str:
        # Integer formatting: this runs for every amount in every reason, so no Decimal.
        cents = self.cents
        dollars, rest = divmod(-cents if cents < 0 else cents, 100)
        return f"{'-' if cents < 0 else ''}HK${dollars:,}.{rest:02d}"

    def zh_words(self) -> str:
        """The amount as a Chinese message writes it: 1,500,000港元, 12.50港元."""
        cents = self.cents
        dollars, rest = divmod(-cents if cents < 0 else cents, 100)
        sign = "負" if cents < 0 else ""
        return f"{sign}{dollars:,}{f'.{rest:02d}' if rest else ''}港元"


def HKD(amount: Decimal | int | str) -> Money:  # noqa: N802 - reads like a currency literal
    """Shorthand: ``HKD("15000000")``."""
    return Money.of(amount)


def min_money(*amounts: Money) -> Money:
    """The smallest of the amounts."""
    return min(amounts)


def max_money(*amounts: Money) -> Money:
    """The largest of the amounts."""
    return max(amounts)
