"""Each rule keyed to the date that governs it (issue 15).

A case may carry several governing dates: an RTTP application's rules are
those in force when it was received, its ceiling per financial year that of
the approval date; an earlier approval dated after the date that governs a
case is not an earlier approval of it (BUD, ITVF and RTTP left it in).
"""

from __future__ import annotations

from typing import Any

from reind.core.money import Money
from reind.rules.decision import Decision, Outcome
from reind.rules.parameters import ChosenValue
from reind.schemes.catalogue import default_engine

M = 1_000_000
OK_TRAINEE = {"permanent_resident": True, "relevant_background": True}


def decide(scheme: str, inputs: dict[str, Any]) -> Decision:
    """One decision under the packaged rules."""
    return default_engine().decide(scheme, inputs)


def codes(decision: Decision) -> set[str]:
    """The reason codes of a decision."""
    return {r.code for r in decision.reasons}


def rttp(**overrides: Any) -> dict[str, Any]:
    """An RTTP application received 2025-07-10, approved 2025-08-15 (after the NITTP change)."""
    base: dict[str, Any] = {
        "received": "2025-07-10",
        "approved_on": "2025-08-15",
        "course_start": "2025-08-11",
        "course_registered_on": "2025-03-01",
        "course_fee": "30000",
        "trainees": [OK_TRAINEE],
        "registered_under": "cap310",
        "subvented": False,
        "provider_years_experience": 5,
    }
    base.update(overrides)
    return base


def test_rttp_application_deadline_is_the_rule_in_force_when_it_was_received() -> None:
    # Received 2025-07-10 for a course on 2025-08-11: 4.5 weeks ahead, enough under the
    # 2-week RTTP rule in force then; the 5-week NITTP rule began on 1 Aug 2025.
    decision = decide("rttp", rttp())
    assert "late_application" not in codes(decision)
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.as_at.isoformat() == "2025-07-10"


def test_rttp_share_is_the_one_in_force_when_the_application_was_received() -> None:
    decision = decide("rttp", rttp(course_start="2025-10-31"))
    assert decision.amount == Money.of("20000")  # 2:1 of HK$30,000, not 1:1


def test_rttp_ceiling_is_the_one_in_force_on_the_approval_date_and_the_trace_says_so() -> None:
    prior = [{"amount": "240000", "approved_on": "2025-04-15"}]
    decision = decide("rttp", rttp(course_start="2025-10-31", prior_grants=prior))
    assert decision.amount == Money.of("10000")  # HK$250,000 NITTP ceiling at approval
    chosen = [t for t in decision.trace if isinstance(t, ChosenValue)]
    assert [(t.parameter, t.event, t.event_date) for t in chosen] == [
        ("rttp.company_fy_cap", "approved", __import__("datetime").date(2025, 8, 15))
    ]
    traced = {t["parameter"]: t for t in decision.to_json()["trace"]}
    assert traced["rttp.company_fy_cap"]["chosen_by"] == {"event": "approved", "date": "2025-08-15"}
    assert "chosen_by" not in traced["rttp.matching_share"]


def test_rttp_grant_approved_after_this_approval_is_left_out() -> None:
    prior = [{"amount": "240000", "approved_on": "2025-09-01"}]
    decision = decide("rttp", rttp(course_start="2025-10-31", prior_grants=prior))
    assert decision.amount == Money.of("20000")
    assert "later_approval_left_out" in codes(decision)


def test_bud_approval_dated_after_the_application_is_left_out() -> None:
    decision = decide(
        "bud",
        {
            "received": "2021-06-01",
            "total_cost": "2000000",
            "listed": False,
            "business_registration": True,
            "substantive_operations_in_hk": True,
            "prior_approvals": [{"amount": "6000000", "approved_on": "2099-01-01"}],
        },
    )
    assert decision.amount == Money.of(1 * M)
    assert "later_approval_left_out" in codes(decision)


def test_itvf_investment_dated_after_the_deal_is_left_out() -> None:
    decision = decide(
        "itvf",
        {
            "received": "2019-01-10",
            "cp_investment": str(20 * M),
            "cp_remaining_capital": str(500 * M),
            "cp_remaining_fund_life_years": "7",
            "cp_place_of_business_in_hk": True,
            "investee_local": True,
            "prior_in_investee": [{"amount": str(50 * M), "approved_on": "2099-01-01"}],
            "prior_with_cp": [{"amount": str(400 * M), "approved_on": "2099-01-01"}],
        },
    )
    assert decision.amount > Money.zero()
    assert {"investee_cap", "cp_fund_cap"} & codes(decision) == set()
    assert "later_approval_left_out" in codes(decision)
