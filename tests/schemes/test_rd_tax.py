"""Enhanced R&D deduction: 300% on the first HK$2M of Type B, 200% after."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reind.core.errors import InvalidInputError, RuleError
from reind.core.money import HKD, Money
from reind.schemes.catalogue import default_engine


def deduction(type_a: str | Decimal, type_b: str | Decimal, year: str = "2019/20") -> Money:
    inputs = {"year_of_assessment": year, "type_a": str(type_a), "type_b": str(type_b)}
    return default_engine().decide("rd_tax", inputs).amount


def test_type_b_5m_gives_12m_plus_type_a() -> None:
    assert deduction("0", "5000000") == HKD("12000000")
    assert deduction("750000", "5000000") == HKD("12750000")


def test_type_b_within_the_first_tier_is_tripled() -> None:
    assert deduction("0", "2000000") == HKD("6000000")


def test_the_enhanced_regime_starts_with_year_2018_19() -> None:
    assert deduction("0", "1", "2018/19") == HKD("3")


def test_before_1_april_2018_all_rd_expenditure_is_deducted_at_100_percent() -> None:
    assert deduction("0", "5000000", "2017/18") == HKD("5000000")
    assert deduction("750000", "5000000", "2017/18") == HKD("5750000")


def test_the_pre_2018_regime_is_dated_data_and_provisional_on_its_start() -> None:
    decision = default_engine().decide(
        "rd_tax", {"year_of_assessment": "2017/18", "type_a": "1", "type_b": "1"}
    )
    used = {t.parameter: t for t in decision.trace}
    assert used["rd_tax.type_b_first_rate"].effective_from < date(2018, 4, 1)
    assert decision.provisional  # the date the 100% regime began is not in the facts [C]


def test_years_before_any_encoded_regime_are_refused() -> None:
    with pytest.raises(RuleError, match="did not exist"):
        deduction("0", "1", "1999/00")


def test_a_bad_year_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="year"):
        deduction("0", "1", "2019/21")


amounts = st.decimals(min_value=0, max_value=Decimal("1000000000"), places=2)


@given(amounts, amounts)
def test_deduction_follows_the_rule_sketch_to_the_cent(a: Decimal, b: Decimal) -> None:
    expected = a + 3 * min(b, Decimal(2_000_000)) + 2 * max(b - 2_000_000, Decimal(0))
    assert deduction(a, b).amount == expected
