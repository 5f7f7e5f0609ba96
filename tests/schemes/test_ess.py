"""ESS: 1:1 up to HK$10M, the SME designated track, and its eligibility facts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reind.core.errors import RuleError
from reind.core.money import Money
from reind.rules.decision import Decision, Outcome
from reind.schemes.catalogue import default_engine

GOOD = {
    "received": "2024-01-02",
    "incorporated_under": "cap622",
    "business_registration": True,
    "government_subvented": False,
    "duration_months": 24,
}


def decide(**inputs: Any) -> Decision:
    """An ESS decision for an eligible company unless the inputs say otherwise."""
    return default_engine().decide("ess", {**GOOD, **inputs})


def codes(decision: Decision) -> set[str]:
    """The reason codes of a decision."""
    return {r.code for r in decision.reasons}


def test_ess_funds_half_the_cost_up_to_ten_million() -> None:
    assert decide(total_cost="1000000.01").amount == Money.of("500000.00")
    assert decide(total_cost="30000000").amount == Money.of(10_000_000)


def test_ess_sme_track_needs_fewer_than_100_employees_and_caps_at_2_8m() -> None:
    small = decide(total_cost="10000000", sme_track=True, employees=99)
    assert small.amount == Money.of(2_800_000)
    assert "sme_track_cap" in codes(small)
    big = decide(total_cost="1000", sme_track=True, employees=100)
    assert big.outcome is Outcome.INELIGIBLE
    assert "not_sme_track_size" in codes(big)
    assert decide(total_cost="1000", sme_track=True).outcome is Outcome.TENTATIVE


def test_ess_refuses_other_incorporation_subvented_bodies_and_long_projects() -> None:
    assert "not_cap622" in codes(decide(total_cost="1", incorporated_under="cap310"))
    assert "not_not_subvented" in codes(decide(total_cost="1", government_subvented=True))
    assert "not_duration" in codes(decide(total_cost="1", duration_months=25))


def test_ess_did_not_exist_before_april_2015() -> None:
    with pytest.raises(RuleError):
        decide(received="2015-03-31", total_cost="1")


@settings(max_examples=60, deadline=None)
@given(
    cents=st.integers(min_value=0, max_value=5_000_000_000),
    extra=st.integers(min_value=0, max_value=100_000_000),
    sme=st.booleans(),
    day=st.dates(min_value=date(2015, 4, 1), max_value=date(2027, 1, 1)),
)
def test_ess_grant_within_half_and_caps_and_monotone(
    cents: int, extra: int, sme: bool, day: date
) -> None:
    common = {"received": day.isoformat(), "sme_track": sme, "employees": 10}
    low = decide(total_cost=str(Decimal(cents) / 100), **common)
    high = decide(total_cost=str(Decimal(cents + extra) / 100), **common)
    assert high.amount >= low.amount
    assert low.amount.cents * 2 <= cents
    assert low.amount <= Money.of(2_800_000 if sme else 10_000_000)
