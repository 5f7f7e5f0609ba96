"""TVP: every version of the share and ceiling, the project limit and the closure."""

from __future__ import annotations

from datetime import date, timedelta
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
    "registration": "cap310",
    "listed": False,
    "subvented": False,
    "substantive_business_in_hk": True,
    "duration_months": 6,
}


def decide(**inputs: Any) -> Decision:
    """A TVP decision for an eligible enterprise unless the inputs say otherwise."""
    return default_engine().decide("tvp", {**GOOD, **inputs})


def codes(decision: Decision) -> set[str]:
    """The reason codes of a decision."""
    return {r.code for r in decision.reasons}


def test_tvp_pilot_two_thirds_up_to_200k_then_400k_from_the_february_2019_regularisation() -> None:
    assert decide(received="2019-01-31", total_cost="900000").amount == Money.of(200_000)
    assert decide(received="2019-02-01", total_cost="900000").amount == Money.of(400_000)
    assert decide(received="2019-11-30", total_cost="900000").amount == Money.of(400_000)
    assert decide(received="2019-12-01", total_cost="900000").amount == Money.of(400_000)
    assert decide(received="2019-12-01", total_cost="300000.02").amount == Money.of("200000.01")


def test_tvp_three_quarters_up_to_600k_from_1_april_2020() -> None:
    assert decide(received="2020-03-31", total_cost="400000").amount == Money.of("266666.66")
    assert decide(received="2020-04-01", total_cost="400000").amount == Money.of(300_000)
    assert decide(received="2020-04-01", total_cost="2000000").amount == Money.of(600_000)


def test_tvp_initial_payment_from_1_december_2019() -> None:
    assert "initial_payment" not in codes(decide(received="2019-11-30", total_cost="1000"))
    assert "initial_payment" in codes(decide(received="2019-12-01", total_cost="1000"))


def test_tvp_allows_at_most_six_projects_from_1_april_2020() -> None:
    six = [{"amount": "1", "approved_on": "2020-01-01"} for _ in range(6)]
    assert decide(received="2020-03-31", total_cost="1000", prior_approvals=six).outcome is (
        Outcome.ELIGIBLE
    )
    refused = decide(received="2020-04-01", total_cost="1000", prior_approvals=six)
    assert refused.outcome is Outcome.INELIGIBLE
    assert "too_many_projects" in codes(refused)


def test_tvp_related_entities_stop_counting_from_14_august_2020() -> None:
    related = [{"amount": "600000", "approved_on": "2020-05-01", "related_entity": True}]
    before = decide(received="2020-08-13", total_cost="1000", prior_approvals=related)
    assert before.outcome is Outcome.INELIGIBLE
    assert "cumulative_ceiling" in codes(before)
    assert decide(received="2020-08-14", total_cost="1000", prior_approvals=related).amount == (
        Money.of(750)
    )


def test_tvp_takes_no_applications_after_31_december_2024() -> None:
    assert decide(received="2024-12-31", total_cost="1000").outcome is Outcome.ELIGIBLE
    closed = decide(received="2025-01-01", total_cost="1000")
    assert closed.outcome is Outcome.INELIGIBLE
    assert "scheme_closed" in codes(closed)


def test_tvp_did_not_exist_before_the_november_2016_pilot() -> None:
    with pytest.raises(RuleError):
        decide(received="2016-10-31", total_cost="1000")


def test_tvp_refuses_listed_and_long_projects_and_is_tentative_without_facts() -> None:
    assert "not_non_listed" in codes(decide(received="2021-01-04", total_cost="1", listed=True))
    assert "not_duration" in codes(
        decide(received="2021-01-04", total_cost="1", duration_months=13)
    )
    unknown = default_engine().decide("tvp", {"received": "2021-01-04", "total_cost": "4"})
    assert unknown.outcome is Outcome.TENTATIVE
    assert unknown.amount == Money.of(3)


DAYS = st.dates(min_value=date(2016, 11, 1), max_value=date(2024, 12, 31))


@settings(max_examples=60, deadline=None)
@given(
    day=DAYS,
    cents=st.integers(min_value=0, max_value=200_000_000),
    extra=st.integers(min_value=0, max_value=10_000_000),
)
def test_tvp_grant_within_share_and_ceiling_and_monotone(day: date, cents: int, extra: int) -> None:
    low = decide(received=day.isoformat(), total_cost=str(Decimal(cents) / 100))
    high = decide(received=day.isoformat(), total_cost=str(Decimal(cents + extra) / 100))
    assert high.amount >= low.amount
    numerator, denominator = (3, 4) if day >= date(2020, 4, 1) else (2, 3)
    assert low.amount.cents * denominator <= cents * numerator
    assert low.amount <= Money.of(600_000)


@settings(max_examples=25, deadline=None)
@given(
    start=st.dates(min_value=date(2020, 4, 1), max_value=date(2024, 6, 30)),
    costs=st.lists(st.integers(min_value=1, max_value=60_000_000), min_size=1, max_size=10),
)
def test_tvp_six_projects_and_600k_hold_across_an_enterprises_applications(
    start: date, costs: list[int]
) -> None:
    priors: list[dict[str, Any]] = []
    day = start
    for cents in costs:
        decision = decide(
            received=day.isoformat(), total_cost=str(Decimal(cents) / 100), prior_approvals=priors
        )
        if decision.outcome is Outcome.ELIGIBLE:
            priors.append({"amount": str(decision.amount.amount), "approved_on": day.isoformat()})
        day = min(day + timedelta(days=20), date(2024, 12, 31))
    assert len(priors) <= 6
    assert sum(Money.of(p["amount"]).cents for p in priors) <= Money.of(600_000).cents


def test_tvp_400k_ceiling_applies_to_a_june_2019_application_after_a_200k_approval() -> None:
    decision = decide(
        received="2019-06-01",
        total_cost="900000",
        prior_approvals=[{"amount": "200000", "approved_on": "2019-01-15", "ongoing": False}],
    )
    assert decision.amount == Money.of(200_000)
    # Only the month of the regularisation is known: the day is a guess [C].
    assert decision.provisional
    assert "tvp.cumulative_ceiling" in {t.parameter for t in decision.unverified}


def test_tvp_ceiling_confirmed_from_1_december_2019_is_not_provisional() -> None:
    decision = decide(received="2020-01-02", total_cost="300000")
    assert not any(t.parameter == "tvp.cumulative_ceiling" for t in decision.unverified)


def test_tvp_an_approval_dated_after_the_application_is_not_counted_against_the_ceiling() -> None:
    decision = decide(
        received="2021-01-01",
        total_cost="400000",
        prior_approvals=[{"amount": "600000", "approved_on": "2099-01-01"}],
    )
    assert decision.amount == Money.of(300_000)
    assert "later_approval_left_out" in codes(decision)
