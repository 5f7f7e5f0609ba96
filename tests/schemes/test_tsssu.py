"""TSSSU: HK$1.5M a start-up a year for 3 years, within each university's yearly ceilings."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reind.core.errors import InvalidInputError, RuleError
from reind.core.money import Money
from reind.rules.decision import Decision, Outcome, StoredDecision
from reind.schemes.catalogue import default_engine

M = 1_000_000


def case(year: str = "2021-22", **overrides: Any) -> dict[str, Any]:
    """A complete, eligible TSSSU-O recommendation for ``year``."""
    start = int(year[:4])
    base: dict[str, Any] = {
        "financial_year": year,
        "university": "hkust",
        "track": "o",
        "requested": str(1_500_000),
        "company_registered_on": f"{start}-01-15",
        "application_deadline": f"{start}-05-31",
        "team_from_university": True,
    }
    base.update(overrides)
    return base


def plus_case(year: str = "2023-24", **overrides: Any) -> dict[str, Any]:
    """A complete, eligible TSSSU+ recommendation: a 5-year-old start-up with matching money."""
    start = int(year[:4])
    plus: dict[str, Any] = {
        "track": "plus",
        "company_registered_on": f"{start - 5}-03-01",
        "private_investment": str(2 * M),
    }
    plus.update(overrides)
    return case(year, **plus)


def decide(inputs: dict[str, Any]) -> Decision:
    """Decide under TSSSU."""
    return default_engine().decide("tsssu", inputs)


def codes(decision: Decision) -> set[str]:
    """The reason codes of a decision."""
    return {r.code for r in decision.reasons}


def approvals(total: int, track: str = "o") -> list[dict[str, str]]:
    """The university's approvals so far this year, as one entry."""
    return [{"track": track, "amount": str(total)}]


def test_start_up_gets_up_to_1_5m_a_year() -> None:
    decision = decide(case(requested=str(2 * M)))
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.amount == Money.of(1_500_000)
    assert "startup_cap" in codes(decision)


def test_university_ceiling_was_4m_until_2018_19() -> None:
    decision = decide(case("2018-19", university_approvals=approvals(3 * M)))
    assert decision.amount == Money.of(1 * M)
    assert "track_ceiling" in codes(decision)


def test_university_ceiling_doubles_to_8m_from_2019_20() -> None:
    before = decide(case("2018-19", university_approvals=approvals(4 * M)))
    after = decide(case("2019-20", university_approvals=approvals(4 * M)))
    assert before.outcome is Outcome.INELIGIBLE
    assert after.amount == Money.of(1_500_000)
    assert decide(case("2019-20", university_approvals=approvals(7 * M))).amount == Money.of(M)


def test_tsssu_o_ceiling_stays_8m_and_tsssu_plus_adds_8m_from_2023_24() -> None:
    full_o = approvals(8 * M)
    assert decide(case("2023-24", university_approvals=full_o)).outcome is Outcome.INELIGIBLE
    plus = decide(plus_case("2023-24", university_approvals=full_o))
    assert plus.amount == Money.of(1_500_000)
    full_plus = full_o + approvals(7 * M, "plus")
    assert decide(plus_case("2023-24", university_approvals=full_plus)).amount == Money.of(M)


def test_tsssu_plus_is_not_open_before_2023_24() -> None:
    decision = decide(plus_case("2022-23"))
    assert decision.outcome is Outcome.INELIGIBLE
    assert "not_track_open" in codes(decision)


def test_tsssu_o_start_up_must_be_at_most_2_years_old() -> None:
    ok = decide(case(company_registered_on="2019-05-31", application_deadline="2021-05-31"))
    old = decide(case(company_registered_on="2019-05-30", application_deadline="2021-05-31"))
    assert ok.outcome is Outcome.ELIGIBLE
    assert old.outcome is Outcome.INELIGIBLE
    assert "not_company_age" in codes(old)


def test_tsssu_plus_start_up_may_be_up_to_7_years_old() -> None:
    ok = decide(plus_case(company_registered_on="2016-05-31"))
    old = decide(plus_case(company_registered_on="2016-05-30"))
    assert ok.outcome is Outcome.ELIGIBLE
    assert old.outcome is Outcome.INELIGIBLE


def test_tsssu_plus_needs_private_money_at_least_equal_to_the_request() -> None:
    assert decide(plus_case(private_investment="1500000")).outcome is Outcome.ELIGIBLE
    short = decide(plus_case(private_investment="1499999.99"))
    assert short.outcome is Outcome.INELIGIBLE
    assert "not_private_match" in codes(short)


def test_funding_lasts_three_consecutive_years_from_the_first() -> None:
    history = [{"financial_year": "2019-20", "amount": "1000000"}]
    assert decide(case("2021-22", startup_funding=history)).outcome is Outcome.ELIGIBLE
    fourth = decide(case("2022-23", startup_funding=history))
    assert fourth.outcome is Outcome.INELIGIBLE
    assert "funding_years_used" in codes(fourth)


def test_second_approval_in_the_same_year_gets_what_the_1_5m_leaves() -> None:
    history = [{"financial_year": "2021-22", "amount": "1000000"}]
    assert decide(case(startup_funding=history)).amount == Money.of(500_000)


