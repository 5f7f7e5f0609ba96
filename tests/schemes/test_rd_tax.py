"""Enhanced R&D deduction: 300% on the first HK$2M of Type B, 200% after."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reind.core.errors import InvalidInputError, RuleError
from reind.core.money import HKD, Money
from reind.rules.decision import Decision
from reind.rules.parameters import ChosenValue
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


def claim_2018_19(**extra: object) -> Decision:
    """A 2018/19 claim for a company whose basis period ran from 1 January 2018."""
    inputs: dict[str, object] = {"year_of_assessment": "2018/19", **extra}
    return default_engine().decide("rd_tax", inputs)


def test_type_b_spent_before_april_2018_in_a_2018_19_claim_is_deducted_at_100_percent() -> None:
    # HK$500k in Jan-Mar 2018 at 100%, HK$1.5M from April at 300%: 0.5M + 4.5M.
    decision = claim_2018_19(
        type_b="1500000",
        incurred=[{"kind": "B", "amount": "500000", "incurred_on": "2018-03-15"}],
    )
    assert decision.amount == HKD("5000000")
    chosen = [t for t in decision.trace if isinstance(t, ChosenValue) and t.event_date]
    assert {(t.parameter, t.event, t.event_date) for t in chosen} >= {
        ("rd_tax.type_b_first_rate", "incurred", date(2018, 3, 15)),
    }
    assert any(r.code == "incurred" and "2018-03-15" in r.en for r in decision.reasons)


def test_the_2m_first_tier_counts_only_type_b_under_the_enhanced_regime() -> None:
    # HK$1M before April at 100%; HK$3M from April: 2M x 3 + 1M x 2 = 8M; total 9M.
    decision = claim_2018_19(
        type_b="3000000",
        incurred=[{"kind": "B", "amount": "1000000", "incurred_on": "2018-02-01"}],
    )
    assert decision.amount == HKD("9000000")


def test_dated_expenditure_after_1_april_2018_is_enhanced_like_the_year_totals() -> None:
    dated = claim_2018_19(
        incurred=[
            {"kind": "A", "amount": "100000", "incurred_on": "2018-06-01"},
            {"kind": "B", "amount": "2500000", "incurred_on": "2018-09-01"},
        ]
    )
    assert dated.amount == claim_2018_19(type_a="100000", type_b="2500000").amount


def test_expenditure_incurred_outside_the_basis_period_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="2019-04-01"):
        claim_2018_19(incurred=[{"kind": "B", "amount": "1", "incurred_on": "2019-04-01"}])
    with pytest.raises(InvalidInputError, match="2017-01-01"):
        claim_2018_19(incurred=[{"kind": "B", "amount": "1", "incurred_on": "2017-01-01"}])


def test_bulk_decisions_with_dated_expenditure_match_one_by_one() -> None:
    cases: list[dict[str, Any]] = [
        {"year_of_assessment": "2018/19", "type_b": "1500000",
         "incurred": [{"kind": "B", "amount": "500000", "incurred_on": "2018-03-15"}]},
        {"year_of_assessment": "2018/19", "type_b": "1500000"},
    ]  # fmt: skip
    many = default_engine().decide_many("rd_tax", cases)
    assert [d.amount for d in many] == [default_engine().decide("rd_tax", c).amount for c in cases]
    assert [d.amount for d in many] == [HKD("5000000"), HKD("4500000")]


amounts = st.decimals(min_value=0, max_value=Decimal("1000000000"), places=2)


@given(amounts, amounts)
def test_deduction_follows_the_rule_sketch_to_the_cent(a: Decimal, b: Decimal) -> None:
    expected = a + 3 * min(b, Decimal(2_000_000)) + 2 * max(b - 2_000_000, Decimal(0))
    assert deduction(a, b).amount == expected
