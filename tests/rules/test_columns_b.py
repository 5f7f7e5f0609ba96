"""ITVF, ITVF-ES, TSSSU and RTH given as columns are decided exactly as ``decide`` decides them.

The same checks as ``test_columns.py`` (kept apart so the two sets of
schemes given formulas over columns at the same time merge cleanly).
"""

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reind.core.errors import InvalidInputError
from reind.rules.batch import DecisionBatch
from reind.rules.columns import OUTCOMES, Columns, cents_text
from reind.rules.engine import Engine
from reind.rules.parameters import load_parameters
from reind.schemes.catalogue import PARAMETERS, default_engine
from reind.schemes.itvf import ITVF
from reind.schemes.itvf_enhanced import ITVFEnhanced
from reind.schemes.rth import RTH
from reind.schemes.tsssu import TSSSU

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
investments = st.lists(
    st.fixed_dictionaries(
        {
            "amount": st.integers(min_value=0, max_value=10**15 - 1).map(cents_text),
            # Columns hold earlier investments only (a later one is left out with a
            # reason the columns do not carry), so every one precedes receipt.
            "approved_on": st.dates(date(2016, 1, 1), date(2017, 9, 15)).map(date.isoformat),
        }
    ),
    max_size=3,
)
itvf_cases = st.fixed_dictionaries(
    {
        "received": st.dates(date(2017, 9, 15), date(2026, 12, 31)).map(date.isoformat),
        "cp_investment": amounts,
    },
    optional={
        "proposer": st.sampled_from(["co_investment_partner", "startup"]),
        "requested": amounts,
        "cp_remaining_capital": amounts,
        "cp_remaining_fund_life_years": st.sampled_from(["4.999", "5", "5.0001", "0", "12.5"]),
        "cp_place_of_business_in_hk": st.booleans(),
        "investee_local": st.booleans(),
        "prior_in_investee": investments,
        "prior_with_cp": investments,
    },
)
fy = st.integers(min_value=2014, max_value=2026).map(lambda y: f"{y}-{(y + 1) % 100:02d}")
tsssu_cases = st.fixed_dictionaries(
    {"financial_year": fy, "university": st.sampled_from(["hkust", "HKU", "lingnan", ""]),
     "requested": amounts},
    optional={
        "track": st.sampled_from(["o", "plus"]),
        "company_registered_on": st.dates(date(2010, 1, 1), date(2027, 1, 1)).map(date.isoformat),
        "application_deadline": st.dates(date(2014, 1, 1), date(2027, 1, 1)).map(date.isoformat),
        "team_from_university": st.booleans(),
        "private_investment": amounts,
        "university_internal_cap": amounts,
        "startup_funding": st.lists(
            st.fixed_dictionaries({"financial_year": fy, "amount": amounts}), max_size=4
        ),
        "university_approvals": st.lists(
            st.fixed_dictionaries(
                {"amount": amounts}, optional={"track": st.sampled_from(["o", "plus"])}
            ),
            max_size=4,
        ),
    },
)  # fmt: skip
talents = st.lists(
    st.fixed_dictionaries(
        {"degree": st.sampled_from(["bachelor", "master", "phd"]),
         "months": st.integers(min_value=1, max_value=60), "monthly_pay": amounts},
        optional={"non_local_degree": st.booleans(), "top100_institution": st.booleans()},
    ),
    min_size=1, max_size=6,
)  # fmt: skip
rth_cases = st.fixed_dictionaries(
    {"received": st.dates(date(2020, 7, 1), date(2026, 12, 31)).map(date.isoformat),
     "talents": talents},
    optional={
        "programme": st.sampled_from(["itf", "nias"]),
        "talents_already_engaged": st.integers(min_value=0, max_value=6),
        "host_scheme": st.sampled_from(["ess", "itsp"]),
        "host_project_months": st.integers(min_value=1, max_value=24),
    },
)  # fmt: skip
COLUMNS_OF = {
    "itvf_enhanced": ITVFEnhanced.columns_of, "itvf": ITVF.columns_of, "tsssu": TSSSU.columns_of,
    "rth": RTH.columns_of,
}  # fmt: skip
"""Every scheme of this file with a formula over columns."""
STARTED = {
    "itvf_enhanced": date(2024, 12, 19),
    "itvf": date(2017, 9, 15),
    "tsssu": date(2014, 4, 1),
    "rth": date(2020, 7, 1),
}


def _row(columns: Columns, i: int) -> dict[str, str]:
    """Row ``i`` as text (NaT equals NaT), leaving out earlier-approval columns holding 0
    and the talent slots the case leaves empty."""
    return {
        name: str(values[i])
        for name, values in columns.items()
        if not (name.startswith("prior_") and values[i] == 0)
        and not (name.startswith("talent_") and columns[name.split(":")[0] + ":degree"][i] < 0)
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
    st.lists(
        st.one_of(
            itvf_es_cases.map(lambda c: ("itvf_enhanced", c)),
            itvf_cases.map(lambda c: ("itvf", c)),
            tsssu_cases.map(lambda c: ("tsssu", c)),
            rth_cases.map(lambda c: ("rth", c)),
        ),
        max_size=30,
    ),
    st.one_of(st.none(), st.dates(date(2014, 4, 1), date(2026, 12, 31))),
)
def test_decide_columns_gives_each_case_the_decision_decide_gives_it(
    cases: list[tuple[str, dict[str, Any]]], as_of: date | None
) -> None:
    engine = default_engine()
    for scheme in COLUMNS_OF:
        raw = [case for name, case in cases if name == scheme]
        day = None if as_of is None else max(as_of, STARTED[scheme])  # while it existed
        batch = engine.decide_columns(scheme, COLUMNS_OF[scheme](raw), day)
        assert_same_as_decide(engine, scheme, batch, raw, day)


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


