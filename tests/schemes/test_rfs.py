"""RFS / NIFS: min(1/3 of cost, HK$15M); 3 concurrent projects and HK$45M from 2024."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reind.core.errors import RuleError
from reind.core.money import HKD, Money
from reind.rules.decision import Outcome
from reind.schemes.catalogue import default_engine

READY = {"incorporated_under": "cap622", "new_line_in_hong_kong": True, "smart_manufacturing": True}


def rfs(cost: str | Decimal, received: str = "2021-06-01", **extra: Any) -> Any:
    inputs = {"received": received, "total_cost": str(cost), **READY, **extra}
    return default_engine().decide("RFS", inputs)


def test_nissin_54m_project_gets_15m_capped() -> None:
    decision = rfs("54000000", "2021-11-01")
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.amount == HKD("15000000")


def test_a_45m_project_gets_15m_at_most() -> None:
    assert rfs("45000000").amount == HKD("15000000")
    # Luen Tai: approved cost a little under HK$45M gives a little under HK$15M.
    assert rfs("44700000").amount == HKD("14900000")


def test_profit_royal_70m_gets_15m_and_two_approvals_total_30m() -> None:
    first = rfs("70000000", "2023-03-14")
    assert first.amount == HKD("15000000")
    assert first.amount + rfs("60000000", "2023-03-14").amount == HKD("30000000")


def test_grant_is_one_third_rounded_down_to_the_cent() -> None:
    assert rfs("100.00").amount == HKD("33.33")
    assert rfs("0.02").amount == Money(0) or rfs("0.02").outcome is Outcome.INELIGIBLE


def test_missing_facts_make_the_decision_tentative() -> None:
    decision = default_engine().decide("RFS", {"received": "2021-06-01", "total_cost": "3000000"})
    assert decision.outcome is Outcome.TENTATIVE
    assert decision.amount == HKD("1000000")


def test_cap310_companies_are_not_eligible() -> None:
    decision = rfs("3000000", incorporated_under="cap310")
    assert decision.outcome is Outcome.INELIGIBLE
    assert decision.amount == Money(0)
    assert any("Cap. 622" in r.en and "第 622 章" in r.zh for r in decision.reasons)


def test_before_launch_the_scheme_did_not_exist() -> None:
    with pytest.raises(RuleError, match="started on 2020-07-27"):
        rfs("3000000", "2020-07-26")


def test_a_fourth_concurrent_project_is_refused_only_from_2024() -> None:
    running = [{"amount": "5000000", "approved_on": "2022-01-01"}] * 3
    assert rfs("3000000", "2024-01-07", prior_approvals=running).outcome is Outcome.ELIGIBLE
    refused = rfs("3000000", "2024-01-08", prior_approvals=running)
    assert refused.outcome is Outcome.INELIGIBLE


def test_enterprise_total_cap_limits_the_grant_from_2024() -> None:
    done = [
        {"amount": "15000000", "approved_on": "2022-01-01", "ongoing": False},
        {"amount": "15000000", "approved_on": "2022-06-01", "ongoing": False},
        {"amount": "10000000", "approved_on": "2023-01-01"},
    ]
    assert rfs("54000000", "2024-02-01", prior_approvals=done).amount == HKD("5000000")
    assert rfs("54000000", "2023-12-01", prior_approvals=done).amount == HKD("15000000")


def test_the_name_changes_to_nifs_and_both_names_work() -> None:
    engine = default_engine()
    assert engine.scheme("nifs").code == "rfs"
    name = engine.parameters.get("rfs", "name")
    assert "NIFS" in str(name.at(date(2024, 6, 1)).value)  # type: ignore[union-attr]


costs = st.decimals(min_value=0, max_value=Decimal("500000000"), places=2)
days = st.dates(min_value=date(2020, 7, 27), max_value=date(2026, 12, 31))


@given(costs, days)
def test_grant_never_exceeds_one_third_or_the_cap(cost: Decimal, received: date) -> None:
    decision = rfs(cost, received.isoformat())
    assert decision.amount <= HKD("15000000")
    assert decision.amount.cents * 3 <= HKD(cost).cents


@given(costs, costs, days)
def test_grant_never_decreases_when_cost_grows(a: Decimal, b: Decimal, received: date) -> None:
    low, high = sorted((a, b))
    assert rfs(low, received.isoformat()).amount <= rfs(high, received.isoformat()).amount


@given(st.lists(costs, min_size=1, max_size=8), days)
def test_cumulative_caps_hold_across_any_sequence(cost_list: list[Decimal], start: date) -> None:
    approvals: list[dict[str, Any]] = []
    for index, cost in enumerate(cost_list):
        received = start + timedelta(days=30 * index)
        decision = rfs(cost, received.isoformat(), prior_approvals=approvals)
        if decision.outcome is Outcome.ELIGIBLE:
            approvals.append({"amount": str(decision.amount.amount), "approved_on": str(received)})
        if received >= date(2024, 1, 8):
            assert sum(Decimal(a["amount"]) for a in approvals) <= Decimal("45000000") or any(
                date.fromisoformat(a["approved_on"]) < date(2024, 1, 8) for a in approvals
            )
            running = len(approvals)
            assert running <= 3 or any(
                date.fromisoformat(a["approved_on"]) < date(2024, 1, 8) for a in approvals
            )


def test_rfs_an_approval_dated_after_the_application_is_left_out_with_a_reason() -> None:
    from reind.schemes.catalogue import default_engine as _engine

    decision = _engine().decide(
        "rfs",
        {
            "received": "2021-01-01",
            "total_cost": "54000000",
            "prior_approvals": [{"amount": "15000000", "approved_on": "2099-01-01"}],
        },
    )
    assert decision.amount.cents == 15_000_000_00
    assert "later_approval_left_out" in {r.code for r in decision.reasons}
