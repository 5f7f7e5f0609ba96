"""PSTS: funding capped at half the original project's actual cost (all of it for R&D Centres)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reind.core.money import Money
from reind.rules.decision import Decision, Outcome
from reind.schemes.catalogue import default_engine

ITF = {
    "received": "2024-01-02",
    "original_project_completed": True,
    "led_by_rd_centre": False,
    "duration_months": 24,
    "original_project_actual_cost": "1000000.01",
}


def decide(**inputs: Any) -> Decision:
    """A PSTS-ITF decision unless the inputs say otherwise."""
    return default_engine().decide("psts", {**ITF, **inputs})


def codes(decision: Decision) -> set[str]:
    """The reason codes of a decision."""
    return {r.code for r in decision.reasons}


def test_psts_caps_funding_at_half_the_original_projects_actual_cost() -> None:
    capped = decide(trial_cost="900000")
    assert capped.amount == Money.of("500000.00")
    assert "original_cost_cap" in codes(capped)
    assert decide(trial_cost="300000").amount == Money.of(300_000)


def test_psts_rd_centre_projects_may_get_the_full_original_cost_from_2014() -> None:
    assert decide(received="2013-12-31", trial_cost="900000", led_by_rd_centre=True).amount == (
        Money.of("500000.00")
    )
    assert decide(received="2014-01-01", trial_cost="900000", led_by_rd_centre=True).amount == (
        Money.of(900_000)
    )


def test_psts_trials_longer_than_24_months_are_refused() -> None:
    assert "not_duration" in codes(decide(trial_cost="1", duration_months=25))


def test_psts_spc_stream_opens_in_december_2016_and_excludes_overheads() -> None:
    spc = {
        "stream": "spc",
        "applicant_status": "hkstp_incubatee",
        "trial_cost": "100000",
        "cost_lines": [{"category": "overheads", "amount": "10000"}],
    }
    assert "stream_not_offered" in codes(decide(received="2016-11-30", **spc))
    opened = decide(received="2016-12-01", **spc)
    assert opened.outcome is Outcome.TENTATIVE
    assert opened.amount == Money.of(90_000)
    assert "not_spc_applicant" in codes(
        decide(received="2017-01-02", **{**spc, "applicant_status": "listed_company"})
    )


def test_psts_without_original_cost_is_tentative() -> None:
    decision = decide(trial_cost="1000", original_project_actual_cost=None)
    assert decision.outcome is Outcome.TENTATIVE


@settings(max_examples=60, deadline=None)
@given(
    trial=st.integers(min_value=0, max_value=10**10),
    extra=st.integers(min_value=0, max_value=10**8),
    original=st.integers(min_value=0, max_value=10**10),
    rd_centre=st.booleans(),
)
def test_psts_grant_within_cap_and_monotone(
    trial: int, extra: int, original: int, rd_centre: bool
) -> None:
    common = {
        "original_project_actual_cost": str(Decimal(original) / 100),
        "led_by_rd_centre": rd_centre,
    }
    low = decide(trial_cost=str(Decimal(trial) / 100), **common)
    high = decide(trial_cost=str(Decimal(trial + extra) / 100), **common)
    assert high.amount >= low.amount
    assert low.amount.cents <= trial
    assert low.amount.cents <= (original if rd_centre else original // 2)
