"""PSTS decided as columns gives each case the decision ``decide`` gives it."""

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reind.core.errors import InvalidInputError
from reind.rules.columns import cents_text
from reind.schemes.catalogue import default_engine
from reind.schemes.psts import PSTS

from .column_parity import decided_alike

cents = st.one_of(
    st.integers(min_value=0, max_value=10**15 - 1),
    st.integers(min_value=0, max_value=10**9),
    st.sampled_from([0, 1, 100_000_000, 200_000_000]),
)
amounts = cents.map(cents_text)
STATUSES = ["hkstp_incubatee", "cyberport_graduate", "university"]
CATEGORIES = ["overheads", "equipment", "staff"]
psts_cases = st.fixed_dictionaries(
    {
        # From the start, across the R&D Centre share (2014) and the SPC stream (Dec 2016).
        "received": st.dates(date(2011, 3, 1), date(2026, 12, 31)).map(date.isoformat),
        "trial_cost": amounts,
    },
    optional={
        "stream": st.sampled_from(["itf", "spc"]),
        "ineligible_costs": amounts,
        "cost_lines": st.lists(
            st.fixed_dictionaries(
                {
                    "category": st.sampled_from(CATEGORIES),
                    "amount": st.integers(0, 10**8).map(cents_text),
                }
            ),
            max_size=4,
        ),
        "original_project_actual_cost": amounts,
        "original_project_completed": st.booleans(),
        "led_by_rd_centre": st.booleans(),
        "applicant_status": st.sampled_from(STATUSES),
        "duration_months": st.integers(min_value=1, max_value=40),
    },
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(psts_cases, max_size=30),
    st.one_of(st.none(), st.dates(date(2011, 3, 1), date(2026, 12, 31))),
)
def test_psts_columns_give_each_case_the_decision_decide_gives_it(
    raw: list[dict[str, Any]], as_of: date | None
) -> None:
    decided_alike(default_engine(), "psts", raw, as_of)


def test_every_psts_path_matches_decide_before_and_after_the_rd_centre_and_spc_changes() -> None:
    raw = [
        {
            "received": received, "stream": stream, "trial_cost": "500000.00",
            "ineligible_costs": "1000.00", "cost_lines": lines,
            "original_project_actual_cost": original, "original_project_completed": completed,
            "led_by_rd_centre": led, "applicant_status": status, "duration_months": months,
        }
        for received in ("2012-01-01", "2015-01-01", "2020-01-01")
        for stream in ("itf", "spc")
        for lines in ([], [{"category": "overheads", "amount": "0.00"}],
                      [{"category": "overheads", "amount": "600000.00"},
                       {"category": "equipment", "amount": "1.00"}])
        for original in (None, "0.00", "400000.00", "2000000.00")
        for completed in (True, False, None)
        for led in (True, None)
        for status in ("hkstp_incubatee", "university", None)
        for months in (24, 25, None)
    ]  # fmt: skip
    batch = decided_alike(default_engine(), "psts", raw)
    codes = {r.code for decision in batch for r in decision.reasons}
    assert {
        "stream_not_offered", "duration_unknown", "not_duration", "original_completed_unknown",
        "not_original_completed", "spc_applicant_unknown", "not_spc_applicant",
        "unfunded_cost_lines", "spc_ceiling_not_encoded", "original_cost_unknown",
        "rd_centre_unknown", "original_cost_cap", "nothing_to_fund", "grant",
    } <= codes  # fmt: skip
    assert set(batch.outcomes.tolist()) == {0, 1, 2}


def test_an_empty_applicant_status_is_not_a_column_value() -> None:
    with pytest.raises(InvalidInputError, match="empty applicant status"):
        PSTS.columns_of([{"received": "2020-01-01", "trial_cost": "1.00", "applicant_status": ""}])
