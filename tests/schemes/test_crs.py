"""CRS: a 40% cash rebate on the company's own spending, tentative where no rate is encoded."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reind.core.money import Money
from reind.rules.decision import Decision, Outcome
from reind.schemes.catalogue import default_engine


def decide(**inputs: Any) -> Decision:
    """A CRS decision."""
    return default_engine().decide("crs", inputs)


def test_crs_rebates_40_percent_rounded_down_to_the_cent() -> None:
    decision = decide(received="2024-01-02", project_type="itf_project", eligible_spending="0.04")
    assert decision.amount == Money.of("0.01")
    assert decide(
        received="2024-01-02",
        project_type="partnership_with_designated_institute",
        eligible_spending="250000",
    ).amount == Money.of(100_000)


def test_crs_refuses_other_projects_and_is_tentative_without_project_type() -> None:
    other = decide(received="2024-01-02", project_type="other", eligible_spending="100")
    assert other.outcome is Outcome.INELIGIBLE
    unknown = decide(received="2024-01-02", eligible_spending="100")
    assert unknown.outcome is Outcome.TENTATIVE
    assert unknown.amount == Money.of(40)


def test_crs_rate_before_the_earliest_evidence_is_left_tentative() -> None:
    early = decide(received="2017-04-29", project_type="itf_project", eligible_spending="100")
    assert early.outcome is Outcome.TENTATIVE
    assert "rate_unknown" in {r.code for r in early.reasons}
    assert decide(
        received="2017-04-30", project_type="itf_project", eligible_spending="100"
    ).amount == Money.of(40)


@settings(max_examples=60, deadline=None)
@given(cents=st.integers(min_value=0, max_value=10**12), extra=st.integers(0, 10**9))
def test_crs_rebate_never_exceeds_40_percent_and_grows_with_spending(
    cents: int, extra: int
) -> None:
    low = decide(
        received="2024-01-02",
        project_type="itf_project",
        eligible_spending=str(Decimal(cents) / 100),
    )
    high = decide(
        received="2024-01-02",
        project_type="itf_project",
        eligible_spending=str(Decimal(cents + extra) / 100),
    )
    assert low.amount.cents * 5 <= cents * 2
    assert (cents * 2 - low.amount.cents * 5) < 5  # exact to the cent: rounded down only
    assert high.amount >= low.amount
