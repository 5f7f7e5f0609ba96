"""BUD decided as columns gives each case the decision ``decide`` gives it."""

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reind.rules.columns import cents_text
from reind.schemes.catalogue import default_engine

from .column_parity import decided_alike

cents = st.one_of(
    st.integers(min_value=0, max_value=10**15 - 1),
    st.integers(min_value=0, max_value=4 * 10**8),
    st.sampled_from([0, 1, 10_000_000, 80_000_000, 100_000_000, 200_000_000]),
)
amounts = cents.map(cents_text)
small = st.integers(min_value=0, max_value=10**8).map(cents_text)
PROGRAMMES = ["general", "easy", "ecommerce_easy"]
MARKETS = ["mainland", "asean", "fta", "ippa"]
CATEGORIES = ["branding", "audit_fee", "online_sales_platform", "travel"]
bud_days = st.dates(date(2012, 6, 25), date(2026, 12, 31))
prior = st.fixed_dictionaries(
    {
        "amount": st.integers(0, 3 * 10**8).map(cents_text),
        "approved_on": st.dates(date(2012, 1, 1), date(2012, 6, 24)).map(date.isoformat),
    },
    optional={
        "ongoing": st.booleans(),
        "programme": st.sampled_from(PROGRAMMES),
        "market": st.sampled_from(MARKETS),
        "received": bud_days.map(date.isoformat),
    },
)
bud_cases = st.fixed_dictionaries(
    # From the start, across every change of markets, programmes, shares and ceilings.
    {"received": bud_days.map(date.isoformat), "total_cost": amounts},
    optional={
        "programme": st.sampled_from(PROGRAMMES),
        "market": st.sampled_from(MARKETS),
        "ineligible_costs": amounts,
        "cost_lines": st.lists(
            st.fixed_dictionaries({"category": st.sampled_from(CATEGORIES), "amount": small}),
            max_size=4,
        ),
        "staff_costs": small,
        "new_entity_setup_costs": small,
        "audit_fee": st.integers(0, 10**6).map(cents_text),
        "duration_months": st.integers(min_value=1, max_value=30),
        "listed": st.booleans(),
        "business_registration": st.booleans(),
        "substantive_operations_in_hk": st.booleans(),
        "prior_approvals": st.lists(prior, max_size=4),
    },
)


@settings(max_examples=60, deadline=None)
@given(st.lists(bud_cases, max_size=30), st.one_of(st.none(), bud_days))
def test_bud_columns_give_each_case_the_decision_decide_gives_it(
    raw: list[dict[str, Any]], as_of: date | None
) -> None:
    decided_alike(default_engine(), "bud", raw, as_of)


def test_every_bud_path_matches_decide_under_each_set_of_rules() -> None:
    earlier: tuple[list[dict[str, Any]], ...] = (
        [],
        [{"amount": "700000.00", "approved_on": "2012-01-01", "market": "asean"}],
        [{"amount": "1900000.00", "approved_on": "2012-01-01", "programme": "ecommerce_easy",
          "ongoing": False}],
        [{"amount": "10.00", "approved_on": "2012-01-01", "programme": "easy", "market": "asean",
          "received": "2025-02-01"}] * 10,
        [{"amount": "6950000.00", "approved_on": "2012-01-01", "ongoing": False}],
    )  # fmt: skip
    raw = [
        {
            "received": received, "programme": programme, "market": market, "total_cost": cost,
            "staff_costs": staff, "new_entity_setup_costs": setup, "audit_fee": "9000.00",
            "cost_lines": lines, "duration_months": 13 if cost == "100000.00" else 12,
            "listed": listed,
            "business_registration": registered, "substantive_operations_in_hk": True,
            "prior_approvals": prior,
        }
        for received in ("2013-01-01", "2019-01-01", "2021-01-01", "2024-01-01", "2025-04-01",
                         "2025-05-01",  # the first day after the Easy BUD interval
                         "2026-07-01")
        for programme in PROGRAMMES
        for market in ("mainland", "asean", "ippa")
        for cost in ("3000000.00", "100000.00")
        for staff, setup, lines in (
            ("0.00", "0.00", []),
            ("2000000.00", "900000.00", [{"category": "travel", "amount": "50000.00"}]),
        )
        for listed in (False, None, True)
        for registered in (True, None)
        for prior in earlier
    ]  # fmt: skip
    batch = decided_alike(default_engine(), "bud", raw)
    codes = {r.code for decision in batch for r in decision.reasons}
    assert {
        "programme_not_offered", "market_not_covered", "non_listed_unknown", "not_non_listed",
        "business_registration_unknown", "too_long", "easy_interval", "too_many_projects",
        "unfunded_cost_lines", "staff_cost_share_cap_exceeded",
        "new_entity_setup_share_cap_exceeded", "matching", "application_cap",
        "programme_ceiling", "cumulative_ceiling", "ecommerce_easy_ceiling", "in_force_cap",
        "nothing_to_fund", "initial_payment", "emf_consolidated", "grant",
    } <= codes  # fmt: skip
    assert set(batch.outcomes.tolist()) == {0, 1, 2}