def test_every_itvf_path_matches_decide(tmp_path: Path) -> None:
    # Direct applications from start-ups were never taken: a copy of the rules takes them.
    shutil.copytree(PARAMETERS / "itvf", tmp_path / "itvf")
    direct = tmp_path / "itvf" / "direct_startup_applications.yaml"
    direct.write_text(
        direct.read_text(encoding="utf-8")
        + "  2020-01-01:\n    value: true\n    source: test\n    confidence: A\n",
        "utf-8",
    )
    engines = (default_engine(), Engine([ITVF()], load_parameters(tmp_path)))
    earlier: tuple[list[dict[str, str]], ...] = (
        [],
        [{"amount": "45000000.00", "approved_on": "2017-01-01"}],
        [{"amount": "9000000.00", "approved_on": "2017-01-01"}] * 2,
    )
    raw = [
        {
            "received": received, "proposer": proposer, "cp_investment": invested,
            "requested": requested, "cp_remaining_capital": capital,
            "cp_remaining_fund_life_years": life, "cp_place_of_business_in_hk": True,
            "investee_local": local, "prior_in_investee": investee, "prior_with_cp": fund,
        }
        for received in ("2019-01-01", "2021-01-01")
        for proposer in ("co_investment_partner", "startup")
        for invested in ("0.00", "8000000.00", "80000000.00")
        for requested in (None, "1000000.00")
        for capital in ("120000000.00", "119999999.99", None)
        for life in ("5", "4.99", None)
        for local in (True, None, False)
        for investee in earlier
        for fund in ([], [{"amount": "399000000.00", "approved_on": "2017-01-01"}])
    ]  # fmt: skip
    for engine in engines:
        batch = engine.decide_columns("itvf", ITVF.columns_of(raw))
        assert_same_as_decide(engine, "itvf", batch, raw, None)
        codes = {r.code for decision in batch for r in decision.reasons}
        assert {
            "cp_capital_unknown", "not_cp_capital", "cp_fund_life_unknown", "not_cp_fund_life",
            "local_startup_unknown", "not_local_startup", "matching", "requested", "investee_cap",
            "cp_fund_cap", "nothing_to_fund", "investment",
        } <= codes  # fmt: skip
        assert set(batch.outcomes.tolist()) == {0, 1, 2}
        assert "startup_direct" in codes


def test_every_tsssu_path_matches_decide() -> None:
    engine = default_engine()
    raw = [
        {
            "financial_year": year, "university": university, "track": track,
            "requested": requested, "company_registered_on": registered,
            "application_deadline": "2023-02-28", "team_from_university": team,
            "private_investment": "1000000.00", "university_internal_cap": internal,
            "startup_funding": funding,
            "university_approvals": [{"track": "o", "amount": "7000000.00"},
                                     {"track": "plus", "amount": "7500000.00"}],
        }
        for year in ("2018-19", "2022-23", "2023-24")
        for university in ("HKUST", "lingnan")
        for track in ("o", "plus")
        for requested in ("0.00", "900000.00", "1400000.00")
        for registered in ("2021-02-28", "2020-02-29", "2016-02-29", "2015-01-01", None)
        for team in (True, None, False)
        for internal in (None, "500000.00")
        for funding in ([], [{"financial_year": "2020-21", "amount": "1.00"}],
                        [{"financial_year": year, "amount": "1000000.00"},
                         {"financial_year": "2030-31", "amount": "5.00"}])
    ]  # fmt: skip
    batch = engine.decide_columns("tsssu", TSSSU.columns_of(raw))
    assert_same_as_decide(engine, "tsssu", batch, raw, None)
    codes = {r.code for decision in batch for r in decision.reasons}
    assert {
        "not_university", "not_track_open", "company_age_unknown", "not_company_age",
        "university_team_unknown", "not_university_team", "not_private_match",
        "funding_years_used", "requested", "startup_cap", "track_ceiling", "university_ceiling",
        "internal_cap", "nothing_to_fund", "grant",
    } <= codes  # fmt: skip
    assert set(batch.outcomes.tolist()) == {0, 1, 2}


def test_every_rth_path_matches_decide() -> None:
    engine = default_engine()
    phd = {"degree": "phd", "months": 40, "monthly_pay": "50000.00"}
    abroad = {"degree": "master", "months": 12, "monthly_pay": "100.00", "non_local_degree": True}
    raw = [
        {
            "received": received, "programme": programme, "talents": team,
            "talents_already_engaged": engaged, "host_scheme": host, "host_project_months": 12,
        }
        for received in ("2021-02-01", "2023-05-01", "2024-09-01")
        for programme in ("itf", "nias")
        for team in (
            [{"degree": "bachelor", "months": 3, "monthly_pay": "0.00"}],
            [{"degree": "bachelor", "months": 3, "monthly_pay": "15000.01"}, phd],
            [phd, {**abroad, "top100_institution": True}, abroad],
            [{**abroad, "top100_institution": False}],
            [phd] * 6,
        )
        for engaged in (0, 3)
        for host in ("ess", "itsp", None)
    ]  # fmt: skip
    raw[-1]["host_project_months"] = 11
    raw[-2]["host_project_months"] = None
    batch = engine.decide_columns("rth", RTH.columns_of(raw))
    assert_same_as_decide(engine, "rth", batch, raw, None)
    codes = {r.code for decision in batch for r in decision.reasons}
    assert {
        "nias_not_offered", "too_many_talents", "not_non_local_degrees", "top100_unknown",
        "not_top100", "months_capped", "extra_talent", "talent", "nothing_to_fund", "grant",
    } <= codes  # fmt: skip
    assert set(batch.outcomes.tolist()) == {0, 1, 2}
