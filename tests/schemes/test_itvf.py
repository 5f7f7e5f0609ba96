"""ITVF: 1:2 co-investment within per-deal, per-investee and per-fund caps; Enhanced Scheme 1:3."""

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

M = 1_000_000


def deal(**overrides: Any) -> dict[str, Any]:
    """A complete, eligible co-investment deal; tests change what matters."""
    base: dict[str, Any] = {
        "received": "2019-01-10",
        "cp_investment": str(20 * M),
        "cp_remaining_capital": str(500 * M),
        "cp_remaining_fund_life_years": "7",
        "cp_place_of_business_in_hk": True,
        "investee_local": True,
    }
    base.update(overrides)
    return base


def fund(**overrides: Any) -> dict[str, Any]:
    """A complete, eligible Enhanced Scheme application."""
    base: dict[str, Any] = {
        "received": "2025-01-10",
        "market_capital": str(600 * M),
        "fund_form": "cap637_limited_partnership",
        "sector": "ai_data_science",
        "hk_ecosystem_share": "1",
        "hk_company_share": "0.5",
        "investee_hk_spend_share": "0.5",
    }
    base.update(overrides)
    return base


def co_invest(**overrides: Any) -> Decision:
    """Decide a deal under the co-investment model."""
    return default_engine().decide("itvf", deal(**overrides))


def enhanced(**overrides: Any) -> Decision:
    """Decide an application under the Enhanced Scheme."""
    return default_engine().decide("itvf_enhanced", fund(**overrides))


def codes(decision: Decision) -> set[str]:
    """The reason codes of a decision."""
    return {r.code for r in decision.reasons}


def test_itvfc_puts_in_one_dollar_for_every_two_of_the_partner() -> None:
    decision = co_invest()
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.amount == Money.of(10 * M)


def test_deal_is_capped_at_30m() -> None:
    assert co_invest(cp_investment=str(100 * M)).amount == Money.of(30 * M)


def test_investee_total_is_capped_at_50m() -> None:
    prior = [{"amount": str(30 * M), "approved_on": "2018-11-01"}]
    decision = co_invest(cp_investment=str(60 * M), prior_in_investee=prior)
    assert decision.amount == Money.of(20 * M)
    assert "investee_cap" in codes(decision)


def test_partner_fund_total_is_capped_at_400m_unverified() -> None:
    prior = [{"amount": str(395 * M), "approved_on": "2018-11-01"}]
    decision = co_invest(prior_with_cp=prior)
    assert decision.amount == Money.of(5 * M)
    assert "cp_fund_cap" in codes(decision)
    confidence = {t.parameter: t.confidence for t in decision.trace}
    assert confidence["itvf.cp_fund_cap"] == "C"


def test_smaller_request_is_honoured() -> None:
    assert co_invest(requested=str(4 * M)).amount == Money.of(4 * M)


def test_start_ups_cannot_apply_directly() -> None:
    decision = co_invest(proposer="startup")
    assert decision.outcome is Outcome.INELIGIBLE
    assert "startup_direct" in codes(decision)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("cp_remaining_capital", str(119 * M), "not_cp_capital"),
        ("cp_remaining_fund_life_years", "4.5", "not_cp_fund_life"),
        ("cp_place_of_business_in_hk", False, "not_cp_in_hk"),
        ("investee_local", False, "not_local_startup"),
    ],
)
def test_ineligible_deals_are_refused_with_a_reason(field: str, value: Any, code: str) -> None:
    decision = co_invest(**{field: value})
    assert decision.outcome is Outcome.INELIGIBLE
    assert decision.amount == Money.zero()
    assert code in codes(decision)


def test_missing_partner_facts_give_a_tentative_amount() -> None:
    decision = default_engine().decide(
        "itvf", {"received": "2019-01-10", "cp_investment": str(20 * M)}
    )
    assert decision.outcome is Outcome.TENTATIVE
    assert decision.amount == Money.of(10 * M)


def test_co_investment_before_september_2017_is_a_rule_error() -> None:
    with pytest.raises(RuleError, match="did not exist"):
        co_invest(received="2017-09-14")


def test_enhanced_scheme_commits_one_dollar_for_every_three_raised() -> None:
    decision = enhanced()
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.amount == Money.of(200 * M)


def test_enhanced_commitment_is_at_most_250m_a_fund() -> None:
    assert enhanced(market_capital=str(1_200 * M)).amount == Money.of(250 * M)


def test_enhanced_fund_too_small_for_the_150m_minimum_is_refused() -> None:
    assert enhanced(market_capital=str(450 * M)).amount == Money.of(150 * M)
    small = enhanced(market_capital="449999999.99")
    assert small.outcome is Outcome.INELIGIBLE
    assert "fund_too_small" in codes(small)


