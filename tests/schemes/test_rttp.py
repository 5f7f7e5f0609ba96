"""RTTP/NITTP: share of the course fee within a per-company ceiling per financial year."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reind.core.errors import RuleError
from reind.core.money import Money
from reind.core.periods import FinancialYear
from reind.rules.decision import Decision, Outcome
from reind.schemes.catalogue import default_engine

OK_TRAINEE = {"permanent_resident": True, "relevant_background": True}


def case(received: date = date(2024, 5, 2), **overrides: Any) -> dict[str, Any]:
    """A complete, eligible application received on ``received``; course starts 20 weeks on."""
    start = received + timedelta(weeks=20)
    base: dict[str, Any] = {
        "received": received.isoformat(),
        "course_start": start.isoformat(),
        "course_registered_on": (received - timedelta(days=30)).isoformat(),
        "course_fee": "30000",
        "trainees": [OK_TRAINEE],
        "registered_under": "cap310",
        "subvented": False,
        "provider_years_experience": 5,
    }
    base.update(overrides)
    return base


def decide(inputs: dict[str, Any]) -> Decision:
    """Decide under RTTP."""
    return default_engine().decide("rttp", inputs)


def codes(decision: Decision) -> set[str]:
    """The reason codes of a decision."""
    return {r.code for r in decision.reasons}


def test_rttp_pays_two_thirds_of_the_fee() -> None:
    decision = decide(case())
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.amount == Money.of("20000")


def test_nittp_alias_finds_the_same_scheme() -> None:
    assert default_engine().scheme("NITTP").code == "rttp"


def test_matching_falls_from_two_thirds_to_half_on_1_aug_2025() -> None:
    before = decide(case(received=date(2025, 7, 31)))
    after = decide(case(received=date(2025, 8, 1)))
    assert before.amount == Money.of("20000")
    assert after.amount == Money.of("15000")
    share = {t.parameter: t.confidence for t in after.trace}["rttp.matching_share"]
    assert share == "C"


def test_share_of_an_odd_fee_rounds_down_to_the_cent() -> None:
    assert decide(case(course_fee="100")).amount == Money.of("66.66")
    assert decide(case(course_fee="10000.01")).amount == Money.of("6666.67")


def test_each_eligible_trainee_is_funded() -> None:
    decision = decide(case(trainees=[OK_TRAINEE] * 3))
    assert decision.amount == Money.of("60000")


def test_company_ceiling_is_500k_per_financial_year_before_nittp() -> None:
    prior = [{"amount": "490000", "approved_on": "2024-04-15"}]
    decision = decide(case(prior_grants=prior))
    assert decision.amount == Money.of("10000")
    assert "fy_cap" in codes(decision)


def test_grants_of_an_earlier_financial_year_do_not_count() -> None:
    prior = [{"amount": "500000", "approved_on": "2024-03-31"}]
    assert decide(case(prior_grants=prior)).amount == Money.of("20000")


def test_company_ceiling_falls_to_250k_on_1_aug_2025() -> None:
    prior = [{"amount": "240000", "approved_on": "2025-04-15"}]
    before = decide(case(received=date(2025, 7, 31), prior_grants=prior))
    after = decide(case(received=date(2025, 8, 1), prior_grants=prior))
    assert before.amount == Money.of("20000")
    assert after.amount == Money.of("10000")


def test_ceiling_is_tested_on_the_approval_date() -> None:
    prior = [{"amount": "240000", "approved_on": "2025-04-15"}]
    received = date(2025, 7, 1)
    pending = decide(case(received=received, prior_grants=prior))
    approved = decide(case(received=received, approved_on="2025-08-05", prior_grants=prior))
    assert pending.amount == Money.of("20000")
    assert approved.amount == Money.of("10000")


def test_one_course_per_trainee_per_year_from_1_aug_2025() -> None:
    busy = {**OK_TRAINEE, "courses_this_fy": 1}
    before = decide(case(received=date(2025, 7, 31), trainees=[busy]))
    after = decide(case(received=date(2025, 8, 1), trainees=[busy, OK_TRAINEE]))
    assert before.amount == Money.of("20000")
    assert after.amount == Money.of("15000")
    assert "trainee_course_limit" in codes(after)


def test_grant_application_deadline_moves_from_2_to_5_weeks_before_start() -> None:
    def outcome(received: date, start: str) -> Decision:
        return decide(
            case(received=received, course_start=start, course_registered_on="2025-01-01")
        )

    before = date(2025, 7, 1)
    assert outcome(before, "2025-07-15").outcome is Outcome.ELIGIBLE
    assert "late_application" in codes(outcome(before, "2025-07-14"))
    after = date(2025, 8, 1)
    late = outcome(after, "2025-08-29")
    assert late.outcome is Outcome.INELIGIBLE
    assert "late_application" in codes(late)
    assert outcome(after, "2025-09-05").outcome is Outcome.ELIGIBLE


def test_course_registration_deadline_moves_from_8_weeks_to_4_months() -> None:
    kwargs = {"course_start": "2025-12-01", "course_registered_on": "2025-09-15"}
    before = decide(case(received=date(2025, 7, 31), **kwargs))
    after = decide(case(received=date(2025, 8, 1), **kwargs))
    assert before.outcome is Outcome.ELIGIBLE
    assert after.outcome is Outcome.INELIGIBLE
    assert "late_course_registration" in codes(after)
    on_time = decide(
        case(
            received=date(2025, 8, 1), course_start="2025-12-01", course_registered_on="2025-08-01"
        )
    )
    assert on_time.outcome is Outcome.ELIGIBLE


def test_late_registration_under_rttp_is_refused() -> None:
    decision = decide(case(course_start="2024-09-19", course_registered_on="2024-08-01"))
    assert decision.outcome is Outcome.INELIGIBLE
    assert "late_course_registration" in codes(decision)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("registered_under", "other", "not_cap310"),
        ("subvented", True, "not_non_subvented"),
        ("provider_years_experience", 1, "not_provider_experience"),
        ("trainees", [{"permanent_resident": False, "relevant_background": True}], "no_trainee"),
    ],
)
def test_ineligible_cases_are_refused_with_a_reason(field: str, value: Any, code: str) -> None:
    decision = decide(case(**{field: value}))
    assert decision.outcome is Outcome.INELIGIBLE
    assert decision.amount == Money.zero()
    assert code in codes(decision)


def test_missing_facts_give_a_tentative_grant() -> None:
    inputs = case(trainees=[{}], course_registered_on=None)
    del inputs["subvented"]
    decision = decide(inputs)
    assert decision.outcome is Outcome.TENTATIVE
    assert decision.amount == Money.of("20000")
    assert {"trainee_unknown", "course_unregistered", "non_subvented_unknown"} <= codes(decision)


def test_minimum_attendance_for_claims_is_70_percent() -> None:
    engine = default_engine()
    value = {p.name: v for p, v in engine.in_force("rttp", date(2025, 1, 1))}
    attendance = value["min_attendance"]
    assert attendance is not None
    assert attendance.shown == "0.7"


def test_date_before_the_programme_existed_is_a_rule_error() -> None:
    with pytest.raises(RuleError, match="did not exist"):
        decide(case(received=date(2018, 7, 31)))


fees = st.decimals(min_value=0, max_value=Decimal(400_000), places=2)
days = st.dates(min_value=date(2018, 8, 1), max_value=date(2027, 3, 31))


@settings(max_examples=60, deadline=None)
@given(fee=fees, received=days, count=st.integers(1, 4))
def test_grant_never_exceeds_the_share_or_the_ceiling(
    fee: Decimal, received: date, count: int
) -> None:
    decision = decide(case(received=received, course_fee=str(fee), trainees=[OK_TRAINEE] * count))
    fee_cents = int(fee * 100) * count
    ratio = (2, 3) if received < date(2025, 8, 1) else (1, 2)
    assert decision.amount.cents * ratio[1] <= fee_cents * ratio[0]
    ceiling = Money.of("500000") if received < date(2025, 8, 1) else Money.of("250000")
    assert decision.amount <= ceiling


@settings(max_examples=60, deadline=None)
@given(fee=fees, extra=fees, received=days)
def test_grant_never_falls_when_the_fee_grows(fee: Decimal, extra: Decimal, received: date) -> None:
    small = decide(case(received=received, course_fee=str(fee)))
    large = decide(case(received=received, course_fee=str(fee + extra)))
    assert large.amount >= small.amount


@settings(max_examples=40, deadline=None)
@given(
    fees=st.lists(st.decimals(min_value=1, max_value=200_000, places=2), max_size=8),
    start=days,
)
def test_yearly_ceiling_holds_across_any_sequence_of_applications(
    fees: list[Decimal], start: date
) -> None:
    prior: list[dict[str, str]] = []
    for step, fee in enumerate(fees):
        received = start + timedelta(days=20 * step)
        decision = decide(case(received=received, course_fee=str(fee), prior_grants=prior))
        if decision.amount.cents:
            prior.append(
                {"amount": str(decision.amount.amount), "approved_on": received.isoformat()}
            )
    by_year: dict[FinancialYear, Decimal] = {}
    for p in prior:
        year = FinancialYear.containing(date.fromisoformat(p["approved_on"]))
        by_year[year] = by_year.get(year, Decimal(0)) + Decimal(p["amount"])
    for total in by_year.values():
        assert total <= 500_000


@pytest.mark.parametrize("scheme", ["rttp"])
def test_every_unverified_value_carries_a_note(scheme: str) -> None:
    parameters = default_engine().parameters.of_scheme(scheme)
    assert parameters
    for parameter in parameters:
        for value in parameter.values:
            assert value.source
            if value.confidence == "C":
                assert value.note, f"{parameter.key} {value.effective_from} is [C] without a note"
