"""NIAS decided as columns gives each case the decision ``decide`` gives it."""

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reind.core.errors import InvalidInputError
from reind.rules.columns import cents_text
from reind.schemes.catalogue import default_engine
from reind.schemes.nias import NIAS

from .column_parity import decided_alike

# Amounts from a cent to the largest input, weighted towards the thresholds and caps.
cents = st.one_of(
    st.integers(min_value=0, max_value=10**15 - 1),
    st.integers(min_value=0, max_value=10**11),
    st.sampled_from([0, 1, 15_000_000_000, 30_000_000_000, 20_000_000_000, 60_000_000_000]),
)
amounts = cents.map(cents_text)
INDUSTRIES = ["life_health_technology", "ai_data_science", "textiles"]
nias_cases = st.fixed_dictionaries(
    {
        # From the start, across the 2026-07-27 thresholds.
        "received": st.dates(date(2024, 9, 1), date(2027, 6, 30)).map(date.isoformat),
        "total_cost": amounts,
    },
    optional={
        "ineligible_costs": amounts,
        "enterprise_contribution": amounts,
        "incorporated_under": st.sampled_from(["cap622", "cap310", "other"]),
        "subvented": st.booleans(),
        "industry": st.sampled_from(INDUSTRIES),
        "prior_approvals": st.lists(
            st.fixed_dictionaries(
                {
                    "amount": st.integers(0, 3 * 10**10).map(cents_text),
                    "approved_on": st.dates(date(2024, 1, 1), date(2024, 8, 31)).map(
                        date.isoformat
                    ),
                }
            ),
            max_size=3,
        ),
    },
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(nias_cases, max_size=30),
    st.one_of(st.none(), st.dates(date(2024, 9, 1), date(2027, 6, 30))),
)
def test_nias_columns_give_each_case_the_decision_decide_gives_it(
    raw: list[dict[str, Any]], as_of: date | None
) -> None:
    decided_alike(default_engine(), "nias", raw, as_of)


def test_every_nias_path_matches_decide_before_and_after_the_2026_thresholds() -> None:
    earlier: tuple[list[dict[str, str]], ...] = (
        [],
        [{"amount": "150000000.00", "approved_on": "2024-01-01"}],
        [{"amount": "200000000.00", "approved_on": "2024-01-01"}],
        [{"amount": "1.00", "approved_on": "2024-01-01"}] * 2,
    )
    raw = [
        {
            "received": received, "total_cost": cost, "incorporated_under": incorporated,
            "subvented": subvented, "industry": industry, "enterprise_contribution": put_in,
            "prior_approvals": prior,
        }
        for received in ("2024-09-01", "2026-08-01")
        for cost in ("600000000.00", "200000000.00", "1000000.00")
        for incorporated in ("cap622", "cap310", None)
        for subvented in (False, True, None)
        for industry in ("ai_data_science", "textiles", None)
        for put_in in (None, "150000000.00")
        for prior in earlier
    ]  # fmt: skip
    batch = decided_alike(default_engine(), "nias", raw)
    codes = {r.code for decision in batch for r in decision.reasons}
    assert {
        "cap622_unknown", "not_cap622", "non_subvented_unknown", "not_non_subvented",
        "strategic_industry_unknown", "not_strategic_industry", "below_min_cost",
        "too_many_projects", "matching", "enterprise_cap", "low_contribution",
        "nothing_to_fund", "grant",
    } <= codes  # fmt: skip
    assert set(batch.outcomes.tolist()) == {0, 1, 2}


def test_an_empty_industry_is_not_a_column_value() -> None:
    with pytest.raises(InvalidInputError, match="empty industry"):
        NIAS.columns_of([{"received": "2025-01-01", "total_cost": "1.00", "industry": ""}])