def test_enhanced_scheme_opened_19_dec_2024_and_closed_after_19_feb_2025() -> None:
    with pytest.raises(RuleError, match="did not exist"):
        enhanced(received="2024-12-18")
    assert enhanced(received="2024-12-19").outcome is Outcome.ELIGIBLE
    assert enhanced(received="2025-02-19").outcome is Outcome.ELIGIBLE
    closed = enhanced(received="2025-02-20")
    assert closed.outcome is Outcome.INELIGIBLE
    assert "scheme_closed" in codes(closed)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("fund_form", "other", "not_cap637"),
        ("sector", "property", "not_target_sector"),
        ("hk_ecosystem_share", "0.9", "not_hk_ecosystem"),
        ("hk_company_share", "0.49", "not_hk_companies"),
        ("investee_hk_spend_share", "0.3", "not_hk_spend"),
    ],
)
def test_enhanced_ineligible_funds_are_refused_with_a_reason(
    field: str, value: Any, code: str
) -> None:
    decision = enhanced(**{field: value})
    assert decision.outcome is Outcome.INELIGIBLE
    assert code in codes(decision)


def test_enhanced_missing_facts_give_a_tentative_commitment() -> None:
    decision = default_engine().decide(
        "ITVF Enhanced", {"received": "2025-01-10", "market_capital": str(600 * M)}
    )
    assert decision.outcome is Outcome.TENTATIVE
    assert decision.amount == Money.of(200 * M)


amounts = st.decimals(min_value=0, max_value=Decimal(1_500 * M), places=2)
deal_days = st.dates(min_value=date(2017, 9, 15), max_value=date(2027, 12, 31))


@settings(max_examples=60, deadline=None)
@given(partner=amounts, received=deal_days)
def test_co_investment_never_exceeds_half_the_partner_or_the_deal_cap(
    partner: Decimal, received: date
) -> None:
    decision = co_invest(cp_investment=str(partner), received=received.isoformat())
    assert decision.amount.cents * 2 <= int(partner * 100)
    assert decision.amount <= Money.of(30 * M)


@settings(max_examples=60, deadline=None)
@given(partner=amounts, extra=amounts)
def test_co_investment_never_falls_when_the_partner_puts_in_more(
    partner: Decimal, extra: Decimal
) -> None:
    small = co_invest(cp_investment=str(partner))
    large = co_invest(cp_investment=str(partner + extra))
    assert large.amount >= small.amount


@settings(max_examples=40, deadline=None)
@given(
    deals=st.lists(
        st.tuples(st.decimals(min_value=1, max_value=80 * M, places=2), st.integers(0, 2)),
        max_size=30,
    )
)
def test_investee_and_fund_caps_hold_across_any_sequence_of_deals(
    deals: list[tuple[Decimal, int]],
) -> None:
    by_investee: dict[int, list[dict[str, str]]] = {0: [], 1: [], 2: []}
    with_fund: list[dict[str, str]] = []
    received = date(2019, 1, 1)
    for step, (partner, investee) in enumerate(deals):
        day = (received + timedelta(days=step)).isoformat()
        decision = co_invest(
            received=day,
            cp_investment=str(partner),
            prior_in_investee=by_investee[investee],
            prior_with_cp=with_fund,
        )
        if decision.amount.cents:
            approval = {"amount": str(decision.amount.amount), "approved_on": day}
            by_investee[investee].append(approval)
            with_fund.append(approval)
    for approvals in by_investee.values():
        assert sum(Decimal(a["amount"]) for a in approvals) <= 50 * M
    assert sum(Decimal(a["amount"]) for a in with_fund) <= 400 * M


@settings(max_examples=60, deadline=None)
@given(raised=st.decimals(min_value=0, max_value=Decimal(3_000 * M), places=2), extra=amounts)
def test_enhanced_commitment_stays_within_one_third_and_the_band(
    raised: Decimal, extra: Decimal
) -> None:
    decision = enhanced(market_capital=str(raised))
    larger = enhanced(market_capital=str(raised + extra))
    assert decision.amount.cents * 3 <= int(raised * 100)
    assert decision.amount <= Money.of(250 * M)
    assert decision.amount == Money.zero() or decision.amount >= Money.of(150 * M)
    assert larger.amount >= decision.amount


@pytest.mark.parametrize("scheme", ["itvf", "itvf_enhanced"])
def test_every_unverified_value_carries_a_note(scheme: str) -> None:
    parameters = default_engine().parameters.of_scheme(scheme)
    assert parameters
    for parameter in parameters:
        for value in parameter.values:
            assert value.source
            if value.confidence == "C":
                assert value.note, f"{parameter.key} {value.effective_from} is [C] without a note"