def test_university_internal_cap_is_respected() -> None:
    decision = decide(case(university_internal_cap="200000"))
    assert decision.amount == Money.of(200_000)
    assert "internal_cap" in codes(decision)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("university", "lingnan", "not_university"),
        ("team_from_university", False, "not_university_team"),
    ],
)
def test_ineligible_cases_are_refused_with_a_reason(field: str, value: Any, code: str) -> None:
    decision = decide(case(**{field: value}))
    assert decision.outcome is Outcome.INELIGIBLE
    assert decision.amount == Money.zero()
    assert code in codes(decision)


def test_missing_facts_give_a_tentative_grant() -> None:
    decision = decide({"financial_year": "2021-22", "university": "hku", "requested": "800000.55"})
    assert decision.outcome is Outcome.TENTATIVE
    assert decision.amount == Money.of("800000.55")
    assert {"company_age_unknown", "university_team_unknown"} <= codes(decision)


def test_year_before_the_scheme_is_a_rule_error() -> None:
    with pytest.raises(RuleError, match="did not exist"):
        decide(case("2013-14"))


def test_malformed_financial_year_is_refused() -> None:
    with pytest.raises(InvalidInputError):
        decide(case("2021-23"))


fy_starts = st.integers(min_value=2014, max_value=2027)
requests = st.decimals(min_value=0, max_value=Decimal(3 * M), places=2)


def fy(start: int) -> str:
    """The financial year label starting in ``start``."""
    return f"{start}-{(start + 1) % 100:02d}"


@settings(max_examples=60, deadline=None)
@given(start=fy_starts, requested=requests, used=st.integers(0, 20 * M))
def test_grant_never_exceeds_the_request_or_any_ceiling(
    start: int, requested: Decimal, used: int
) -> None:
    decision = decide(
        case(fy(start), requested=str(requested), university_approvals=approvals(used))
    )
    ceiling = 4 * M if start < 2019 else 8 * M
    assert decision.amount <= Money.of(requested)
    assert decision.amount <= Money.of(1_500_000)
    assert decision.amount <= max(Money.of(ceiling - used), Money.zero())


@settings(max_examples=60, deadline=None)
@given(start=fy_starts, requested=requests, extra=requests)
def test_grant_never_falls_when_the_request_grows(
    start: int, requested: Decimal, extra: Decimal
) -> None:
    small = decide(case(fy(start), requested=str(requested)))
    large = decide(case(fy(start), requested=str(requested + extra)))
    assert large.amount >= small.amount


@settings(max_examples=40, deadline=None)
@given(
    start=st.integers(min_value=2014, max_value=2026),
    rounds=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(["o", "plus"]), requests), max_size=20
    ),
)
def test_ceilings_hold_across_any_sequence_of_recommendations(
    start: int, rounds: list[tuple[int, str, Decimal]]
) -> None:
    year = fy(start)
    given_to: dict[int, list[dict[str, str]]] = {}
    university: list[dict[str, str]] = []
    for startup, track, requested in rounds:
        maker = plus_case if track == "plus" else case
        decision = decide(
            maker(
                year,
                requested=str(requested),
                private_investment=str(3 * M),
                startup_funding=given_to.get(startup, []),
                university_approvals=university,
            )
        )
        if decision.amount.cents:
            amount = str(decision.amount.amount)
            given_to.setdefault(startup, []).append({"financial_year": year, "amount": amount})
            university.append({"track": track, "amount": amount})
    for history in given_to.values():
        assert sum(Decimal(h["amount"]) for h in history) <= Decimal(1_500_000)
    total = sum(Decimal(u["amount"]) for u in university)
    by_track = {t: sum(Decimal(u["amount"]) for u in university if u["track"] == t) for t in "o"}
    assert total <= (4 * M if start < 2019 else 8 * M if start < 2023 else 16 * M)
    assert by_track["o"] <= (4 * M if start < 2019 else 8 * M)


@pytest.mark.parametrize("scheme", ["tsssu"])
def test_every_unverified_value_carries_a_note(scheme: str) -> None:
    parameters = default_engine().parameters.of_scheme(scheme)
    assert parameters
    for parameter in parameters:
        for value in parameter.values:
            assert value.source
            if value.confidence == "C":
                assert value.note, f"{parameter.key} {value.effective_from} is [C] without a note"


def test_stored_decision_reproduces_exactly() -> None:
    engine = default_engine()
    decision = decide(
        plus_case(
            startup_funding=[{"financial_year": "2023-24", "amount": "5"}],
            university_approvals=[{"track": "plus", "amount": "3"}],
        )
    )
    stored = StoredDecision.from_json(json.loads(decision.dumps()))
    assert decision.amount == Money.of("1499995")
    assert engine.reproduce(stored).same_result_as(decision)


def test_a_company_age_limit_past_the_calendar_end_is_decided_not_raised() -> None:
    """Registered in 9998, a 2-year limit: the anniversary passes year 9999 (was a ValueError)."""
    young = decide(case(company_registered_on="9998-06-01", application_deadline="9999-05-31"))
    assert "not_company_age" not in codes(young)
