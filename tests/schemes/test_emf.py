"""EMF: the per-application and cumulative caps, website sub-cap and special measures."""

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

SME = {
    "activity": "exhibition_outside_hk",
    "employees_in_hk": 10,
    "manufacturing": False,
    "listed": False,
    "business_registration": True,
    "substantive_operations_in_hk": True,
    "organiser_related": False,
}


def decide(**inputs: Any) -> Decision:
    """An EMF decision for an eligible SME unless the inputs say otherwise."""
    return default_engine().decide("emf", {**SME, **inputs})


def codes(decision: Decision) -> set[str]:
    """The reason codes of a decision."""
    return {r.code for r in decision.reasons}


def test_emf_pays_half_up_to_100k_per_application() -> None:
    assert decide(received="2024-01-02", approved_expenditure="150000.01").amount == (
        Money.of("75000.00")
    )
    assert decide(received="2024-01-02", approved_expenditure="900000").amount == Money.of(100_000)


def test_emf_share_falls_to_25_percent_from_14_march_2025() -> None:
    assert decide(received="2025-03-13", approved_expenditure="100000").amount == Money.of(50_000)
    assert decide(received="2025-03-14", approved_expenditure="100000").amount == Money.of(25_000)


@pytest.mark.parametrize(
    ("day_before", "old", "day", "new"),
    [
        ("2020-01-19", 400_000, "2020-01-20", 800_000),
        ("2022-10-31", 800_000, "2022-11-01", 1_000_000),
    ],
)
def test_emf_cumulative_ceiling_versions(day_before: str, old: int, day: str, new: int) -> None:
    earlier = [{"amount": str(old - 10), "approved_on": "2010-01-01", "connected_enterprise": True}]
    before = decide(received=day_before, approved_expenditure="1000000", prior_approvals=earlier)
    after = decide(received=day, approved_expenditure="1000000", prior_approvals=earlier)
    assert before.amount == Money.of(10)
    assert "cumulative_ceiling" in codes(before)
    assert after.amount == Money.of(min(new - old + 10, 100_000))


def test_emf_website_is_held_to_half_of_the_cumulative_ceiling() -> None:
    websites = [
        {"amount": "100000", "approved_on": "2023-01-01", "activity": "corporate_website_or_app"}
        for _ in range(4)
    ] + [{"amount": "90000", "approved_on": "2023-06-01", "activity": "corporate_website_or_app"}]
    decision = decide(
        received="2024-01-02",
        activity="corporate_website_or_app",
        approved_expenditure="200000",
        prior_approvals=websites,
    )
    assert decision.amount == Money.of(10_000)
    assert "website_cap" in codes(decision)


def test_emf_special_measures_open_local_and_online_exhibitions_from_30_april_2021() -> None:
    for activity in ("online_exhibition", "exhibition_in_hk_local_market"):
        early = decide(received="2021-04-29", activity=activity, approved_expenditure="1000")
        assert early.outcome is Outcome.INELIGIBLE
        assert "activity_not_covered" in codes(early)
        assert decide(
            received="2021-04-30", activity=activity, approved_expenditure="1000"
        ).outcome is (Outcome.ELIGIBLE)


def test_emf_sme_definition_depends_on_manufacturing() -> None:
    assert (
        decide(
            received="2019-01-02",
            approved_expenditure="1000",
            manufacturing=True,
            employees_in_hk=99,
        ).outcome
        is Outcome.ELIGIBLE
    )
    big = decide(
        received="2019-01-02", approved_expenditure="1000", manufacturing=True, employees_in_hk=100
    )
    assert big.outcome is Outcome.INELIGIBLE
    assert "not_sme" in codes(big)
    assert (
        decide(received="2019-01-02", approved_expenditure="1000", employees_in_hk=50).outcome
        is Outcome.INELIGIBLE
    )


def test_emf_non_listed_non_smes_may_apply_only_under_the_special_measures() -> None:
    big = {"employees_in_hk": 500, "approved_expenditure": "1000"}
    assert decide(received="2021-04-29", **big).outcome is Outcome.INELIGIBLE
    assert decide(received="2021-04-30", **big).outcome is Outcome.ELIGIBLE
    assert decide(received="2026-06-30", **big).outcome is Outcome.ELIGIBLE
    listed = decide(received="2022-01-03", listed=True, **big)
    assert listed.outcome is Outcome.INELIGIBLE
    assert "not_non_listed" in codes(listed)


