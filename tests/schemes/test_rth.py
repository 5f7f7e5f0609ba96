"""RTH: allowance ceilings by degree (versioned), four talents, 36 months, RTH-NIAS extras."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reind.core.errors import RuleError
from reind.core.money import Money
from reind.rules.decision import Decision, Outcome
from reind.schemes.catalogue import default_engine


def talent(
    degree: str = "bachelor", months: int = 12, pay: str = "50000", **extra: Any
) -> dict[str, Any]:
    """One talent asked for."""
    return {"degree": degree, "months": months, "monthly_pay": pay, **extra}


def decide(received: str, *talents: dict[str, Any], **inputs: Any) -> Decision:
    """An RTH decision."""
    return default_engine().decide(
        "rth", {"received": received, "talents": list(talents), **inputs}
    )


def codes(decision: Decision) -> set[str]:
    """The reason codes of a decision."""
    return {r.code for r in decision.reasons}


@pytest.mark.parametrize(
    ("degree", "old", "new"),
    [("bachelor", 18_000, 20_000), ("master", 21_000, 23_000), ("phd", 32_000, 45_000)],
)
def test_rth_allowance_ceilings_rise_in_september_2024(degree: str, old: int, new: int) -> None:
    assert decide("2024-08-31", talent(degree, months=1)).amount == Money.of(old)
    # A PhD also gets the HK$10,000 living allowance from then.
    assert decide("2024-09-01", talent(degree, months=1)).amount == Money.of(new)


def test_rth_pays_the_lower_of_pay_and_ceiling_for_each_month() -> None:
    assert decide("2022-01-03", talent(pay="15000.01", months=3)).amount == Money.of("45000.03")


def test_rth_funds_each_talent_for_at_most_36_months() -> None:
    decision = decide("2022-01-03", talent(months=40, pay="1000"))
    assert decision.amount == Money.of(36_000)
    assert "months_capped" in codes(decision)


def test_rth_allows_four_talents_and_nias_36_more_at_half() -> None:
    five = [talent(months=1) for _ in range(5)]
    refused = decide("2024-10-02", *five)
    assert refused.outcome is Outcome.INELIGIBLE
    assert "too_many_talents" in codes(refused)
    nias = decide("2024-10-02", *five, programme="nias")
    assert nias.amount == Money.of(4 * 20_000 + 10_000)
    assert "nias_not_offered" in codes(decide("2024-08-31", talent(), programme="nias"))
    assert "too_many_talents" in codes(
        decide("2024-10-02", talent(), programme="nias", talents_already_engaged=40)
    )


def test_rth_non_local_degrees_count_from_march_2021_if_top_100() -> None:
    non_local = talent(non_local_degree=True, top100_institution=True)
    assert "not_non_local_degrees" in codes(decide("2021-02-28", non_local))
    assert decide("2021-03-01", non_local).outcome is Outcome.ELIGIBLE
    not_top = talent(non_local_degree=True, top100_institution=False)
    assert "not_top100" in codes(decide("2021-03-01", not_top))
    assert decide("2021-03-01", talent(non_local_degree=True)).outcome is Outcome.TENTATIVE


def test_rth_ess_host_projects_must_last_twelve_months() -> None:
    short = decide("2022-01-03", talent(), host_scheme="ess", host_project_months=11)
    assert "not_ess_host_length" in codes(short)
    assert (
        decide("2022-01-03", talent(), host_scheme="ess", host_project_months=12).outcome
        is Outcome.ELIGIBLE
    )


def test_rth_did_not_exist_before_july_2020() -> None:
    with pytest.raises(RuleError):
        decide("2020-06-30", talent())


@settings(max_examples=60, deadline=None)
@given(
    pays=st.lists(st.integers(min_value=1, max_value=10_000_000), min_size=1, max_size=4),
    raise_by=st.integers(min_value=0, max_value=1_000_000),
    months=st.integers(min_value=1, max_value=48),
)
def test_rth_grant_within_ceilings_and_monotone_in_pay(
    pays: list[int], raise_by: int, months: int
) -> None:
    low = decide("2023-01-03", *(talent("master", months, str(Decimal(p) / 100)) for p in pays))
    high = decide(
        "2023-01-03", *(talent("master", months, str(Decimal(p + raise_by) / 100)) for p in pays)
    )
    assert high.amount >= low.amount
    assert low.amount.cents <= len(pays) * min(months, 36) * 21_000_00
    assert low.amount.cents <= sum(pays) * min(months, 36)
