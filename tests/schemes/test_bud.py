"""BUD Fund: dated versions, programme types, markets and enterprise ceilings."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reind.core.errors import RuleError
from reind.core.money import Money
from reind.rules.decision import Decision, Outcome
from reind.schemes.catalogue import default_engine

GOOD = {"listed": False, "business_registration": True, "substantive_operations_in_hk": True}


def decide(**inputs: Any) -> Decision:
    """A BUD decision for an eligible applicant unless the inputs say otherwise."""
    return default_engine().decide("bud", {**GOOD, **inputs})


def prior(amount: int | str, **extra: Any) -> dict[str, Any]:
    """An earlier approval of the enterprise."""
    return {"amount": str(amount), "approved_on": "2012-07-01", **extra}


def codes(decision: Decision) -> set[str]:
    """The reason codes of a decision."""
    return {r.code for r in decision.reasons}


def test_bud_matching_falls_from_one_half_to_one_quarter_for_applications_from_14_march_2025() -> (
    None
):
    before = decide(received="2025-03-13", total_cost="400000.03")
    after = decide(received="2025-03-14", total_cost="400000.03")
    assert before.amount == Money.of("200000.01")
    assert after.amount == Money.of("100000.00")


def test_bud_general_cap_is_one_million_before_and_800k_from_14_march_2025() -> None:
    assert decide(received="2025-03-13", total_cost="5000000").amount == Money.of(1_000_000)
    assert decide(received="2025-03-14", total_cost="5000000").amount == Money.of(800_000)


def test_bud_did_not_exist_before_25_june_2012() -> None:
    with pytest.raises(RuleError, match="did not exist"):
        decide(received="2012-06-24", total_cost="1000")
    assert decide(received="2012-06-25", total_cost="1000").outcome is Outcome.ELIGIBLE


@pytest.mark.parametrize(
    ("market", "first_day"),
    [("asean", date(2018, 8, 1)), ("fta", date(2020, 1, 20)), ("ippa", date(2021, 7, 30))],
)
def test_bud_market_is_covered_only_from_its_programme_date(market: str, first_day: date) -> None:
    day_before = decide(
        received=(first_day - timedelta(days=1)).isoformat(), market=market, total_cost="1000"
    )
    assert day_before.outcome is Outcome.INELIGIBLE
    assert "market_not_covered" in codes(day_before)
    on_day = decide(received=first_day.isoformat(), market=market, total_cost="1000")
    assert on_day.outcome is Outcome.ELIGIBLE


@pytest.mark.parametrize(
    ("day_before", "old_room", "day", "new_room", "market"),
    [
        ("2018-07-31", 500_000, "2018-08-01", 1_000_000, "mainland"),
        ("2020-01-19", 1_000_000, "2020-01-20", 2_000_000, "mainland"),
        ("2020-01-19", 1_000_000, "2020-01-20", 2_000_000, "asean"),
        ("2021-07-29", 2_000_000, "2021-07-30", 6_000_000, "mainland"),
        ("2022-10-31", 6_000_000, "2022-11-01", 7_000_000, "mainland"),
    ],
)
def test_bud_cumulative_ceiling_versions(
    day_before: str, old_room: int, day: str, new_room: int, market: str
) -> None:
    # Earlier approvals in the same market, HK$1 under the old ceiling.
    used = old_room - 1
    same_market = [prior(used, market=market, ongoing=False)]
    before = decide(
        received=day_before, market=market, total_cost="9000000", prior_approvals=same_market
    )
    after = decide(received=day, market=market, total_cost="9000000", prior_approvals=same_market)
    assert before.amount == Money.of(1)
    assert after.amount == Money.of(min(new_room - used, 1_000_000))


def test_bud_mainland_and_asean_ceilings_were_separate_in_2018() -> None:
    asean_used = [prior(1_000_000, market="asean", ongoing=False)]
    assert decide(
        received="2019-01-01", total_cost="600000", prior_approvals=asean_used
    ).amount == Money.of(300_000)
    full = decide(
        received="2019-01-01", market="asean", total_cost="600000", prior_approvals=asean_used
    )
    assert full.outcome is Outcome.INELIGIBLE
    assert "programme_ceiling" in codes(full)


def test_bud_project_limit_rises_from_60_to_70_in_november_2022() -> None:
    sixty = [prior(1, ongoing=False) for _ in range(60)]
    refused = decide(received="2022-10-31", total_cost="1000", prior_approvals=sixty)
    assert refused.outcome is Outcome.INELIGIBLE
    assert "too_many_projects" in codes(refused)
    assert decide(received="2022-11-01", total_cost="1000", prior_approvals=sixty).outcome is (
        Outcome.ELIGIBLE
    )


def test_bud_asean_programme_allowed_ten_projects() -> None:
    ten = [prior(1, market="asean", ongoing=False) for _ in range(10)]
    refused = decide(received="2019-06-01", market="asean", total_cost="1000", prior_approvals=ten)
    assert "too_many_projects" in codes(refused)
    assert decide(received="2019-06-01", total_cost="1000", prior_approvals=ten).outcome is (
        Outcome.ELIGIBLE
    )


def test_bud_in_force_cap_of_800k_applies_from_14_march_2025() -> None:
    running = [prior(700_000, ongoing=True)]
    before = decide(received="2025-03-13", total_cost="1000000", prior_approvals=running)
    after = decide(received="2025-03-14", total_cost="1000000", prior_approvals=running)
    assert before.amount == Money.of(500_000)
    assert after.amount == Money.of(100_000)
    assert "in_force_cap" in codes(after)


def test_easy_bud_was_not_offered_before_16_june_2023() -> None:
    refused = decide(received="2023-06-15", programme="easy", total_cost="1000")
    assert refused.outcome is Outcome.INELIGIBLE
    assert "programme_not_offered" in codes(refused)
    assert decide(received="2023-06-16", programme="easy", total_cost="1000").amount == Money.of(
        500
    )


def test_easy_bud_audit_fee_is_funded_in_full_until_14_march_2025() -> None:
    before = decide(received="2025-03-13", programme="easy", total_cost="105000", audit_fee="8000")
    # 50% of 100,000 plus the 5,000 audit fee funded in full.
    assert before.amount == Money.of(55_000)
    after = decide(received="2025-03-14", programme="easy", total_cost="105000", audit_fee="8000")
    assert after.amount == Money.of(26_250)


def test_easy_bud_cap_rises_to_150k_on_15_june_2026() -> None:
    assert decide(received="2026-06-14", programme="easy", total_cost="900000").amount == (
        Money.of(100_000)
    )
    assert decide(received="2026-06-15", programme="easy", total_cost="900000").amount == (
        Money.of(150_000)
    )


def test_easy_bud_interval_shortens_from_six_to_three_months() -> None:
    last = [prior(50_000, programme="easy", received="2024-12-20", ongoing=False)]
    refused = decide(
        received="2025-03-13", programme="easy", total_cost="1000", prior_approvals=last
    )
    assert refused.outcome is Outcome.INELIGIBLE
    assert "easy_interval" in codes(refused)
    allowed = decide(
        received="2025-03-20", programme="easy", total_cost="1000", prior_approvals=last
    )
    assert allowed.outcome is Outcome.ELIGIBLE


def test_easy_bud_project_longer_than_twelve_months_is_refused() -> None:
    refused = decide(received="2024-01-02", programme="easy", total_cost="1000", duration_months=13)
    assert "too_long" in codes(refused)


def test_ecommerce_easy_markets_and_ceiling() -> None:
    assert "programme_not_offered" in codes(
        decide(received="2023-10-24", programme="ecommerce_easy", total_cost="1000")
    )
    asean_early = decide(
        received="2025-03-13", programme="ecommerce_easy", market="asean", total_cost="1000"
    )
    assert "market_not_covered" in codes(asean_early)
    asean_late = decide(
        received="2025-03-14", programme="ecommerce_easy", market="asean", total_cost="1000"
    )
    assert asean_late.outcome is Outcome.ELIGIBLE
    used = [prior(900_000, programme="ecommerce_easy", ongoing=False)]
    capped = decide(
        received="2024-06-01",
        programme="ecommerce_easy",
        total_cost="1000000",
        prior_approvals=used,
    )
    assert capped.amount == Money.of(100_000)
    assert "ecommerce_easy_ceiling" in codes(capped)


def test_bud_initial_payment_share_versions() -> None:
    shares = {
        "2019-01-01": "HK$125,000.00",
        "2020-01-20": "HK$375,000.00",
    }
    for day, shown in shares.items():
        reason = next(
            r
            for r in decide(received=day, total_cost="1000000").reasons
            if r.code == "initial_payment"
        )
        assert shown in reason.en
    reason = next(
        r
        for r in decide(received="2025-03-14", total_cost="1000000").reasons
        if r.code == "initial_payment"
    )
    assert "HK$50,000.00" in reason.en


def test_bud_notes_emf_consolidation_from_1_july_2026() -> None:
    assert "emf_consolidated" not in codes(decide(received="2026-06-30", total_cost="1000"))
    assert "emf_consolidated" in codes(decide(received="2026-07-01", total_cost="1000"))


def test_listed_enterprise_is_refused_and_missing_facts_are_tentative() -> None:
    listed = decide(received="2024-01-02", total_cost="1000", listed=True)
    assert listed.outcome is Outcome.INELIGIBLE
    assert "not_non_listed" in codes(listed)
    unknown = default_engine().decide("bud", {"received": "2024-01-02", "total_cost": "1000"})
    assert unknown.outcome is Outcome.TENTATIVE
    assert unknown.amount == Money.of(500)


def test_bud_staff_costs_above_half_and_unfunded_lines_are_excluded() -> None:
    decision = decide(
        received="2024-01-02",
        total_cost="100000",
        staff_costs="70000",
        cost_lines=[{"category": "yacht", "amount": "0.02"}],
    )
    # 99,999.98 eligible; staff above 49,999.99 excluded (20,000.01) -> 79,999.97 x 50%.
    assert decision.amount == Money.of("39999.98")
    assert {"staff_cost_share_cap_exceeded", "unfunded_cost_lines"} <= codes(decision)


DAYS = st.dates(min_value=date(2012, 6, 25), max_value=date(2027, 12, 31))
CENTS = st.integers(min_value=0, max_value=300_000_000)


@settings(max_examples=60, deadline=None)
@given(day=DAYS, cents=CENTS, programme=st.sampled_from(["general", "easy", "ecommerce_easy"]))
def test_bud_grant_never_exceeds_the_share_or_the_caps_in_force(
    day: date, cents: int, programme: str
) -> None:
    decision = decide(
        received=day.isoformat(), total_cost=str(Decimal(cents) / 100), programme=programme
    )
    params = default_engine().parameters
    ratio = params.get("bud", "matching_share").at(day)
    assert ratio is not None
    assert isinstance(ratio.value, Fraction)
    assert decision.amount.cents * ratio.value.denominator <= cents * ratio.value.numerator + (
        500_000 * ratio.value.denominator  # an Easy BUD audit fee of up to HK$5,000 in full
        if programme == "easy"
        else 0
    )
    cap_name = "easy_application_cap" if programme == "easy" else "project_cap"
    cap = params.get("bud", cap_name).at(day)
    if cap is not None and isinstance(cap.value, Money):
        assert decision.amount <= cap.value


@settings(max_examples=60, deadline=None)
@given(day=DAYS, cents=CENTS, extra=st.integers(min_value=0, max_value=50_000_000))
def test_bud_grant_never_decreases_when_eligible_cost_grows(
    day: date, cents: int, extra: int
) -> None:
    low = decide(received=day.isoformat(), total_cost=str(Decimal(cents) / 100))
    high = decide(received=day.isoformat(), total_cost=str(Decimal(cents + extra) / 100))
    assert high.amount >= low.amount


@settings(max_examples=25, deadline=None)
@given(
    start=st.dates(min_value=date(2012, 6, 25), max_value=date(2026, 1, 1)),
    costs=st.lists(st.integers(min_value=1, max_value=400_000_000), min_size=1, max_size=14),
    market=st.sampled_from(["mainland", "asean"]),
)
def test_bud_cumulative_ceilings_hold_across_an_enterprises_applications(
    start: date, costs: list[int], market: str
) -> None:
    priors: list[dict[str, Any]] = []
    day = start
    for cents in costs:
        decision = decide(
            received=day.isoformat(),
            market=market,
            total_cost=str(Decimal(cents) / 100),
            prior_approvals=priors,
        )
        if decision.outcome is Outcome.ELIGIBLE:
            priors.append(
                {
                    "amount": str(decision.amount.amount),
                    "approved_on": day.isoformat(),
                    "market": market,
                    "ongoing": False,
                }
            )
        day += timedelta(days=60)
    total = sum(Money.of(p["amount"]).cents for p in priors)
    params = default_engine().parameters
    last = day - timedelta(days=60)
    for name in (
        "cumulative_ceiling",
        "mainland_programme_ceiling" if market == "mainland" else "other_markets_programme_ceiling",
    ):
        ceiling = params.get("bud", name).at(last)
        if ceiling is not None and isinstance(ceiling.value, Money):
            assert total <= ceiling.value.cents
    assert total <= Money.of(7_000_000).cents
