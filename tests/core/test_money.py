"""Money is exact: integer cents, explicit rounding."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reind.core.errors import InvalidInputError
from reind.core.money import HKD, Money


def test_money_holds_integer_cents() -> None:
    assert HKD("15000000").cents == 1_500_000_000
    assert HKD("0.1").amount + HKD("0.2").amount == Decimal("0.30")


def test_rounding_is_explicit() -> None:
    assert Money.of("0.005", "half_up").cents == 1
    assert Money.of("0.005", "down").cents == 0
    assert HKD("10").times(Decimal("0.333"), "down") == HKD("3.33")


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", ""])
def test_money_refuses_what_is_not_an_amount(bad: str) -> None:
    with pytest.raises(InvalidInputError, match="not an amount"):
        Money.of(bad)


def test_money_prints_as_hong_kong_dollars() -> None:
    assert str(HKD("1234567.5")) == "HK$1,234,567.50"
    assert str(-HKD("3")) == "-HK$3.00"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_cents_round_trip_through_decimal(cents: int) -> None:
    assert Money.of(Money(cents).amount) == Money(cents)