def test_emf_closes_on_1_july_2026_and_did_not_exist_before_2001() -> None:
    closed = decide(received="2026-07-01", approved_expenditure="1000")
    assert closed.outcome is Outcome.INELIGIBLE
    assert "scheme_closed" in codes(closed)
    with pytest.raises(RuleError):
        decide(received="2000-12-31", approved_expenditure="1000")


def test_emf_refuses_organisers_and_late_applications_and_is_tentative_without_facts() -> None:
    assert "not_not_organiser" in codes(
        decide(received="2024-01-02", approved_expenditure="1000", organiser_related=True)
    )
    late = decide(received="2024-03-02", activity_ended="2024-01-01", approved_expenditure="1000")
    assert "late" in codes(late)
    unknown = default_engine().decide(
        "emf",
        {"received": "2019-01-02", "activity": "business_mission", "approved_expenditure": "1000"},
    )
    assert unknown.outcome is Outcome.TENTATIVE
    assert unknown.amount == Money.of(500)


DAYS = st.dates(min_value=date(2001, 1, 1), max_value=date(2026, 6, 30))
CENTS = st.integers(min_value=0, max_value=100_000_000)


@settings(max_examples=60, deadline=None)
@given(day=DAYS, cents=CENTS, extra=st.integers(min_value=0, max_value=10_000_000))
def test_emf_grant_within_share_and_cap_and_monotone_in_cost(
    day: date, cents: int, extra: int
) -> None:
    low = decide(received=day.isoformat(), approved_expenditure=str(Decimal(cents) / 100))
    high = decide(received=day.isoformat(), approved_expenditure=str(Decimal(cents + extra) / 100))
    assert high.amount >= low.amount
    share = Decimal(
        1,
    ) / (4 if day >= date(2025, 3, 14) else 2)
    assert Decimal(low.amount.cents) <= Decimal(cents) * share
    assert low.amount <= Money.of(100_000)


@settings(max_examples=25, deadline=None)
@given(
    start=DAYS,
    steps=st.lists(
        st.tuples(st.integers(min_value=1, max_value=50_000_000), st.booleans()),
        min_size=1,
        max_size=25,
    ),
)
def test_emf_cumulative_and_website_caps_hold_across_an_enterprises_applications(
    start: date, steps: list[tuple[int, bool]]
) -> None:
    priors: list[dict[str, Any]] = []
    day = start
    for cents, website in steps:
        if day >= date(2026, 7, 1):
            break
        activity = "corporate_website_or_app" if website else "exhibition_outside_hk"
        decision = decide(
            received=day.isoformat(),
            activity=activity,
            approved_expenditure=str(Decimal(cents) / 100),
            prior_approvals=priors,
        )
        if decision.outcome is Outcome.ELIGIBLE:
            priors.append(
                {
                    "amount": str(decision.amount.amount),
                    "approved_on": day.isoformat(),
                    "activity": activity,
                }
            )
        day += timedelta(days=30)
    ceiling = default_engine().parameters.get("emf", "cumulative_ceiling").at(day)
    assert ceiling is not None and isinstance(ceiling.value, Money)
    total = sum(Money.of(p["amount"]).cents for p in priors)
    web = sum(
        Money.of(p["amount"]).cents for p in priors if p["activity"] == "corporate_website_or_app"
    )
    assert total <= ceiling.value.cents
    assert web <= ceiling.value.cents // 2


def test_emf_an_approval_dated_after_the_application_is_not_counted_against_the_ceiling() -> None:
    decision = decide(
        received="2024-01-01",
        activity="exhibition_outside_hk",
        approved_expenditure="200000",
        prior_approvals=[{"amount": "1000000", "approved_on": "2099-01-01"}],
    )
    assert decision.amount.cents == 100_000_00
    assert "later_approval_left_out" in {r.code for r in decision.reasons}
