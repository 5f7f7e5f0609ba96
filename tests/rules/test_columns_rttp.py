"""RTTP decided as columns gives each case the decision ``decide`` gives it."""

from datetime import date, timedelta
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from reind.rules.columns import ColumnVerdict, cents_text, literal_branch
from reind.rules.evaluation import Evaluation
from reind.rules.parameters import ChosenValue
from reind.schemes.catalogue import default_engine
from reind.schemes.columnar.rttp import FORMULA

from .column_parity import decided_alike

days = st.dates(date(2018, 8, 1), date(2026, 12, 31))
maybe = st.one_of(st.none(), st.booleans())
trainee = st.fixed_dictionaries(
    {},
    optional={
        "permanent_resident": maybe,
        "relevant_background": maybe,
        "courses_this_fy": st.integers(min_value=0, max_value=2),
    },
)
clean = st.just({"permanent_resident": True, "relevant_background": True})
lead = st.one_of(st.integers(-10, 200), st.sampled_from([14, 15, 35, 36]))
fees = st.one_of(st.integers(0, 10**8), st.integers(2 * 10**7, 10**8), st.sampled_from([10**7]))


@st.composite
def rttp_cases(draw: st.DrawFn) -> dict[str, Any]:
    """An application with its dates in order as they happen (approval after receipt)."""
    received = draw(days)
    case: dict[str, Any] = {
        "received": received.isoformat(),
        # Lead times on and about the 2- and 5-week rules, fees about the ceilings.
        "course_start": (received + timedelta(days=draw(lead))).isoformat(),
        "course_fee": cents_text(draw(fees)),
        "trainees": draw(st.lists(st.one_of(clean, clean, trainee), min_size=1, max_size=4)),
    }
    if draw(st.booleans()):
        case["approved_on"] = (received + timedelta(days=draw(st.integers(0, 120)))).isoformat()
    if draw(st.booleans()):
        start = date.fromisoformat(case["course_start"])
        case["course_registered_on"] = (
            start - timedelta(days=draw(st.integers(0, 200)))
        ).isoformat()
    for name, values in (("registered_under", st.sampled_from(["cap310", "other"])),
                         ("subvented", st.booleans()),
                         ("provider_years_experience", st.integers(0, 5))):  # fmt: skip
        if draw(st.booleans()):
            case[name] = draw(values)
    case["prior_grants"] = [
        {"amount": cents_text(draw(st.integers(0, 6 * 10**7))),
         "approved_on": (received - timedelta(days=draw(st.integers(0, 500)))).isoformat()}
        for _ in range(draw(st.integers(0, 3)))
    ]  # fmt: skip
    return case


@settings(max_examples=60, deadline=None)
@given(st.lists(rttp_cases(), max_size=30), st.one_of(st.none(), days))
def test_rttp_columns_give_each_case_the_decision_decide_gives_it(
    raw: list[dict[str, Any]], as_of: date | None
) -> None:
    decided_alike(default_engine(), "rttp", raw, as_of)


def test_every_rttp_path_matches_decide_across_the_nittp_change() -> None:
    raw = [
        {
            "received": received, "approved_on": approved, "course_start": start,
            "course_registered_on": registered,
            "trainees": trainees, "registered_under": "cap310", "subvented": subvented,
            "provider_years_experience": years, "prior_grants": prior, "course_fee": fee,
        }
        for received, approved in (("2024-05-02", None), ("2025-07-10", "2025-08-15"),
                                   ("2025-09-01", "2025-09-01"))
        for start in ("2025-08-11", "2025-10-31", "2026-03-01")
        # on the 8-week deadline of a course on 2025-10-31, the 4-month one of 2026-03-01
        for registered in (None, "2025-03-01", "2025-09-15", "2025-09-05", "2025-11-01")
        for trainees in (
            [{"permanent_resident": True, "relevant_background": True}] * 2,
            [{"permanent_resident": None, "relevant_background": True},
             {"permanent_resident": False, "relevant_background": True},
             {"permanent_resident": True, "relevant_background": True, "courses_this_fy": 1}],
        )
        for fee in ("30000.00", "400000.00")
        for subvented in (False, None, True)
        for years in (5, 1, None)
        for prior in ([], [{"amount": "240000.00", "approved_on": "2024-04-15"}],
                      [{"amount": "900000.00", "approved_on": "2024-04-20"}])
    ]  # fmt: skip
    alone = FORMULA.fallbacks
    batch = decided_alike(default_engine(), "rttp", raw)
    # Rows whose trainees reach numbered reasons are the rule's own; the rest are columns.
    assert 0 < FORMULA.fallbacks - alone < len(raw) / 2
    codes = {r.code for decision in batch for r in decision.reasons}
    assert {
        "not_non_subvented", "non_subvented_unknown", "not_provider_experience",
        "provider_experience_unknown", "late_application", "course_unregistered",
        "late_course_registration", "trainee_unknown", "trainee_ineligible",
        "trainee_course_limit", "matching", "fy_cap", "nothing_to_fund", "grant",
    } <= codes  # fmt: skip
    assert set(batch.outcomes.tolist()) == {0, 1, 2}
    chosen = {v.event_date for i in range(len(batch)) for v in batch.trace_of(i)
              if isinstance(v, ChosenValue)}  # fmt: skip
    assert chosen == {date(2025, 8, 15)}  # the one approval not on the day received


def test_a_row_handed_back_to_the_rule_keeps_its_worded_reasons_and_dated_reads() -> None:
    ev = Evaluation(default_engine().resolved("rttp", date(2025, 9, 1)))
    ev.lookup("matching_share")
    ev.on("approved", date(2025, 9, 2)).lookup("company_fy_cap")
    ev.reason("x", "a {brace} in words", "括號 {brace}")
    branch = literal_branch(ev)
    assert branch.parameters == ("matching_share", "company_fy_cap@approved@2025-09-02")
    verdict = ColumnVerdict(
        np.zeros(1, np.int8), np.zeros(1, np.int64), np.zeros(1, np.int8), [branch]
    )
    assert verdict.reasons(0) == ev.reasons
