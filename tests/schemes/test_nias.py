"""NIAS: 1/3 of cost up to HK$200M from HK$300M of cost; two projects, HK$200M per enterprise."""

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

M = 1_000_000


def case(**overrides: Any) -> dict[str, Any]:
    """A complete, eligible application; tests change what matters."""
    base: dict[str, Any] = {
        "received": "2025-01-10",
        "total_cost": str(600 * M),
        "incorporated_under": "cap622",
        "subvented": False,
        "industry": "life_health_technology",
    }
    base.update(overrides)
    return base


def decide(**overrides: Any) -> Decision:
    return default_engine().decide("nias", case(**overrides))


def codes(decision: Decision) -> set[str]:
    return {r.code for r in decision.reasons}


def test_jean_marie_pharmacal_gets_about_200m_of_a_600m_project() -> None:
    decision = decide(received="2025-02-05", total_cost="600000000")
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.amount == Money.of("200000000")


def test_grant_is_one_third_of_cost_below_the_project_cap() -> None:
    assert decide(total_cost="450000000").amount == Money.of("150000000")


def test_grant_is_capped_at_200m_per_project() -> None:
    assert decide(total_cost="900000000").amount == Money.of("200000000")


def test_project_below_300m_is_ineligible() -> None:
    decision = decide(total_cost="299999999.99")
    assert decision.outcome is Outcome.INELIGIBLE
    assert decision.amount == Money.zero()
    assert "below_min_cost" in codes(decision)


def test_project_of_exactly_300m_is_eligible_for_100m() -> None:
    decision = decide(total_cost="300000000")
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.amount == Money.of("100000000")


def test_ineligible_costs_count_against_the_minimum() -> None:
    decision = decide(total_cost="310000000", ineligible_costs="20000000")
    assert decision.outcome is Outcome.INELIGIBLE


def test_enterprise_contribution_below_200m_is_ineligible() -> None:
    decision = decide(total_cost="400000000", enterprise_contribution="150000000")
    assert decision.outcome is Outcome.INELIGIBLE
    assert "low_contribution" in codes(decision)


def test_third_project_is_refused() -> None:
    prior = [{"amount": "50000000", "approved_on": "2024-12-01"}] * 2
    decision = decide(prior_approvals=prior)
    assert decision.outcome is Outcome.INELIGIBLE
    assert "too_many_projects" in codes(decision)


def test_second_project_gets_only_what_the_200m_enterprise_cap_leaves() -> None:
    prior = [{"amount": "150000000", "approved_on": "2024-12-01"}]
    decision = decide(prior_approvals=prior)
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.amount == Money.of("50000000")
    assert "enterprise_cap" in codes(decision)


def test_enterprise_that_used_its_200m_gets_nothing() -> None:
    prior = [{"amount": "200000000", "approved_on": "2024-12-01"}]
    decision = decide(prior_approvals=prior)
    assert decision.outcome is Outcome.INELIGIBLE
    assert decision.amount == Money.zero()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("incorporated_under", "cap310", "not_cap622"),
        ("subvented", True, "not_non_subvented"),
        ("industry", "textiles", "not_strategic_industry"),
    ],
)
def test_ineligible_applicants_are_refused_with_a_reason(field: str, value: Any, code: str) -> None:
    decision = decide(**{field: value})
    assert decision.outcome is Outcome.INELIGIBLE
    assert code in codes(decision)
    assert all(r.zh for r in decision.reasons)


def test_missing_facts_give_a_tentative_grant() -> None:
    decision = default_engine().decide(
        "nias", {"received": "2025-01-10", "total_cost": str(600 * M)}
    )
    assert decision.outcome is Outcome.TENTATIVE
    assert decision.amount == Money.of("200000000")
    assert {"cap622_unknown", "non_subvented_unknown", "strategic_industry_unknown"} <= codes(
        decision
    )


def test_date_before_the_scheme_existed_is_a_rule_error() -> None:
    with pytest.raises(RuleError, match="did not exist"):
        decide(received="2024-08-31")


def test_lowered_thresholds_from_2026_07_27_are_encoded_as_unverified() -> None:
    before = decide(received="2026-07-26", total_cost="200000000")
    after = decide(received="2026-07-27", total_cost="200000000")
    assert before.outcome is Outcome.INELIGIBLE
    assert after.outcome is Outcome.ELIGIBLE
    assert after.amount == Money.of("66666666.66")
    used = {t.parameter: t.confidence for t in after.trace}
    assert used["nias.min_project_cost"] == "C"


def test_contribution_threshold_changes_on_2026_07_27() -> None:
    kwargs = {"total_cost": "400000000", "enterprise_contribution": "150000000"}
    assert decide(received="2026-07-26", **kwargs).outcome is Outcome.INELIGIBLE
    assert decide(received="2026-07-27", **kwargs).outcome is Outcome.ELIGIBLE


costs = st.decimals(min_value=0, max_value=Decimal(2_000 * M), places=2)
days = st.dates(min_value=date(2024, 9, 1), max_value=date(2027, 12, 31))


@settings(max_examples=60, deadline=None)
@given(cost=costs, received=days)
def test_grant_never_exceeds_one_third_or_the_caps(cost: Decimal, received: date) -> None:
    decision = decide(total_cost=str(cost), received=received.isoformat())
    cents = int(cost * 100)
    assert decision.amount.cents * 3 <= cents
    assert decision.amount <= Money.of("200000000")
    assert decision.amount.amount == decision.amount.amount.quantize(Decimal("0.01"))


@settings(max_examples=60, deadline=None)
@given(cost=costs, extra=costs, received=days)
def test_grant_never_falls_when_cost_grows(cost: Decimal, extra: Decimal, received: date) -> None:
    small = decide(total_cost=str(cost), received=received.isoformat())
    large = decide(total_cost=str(cost + extra), received=received.isoformat())
    assert large.amount >= small.amount


@settings(max_examples=40, deadline=None)
@given(
    costs=st.lists(st.decimals(min_value=250 * M, max_value=900 * M, places=2), max_size=5),
    start=days,
)
def test_enterprise_caps_hold_across_any_sequence_of_applications(
    costs: list[Decimal], start: date
) -> None:
    prior: list[dict[str, str]] = []
    for step, cost in enumerate(costs):
        received = start + timedelta(days=30 * step)
        decision = decide(
            total_cost=str(cost), received=received.isoformat(), prior_approvals=prior
        )
        if decision.outcome is not Outcome.INELIGIBLE:
            prior.append(
                {"amount": str(decision.amount.amount), "approved_on": received.isoformat()}
            )
    assert len(prior) <= 2
    assert sum(Decimal(p["amount"]) for p in prior) <= 200 * M


@pytest.mark.parametrize("scheme", ["nias"])
def test_every_unverified_value_carries_a_note(scheme: str) -> None:
    parameters = default_engine().parameters.of_scheme(scheme)
    assert parameters
    for parameter in parameters:
        for value in parameter.values:
            assert value.source
            if value.confidence == "C":
                assert value.note, f"{parameter.key} {value.effective_from} is [C] without a note"
