"""ITVF, ITVF-ES, TSSSU and RTH given as columns are decided exactly as ``decide`` decides them.

The same checks as ``test_columns.py`` (kept apart so the two sets of
schemes given formulas over columns at the same time merge cleanly).
"""

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reind.core.errors import InvalidInputError
from reind.rules.batch import DecisionBatch
from reind.rules.columns import OUTCOMES, Columns, cents_text
from reind.rules.engine import Engine
from reind.schemes.catalogue import default_engine
from reind.schemes.itvf_enhanced import ITVFEnhanced

cents = st.one_of(
    st.integers(min_value=0, max_value=10**15 - 1),
    st.integers(min_value=0, max_value=10**11),
    st.sampled_from([0, 1, 45_000_000_000, 60_000_000_000, 75_000_000_000]),
)
amounts = cents.map(cents_text)
shares = st.one_of(
    st.sampled_from(["0", "0.5", "0.49", "0.5000000000000001", "1", "0.999999999999999999"]),
    st.fractions(min_value=0, max_value=1, max_denominator=10**6).map(
        lambda f: format(round(f.numerator / f.denominator, 6), "f")
    ),
)
itvf_es_cases = st.fixed_dictionaries(
    {
        "received": st.dates(date(2024, 12, 19), date(2025, 2, 28)).map(date.isoformat),
        "market_capital": amounts,
    },
    optional={
        "fund_form": st.sampled_from(["cap637_limited_partnership", "other"]),
        "sector": st.sampled_from(["ai_data_science", "life_health_technology", "fintech"]),
        "hk_ecosystem_share": shares,
        "hk_company_share": shares,
        "investee_hk_spend_share": shares,
    },
)
COLUMNS_OF = {"itvf_enhanced": ITVFEnhanced.columns_of}
"""Every scheme of this file with a formula over columns."""


def _row(columns: Columns, i: int) -> dict[str, str]:
    """Row ``i`` as text (NaT equals NaT), leaving out earlier-approval columns holding 0."""
    return {
        name: str(values[i])
        for name, values in columns.items()
        if not (name.startswith("prior_") and values[i] == 0)
    }


def assert_same_as_decide(
    engine: Engine, scheme: str, batch: DecisionBatch, raw: list[dict[str, Any]], as_of: date | None
) -> None:
    """Each case of the batch is decide()'s decision, and its columns round-trip."""
    assert len(batch) == len(raw)
    for i, case in enumerate(raw):
        canonical = batch.case(i)
        single = engine.decide(scheme, canonical, as_of)
        made = batch[i]
        assert made.dumps() == single.dumps()
        assert made.reasons == single.reasons and made.trace == single.trace
        assert batch.trace_of(i) == single.trace
        assert OUTCOMES[batch.outcomes[i]] is single.outcome
        assert int(batch.amount_cents[i]) == single.amount.cents
        given_as = engine.decide(scheme, case, as_of)
        assert given_as.same_result_as(single)
        assert _row(COLUMNS_OF[scheme]([canonical]), 0) == _row(batch.columns, i)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(itvf_es_cases.map(lambda c: ("itvf_enhanced", c)), max_size=30),
    st.one_of(st.none(), st.dates(date(2024, 12, 19), date(2026, 12, 31))),
)
def test_decide_columns_gives_each_case_the_decision_decide_gives_it(
    cases: list[tuple[str, dict[str, Any]]], as_of: date | None
) -> None:
    engine = default_engine()
    for scheme in COLUMNS_OF:
        raw = [case for name, case in cases if name == scheme]
        batch = engine.decide_columns(scheme, COLUMNS_OF[scheme](raw), as_of)
        assert_same_as_decide(engine, scheme, batch, raw, as_of)


def test_every_itvf_enhanced_path_matches_decide() -> None:
    engine = default_engine()
    raw = [
        {
            "received": received, "market_capital": capital, "fund_form": form, "sector": sector,
            "hk_ecosystem_share": ecosystem, "hk_company_share": companies,
            "investee_hk_spend_share": spend,
        }
        for received in ("2024-12-19", "2025-02-20")
        for capital in ("300000000.00", "449999999.99", "450000000.00", "900000000.00")
        for form in ("cap637_limited_partnership", "other", None)
        for sector in ("ai_data_science", "fintech", None)
        for ecosystem in ("1", "0.999999999999999999", None)
        for companies in ("0.5", "0.499999", None)
        for spend in ("0.5", "0.1", None)
    ]  # fmt: skip
    batch = engine.decide_columns("itvf_enhanced", ITVFEnhanced.columns_of(raw))
    assert_same_as_decide(engine, "itvf_enhanced", batch, raw, None)
    codes = {r.code for decision in batch for r in decision.reasons}
    assert {
        "cap637_unknown", "not_cap637", "target_sector_unknown", "not_target_sector",
        "hk_ecosystem_unknown", "not_hk_ecosystem", "hk_companies_unknown", "not_hk_companies",
        "hk_spend_unknown", "not_hk_spend", "matching", "fund_too_small", "commitment",
        "scheme_closed",
    } <= codes  # fmt: skip
    assert set(batch.outcomes.tolist()) == {0, 1, 2}


def test_a_share_past_18_decimal_places_is_left_to_decide() -> None:
    case = {"received": "2025-01-10", "market_capital": "600000000", "hk_company_share": "0.5"}
    ITVFEnhanced.columns_of([case])
    with pytest.raises(InvalidInputError, match="18 decimal places"):
        ITVFEnhanced.columns_of([{**case, "hk_company_share": "0.4999999999999999999"}])
    with pytest.raises(InvalidInputError, match="empty one"):
        ITVFEnhanced.columns_of([{**case, "sector": ""}])
