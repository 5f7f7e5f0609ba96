"""Cases given as columns are decided exactly as ``decide`` decides them one by one."""

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from pydantic import BaseModel

from reind.core.errors import InvalidInputError, RuleError
from reind.core.money import Money
from reind.rules.batch import DecisionBatch
from reind.rules.columns import (
    OUTCOMES,
    Branch,
    ColumnEvaluation,
    Columns,
    ColumnVerdict,
    ReasonTemplate,
    cents_text,
    checked_sum,
    date_column,
    scaled_down,
)
from reind.rules.engine import Engine, Evaluation, Scheme, Verdict
from reind.rules.parameters import ParameterSet, load_parameters
from reind.schemes.catalogue import PARAMETERS, default_engine
from reind.schemes.crs import CRS
from reind.schemes.emf import EMF
from reind.schemes.ess import ESS
from reind.schemes.rd_tax import RDTax
from reind.schemes.rfs import RFS
from reind.schemes.tvp import TVP

# Amounts from a cent to the largest input (15 digits), weighted towards the caps' range.
cents = st.one_of(
    st.integers(min_value=0, max_value=10**15 - 1),
    st.integers(min_value=0, max_value=10**11),
    st.sampled_from([0, 1, 200_000_000, 1_500_000_000, 4_500_000_000, 5_400_000_000]),
)
amounts = cents.map(cents_text)
rfs_days = st.dates(min_value=date(2020, 7, 27), max_value=date(2026, 12, 31))
years = st.integers(min_value=2015, max_value=2030).map(lambda y: f"{y}/{(y + 1) % 100:02d}")

prior_approvals = st.lists(
    st.fixed_dictionaries(
        {
            "amount": st.integers(min_value=0, max_value=2 * 10**14).map(cents_text),
            # Columns hold earlier approvals only (a later one is left out with a
            # reason the columns do not carry), so every approval precedes receipt.
            "approved_on": st.dates(min_value=date(2019, 1, 1), max_value=date(2020, 7, 27)).map(
                date.isoformat
            ),
            "ongoing": st.booleans(),
        }
    ),
    max_size=4,
)
rfs_cases = st.fixed_dictionaries(
    {"received": rfs_days.map(date.isoformat), "total_cost": amounts},
    optional={
        "incorporated_under": st.sampled_from(["cap622", "cap310", "other"]),
        "new_line_in_hong_kong": st.booleans(),
        "smart_manufacturing": st.booleans(),
        "ineligible_costs": amounts,
        "prior_approvals": prior_approvals,
    },
)
rd_cases = st.fixed_dictionaries(
    {"year_of_assessment": years}, optional={"type_a": amounts, "type_b": amounts}
)
EMF_ACTIVITIES = ["exhibition_outside_hk", "corporate_website_or_app", "online_exhibition", "x"]
# Across the ceiling's, the share's and the special measures' changes, and past its closing.
emf_days = st.dates(min_value=date(2019, 1, 1), max_value=date(2026, 12, 31))
emf_cases = st.fixed_dictionaries(
    {
        "received": emf_days.map(date.isoformat),
        "activity": st.sampled_from(EMF_ACTIVITIES),
        "approved_expenditure": amounts,
    },
    optional={
        "activity_ended": st.dates(date(2018, 6, 1), date(2027, 1, 1)).map(date.isoformat),
        "ineligible_costs": amounts,
        "employees_in_hk": st.integers(min_value=0, max_value=300),
        **{
            fact: st.booleans()
            for fact in (
                "manufacturing",
                "listed",
                "business_registration",
                "substantive_operations_in_hk",
                "organiser_related",
            )
        },  # fmt: skip
        "prior_approvals": st.lists(
            st.fixed_dictionaries(
                {
                    "amount": st.integers(min_value=0, max_value=2 * 10**14).map(cents_text),
                    "approved_on": st.dates(date(2001, 1, 1), date(2019, 1, 1)).map(date.isoformat),
                    "activity": st.sampled_from(EMF_ACTIVITIES[:2]),
                }
            ),
            max_size=3,
        ),
    },
)
# From the pilot, across the 2019 and 2020 changes, to after it stopped taking applications.
tvp_cases = st.fixed_dictionaries(
    {
        "received": st.dates(date(2016, 11, 1), date(2025, 6, 30)).map(date.isoformat),
        "total_cost": amounts,
    },
    optional={
        "ineligible_costs": amounts,
        "registration": st.sampled_from(["cap310", "cap622", "statutory_body", "other"]),
        "listed": st.booleans(),
        "subvented": st.booleans(),
        "substantive_business_in_hk": st.booleans(),
        "duration_months": st.integers(min_value=1, max_value=24),
        "prior_approvals": st.lists(
            st.fixed_dictionaries(
                {
                    "amount": st.integers(min_value=0, max_value=10**8).map(cents_text),
                    "approved_on": st.dates(date(2016, 1, 1), date(2016, 10, 31)).map(
                        date.isoformat
                    ),
                    "related_entity": st.booleans(),
                }
            ),
            max_size=7,
        ),
    },
)
# Before and after the first encoded rebate rate (30 Apr 2017).
crs_cases = st.fixed_dictionaries(
    {
        "received": st.dates(date(2010, 4, 1), date(2026, 12, 31)).map(date.isoformat),
        "eligible_spending": amounts,
    },
    optional={
        "project_type": st.sampled_from(["itf_project", "partnership_with_designated_institute",
                                         "other"]),
        "ineligible_costs": amounts,
    },
)  # fmt: skip
ess_cases = st.fixed_dictionaries(
    {
        "received": st.dates(date(2015, 4, 1), date(2026, 12, 31)).map(date.isoformat),
        "total_cost": amounts,
    },
    optional={
        "ineligible_costs": amounts,
        "incorporated_under": st.sampled_from(["cap622", "cap310", "other"]),
        "business_registration": st.booleans(),
        "government_subvented": st.booleans(),
        "duration_months": st.integers(min_value=1, max_value=36),
        "sme_track": st.booleans(),
        "employees": st.integers(min_value=0, max_value=200),
    },
)
mixed = st.lists(
    st.one_of(
        ess_cases.map(lambda c: ("ess", c)),
        crs_cases.map(lambda c: ("crs", c)),
        rfs_cases.map(lambda c: ("RFS", c)),
        rd_cases.map(lambda c: ("rd_tax", c)),
        emf_cases.map(lambda c: ("emf", c)),
        tvp_cases.map(lambda c: ("tvp", c)),
    ),
    max_size=30,
)
COLUMNS_OF = {
    "RFS": RFS.columns_of, "rd_tax": RDTax.columns_of, "emf": EMF.columns_of,
    "tvp": TVP.columns_of, "crs": CRS.columns_of, "ess": ESS.columns_of,
}  # fmt: skip
"""Every scheme with a formula over columns: the parity tests below run each of them."""


def _row(columns: Columns, i: int) -> dict[str, str]:
    """Row ``i`` as text (NaT equals NaT), leaving out earlier-approval columns holding 0."""
    return {
        name: str(values[i])
        for name, values in columns.items()
        if not (name.startswith("prior_approved:") and values[i] == 0)
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
        # The canonical inputs decide exactly as the case as first given ...
        given_as = engine.decide(scheme, case, as_of)
        assert given_as.same_result_as(single)
        # ... and are the same row of columns.
        assert _row(COLUMNS_OF[scheme]([canonical]), 0) == _row(batch.columns, i)


@settings(max_examples=60, deadline=None)
@given(mixed, st.one_of(st.none(), rfs_days))
def test_decide_columns_gives_each_case_the_decision_decide_gives_it(
    cases: list[tuple[str, dict[str, Any]]], as_of: date | None
) -> None:
    engine = default_engine()
    for scheme in COLUMNS_OF:
        raw = [case for name, case in cases if name == scheme]
        if scheme == "rd_tax" and as_of is not None:
            as_of = max(as_of, date(2018, 4, 1))
        batch = engine.decide_columns(scheme, COLUMNS_OF[scheme](raw), as_of)
        assert batch.as_of_override is (as_of is not None)
        assert_same_as_decide(engine, scheme, batch, raw, as_of)
        assert len(batch.traces) <= max(len(raw), 1)


def test_every_rfs_branch_matches_decide_before_and_after_the_2024_limits() -> None:
    engine = default_engine()
    raw = [
        {
            "received": received,
            "total_cost": cost,
            "incorporated_under": incorporated,
            "new_line_in_hong_kong": new_line,
            "smart_manufacturing": smart,
            "ineligible_costs": "1000000.00",
            "prior_approvals": [
                {"amount": "20000000.00", "approved_on": "2022-01-01", "ongoing": running}
            ]
            * projects,
        }
        for received in ("2023-06-01", "2024-01-08", "2025-07-01")
        for cost in ("54000000.00", "1000000.00", "3000.00")
        for incorporated in ("cap622", "cap310", None)
        for new_line in (True, False, None)
        for smart in (True, False, None)
        for projects, running in ((0, True), (1, False), (2, True), (3, True))
    ]
    batch = engine.decide_columns("RFS", RFS.columns_of(raw))
    assert_same_as_decide(engine, "RFS", batch, raw, None)
    codes = {r.code for decision in batch for r in decision.reasons}
    assert {"too_many_projects", "enterprise_cap", "nothing_to_fund", "not_cap622"} <= codes
    assert {"new_line_unknown", "not_smart", "incorporation_unknown", "grant"} <= codes
    assert set(batch.outcomes.tolist()) == {0, 1, 2}


def test_every_emf_path_matches_decide_under_each_set_of_rules() -> None:
    engine = default_engine()
    earlier: tuple[list[dict[str, str]], ...] = (
        [],
        [{"amount": "390000.00", "approved_on": "2010-01-01", "activity": EMF_ACTIVITIES[1]}],
        [{"amount": "990000.00", "approved_on": "2010-01-01", "activity": EMF_ACTIVITIES[0]}],
    )
    raw = [
        {
            "received": received, "activity": activity, "approved_expenditure": spent,
            "activity_ended": ended, "employees_in_hk": employees, "manufacturing": making,
            "listed": listed, "business_registration": registered,
            "substantive_operations_in_hk": True, "organiser_related": related,
            "prior_approvals": prior,
        }
        for received in ("2019-05-01", "2021-05-01", "2025-04-01", "2026-08-01")
        for activity in EMF_ACTIVITIES
        for spent in ("1000.00", "900000.00")
        for ended in ("2021-03-02", "2021-03-01", "2019-04-30")  # 2021-05-01 less 60 days: in time
        for employees, making in ((10, True), (70, False), (200, True))
        for listed in (True, False, None)
        for registered in (True, None, False)
        for related in (False, None)
        for prior in earlier
    ]  # fmt: skip
    for case in raw[::5]:  # some facts not given at all
        del case["employees_in_hk"], case["activity_ended"]
    batch = engine.decide_columns("emf", EMF.columns_of(raw))
    assert_same_as_decide(engine, "emf", batch, raw, None)
    codes = {r.code for decision in batch for r in decision.reasons}
    assert {
        "activity_not_covered", "late", "non_listed_unknown", "not_non_listed", "sme_unknown",
        "not_sme", "business_registration_unknown", "not_business_registration",
        "not_organiser_unknown", "matching", "application_cap", "cumulative_ceiling",
        "website_cap", "nothing_to_fund", "initial_payment", "grant", "scheme_closed",
    } <= codes  # fmt: skip
    assert set(batch.outcomes.tolist()) == {0, 1, 2}


def test_every_tvp_path_matches_decide_under_each_set_of_rules() -> None:
    engine = default_engine()
    earlier: tuple[list[dict[str, object]], ...] = (
        [],
        [{"amount": "150000.00", "approved_on": "2016-01-01", "related_entity": True}],
        [{"amount": "10.00", "approved_on": "2016-01-01"}] * 6,
    )
    raw = [
        {
            "received": received, "total_cost": cost, "registration": registration,
            "listed": listed, "subvented": False, "substantive_business_in_hk": business,
            "duration_months": months, "prior_approvals": prior,
        }
        for received in ("2017-05-01", "2020-05-01", "2020-09-01", "2025-02-01")
        for cost in ("900000.00", "1000.00", "0.00")
        for registration in ("cap622", "other", None)
        for listed in (False, True, None)
        for business in (True, None)
        for months in (12, 13, None)
        for prior in earlier
    ]  # fmt: skip
    batch = engine.decide_columns("tvp", TVP.columns_of(raw))
    assert_same_as_decide(engine, "tvp", batch, raw, None)
    codes = {r.code for decision in batch for r in decision.reasons}
    assert {
        "registration_unknown", "not_registration", "non_listed_unknown", "not_non_listed",
        "substantive_business_unknown", "duration_unknown", "not_duration", "too_many_projects",
        "matching", "cumulative_ceiling", "nothing_to_fund", "initial_payment", "grant",
        "scheme_closed",
    } <= codes  # fmt: skip
    assert set(batch.outcomes.tolist()) == {0, 1, 2}


def test_every_crs_path_matches_decide_before_and_after_the_first_rate() -> None:
    engine = default_engine()
    raw = [
        {"received": received, "project_type": kind, "eligible_spending": spent}
        for received in ("2015-01-01", "2017-04-30", "2023-05-01")
        for kind in ("itf_project", "other", None)
        for spent in ("0.00", "123456.78")
    ]
    batch = engine.decide_columns("crs", CRS.columns_of(raw))
    assert_same_as_decide(engine, "crs", batch, raw, None)
    codes = {r.code for decision in batch for r in decision.reasons}
    assert codes == {"project_type_unknown", "project_type", "rate_unknown", "rebate"}
    with pytest.raises(InvalidInputError, match="empty one"):
        CRS.columns_of([{**raw[0], "project_type": ""}])


def test_every_ess_path_matches_decide() -> None:
    engine = default_engine()
    raw = [
        {
            "received": "2016-05-01", "incorporated_under": incorporated,
            "business_registration": registered, "government_subvented": subvented,
            "duration_months": months, "sme_track": track, "employees": employees,
            "total_cost": cost,
        }
        for incorporated in ("cap622", "cap310", None)
        for registered in (True, False, None)
        for subvented in (False, True, None)
        for months in (24, 25, None)
        for track in (False, True)
        for employees in (99, 100, None)
        for cost in ("0.00", "900000.00", "6000000.00", "30000000.00")
    ]  # fmt: skip
    batch = engine.decide_columns("ess", ESS.columns_of(raw))
    assert_same_as_decide(engine, "ess", batch, raw, None)
    codes = {r.code for decision in batch for r in decision.reasons}
    assert {
        "cap622_unknown", "not_cap622", "not_business_registration", "not_subvented_unknown",
        "not_duration", "sme_track_size_unknown", "not_sme_track_size", "project_cap",
        "sme_track_cap", "nothing_to_fund", "grant",
    } <= codes  # fmt: skip
    assert set(batch.outcomes.tolist()) == {0, 1, 2}


def test_a_54_million_project_gets_15_million_from_columns() -> None:
    columns = {
        "received": np.array(["2021-06-01"], dtype="datetime64[D]"),
        "total_cost": np.array([5_400_000_000]),
        "incorporated_under": np.array([0], dtype=np.int8),
        "new_line_in_hong_kong": np.array([1], dtype=np.int8),
        "smart_manufacturing": np.array([1], dtype=np.int8),
    }
    batch = default_engine().decide_columns("NIFS", columns)
    assert batch.amount_cents.tolist() == [1_500_000_000]
    assert batch[0].amount == Money.of("15000000") and batch[-1] is not batch[0]
    assert [t.parameter for t in batch.trace_of(0)][:2] == [
        "rfs.in_operation",
        "rfs.eligible_incorporation",
    ]


def test_cases_of_one_branch_share_one_trace_tuple() -> None:
    raw = [{"year_of_assessment": "2020/21", "type_b": str(n)} for n in range(1, 50)]
    batch = default_engine().decide_columns("rd_tax", RDTax.columns_of(raw))
    assert len(batch.traces) == 1 and set(batch.trace_index.tolist()) == {0}
    assert batch.trace_of(0) is batch.trace_of(48) and len(batch.trace_of(0)) == 5
    assert [d.amount.cents for d in batch][:2] == [300, 600]


@pytest.mark.parametrize(
    ("scheme", "raw", "first_bad", "started"),
    [
        ("rd_tax", "year_of_assessment", "1999/00", "2000-04-01"),
        ("RFS", "received", "2020-07-26", "2020-07-27"),
    ],
)
@given(position=st.integers(min_value=0, max_value=5))
@settings(max_examples=10, deadline=None)
def test_a_case_dated_before_the_scheme_fails_the_batch_naming_the_first_such_case(
    scheme: str, raw: str, first_bad: str, started: str, position: int
) -> None:
    good = {"year_of_assessment": "2020/21"} if scheme == "rd_tax" else {
        "received": "2021-01-01", "total_cost": "10.00"
    }  # fmt: skip
    cases = [dict(good) for _ in range(6)]
    cases[position][raw] = first_bad
    cases[5][raw] = first_bad
    with pytest.raises(RuleError, match=f"case {position}: .* it started on {started}") as error:
        default_engine().decide_columns(scheme, COLUMNS_OF[scheme](cases))
    with pytest.raises(RuleError, match=str(error.value).split(": ", 1)[1]):
        default_engine().decide(scheme, cases[position])


def test_an_empty_batch_has_no_decisions() -> None:
    engine = default_engine()
    for scheme, columns in (("RFS", RFS.columns_of([])), ("rd_tax", RDTax.columns_of([]))):
        batch = engine.decide_columns(scheme, columns)
        assert len(batch) == 0 and list(batch) == [] and batch.amount_cents.shape == (0,)
        with pytest.raises(IndexError):
            batch[0]


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"assessment_year": [2020, 2020], "type_a": [5, -1]}, "case 1: type_a must be whole"),
        ({"assessment_year": [2020], "type_b": [10**15]}, "case 0: type_b must be whole"),
        ({"assessment_year": [2020], "type_a": [1.5]}, "type_a must hold integers"),
        ({"assessment_year": [2020, 2021], "type_a": [1]}, "columns differ in length"),
        ({"assessment_year": [2020], "type_c": [1]}, "unknown column"),
        ({"type_a": [1]}, "assessment_year is required"),
        ({"assessment_year": [99]}, "case 0: assessment_year must be from 1000"),
    ],
)
def test_bad_claim_columns_are_refused_naming_the_case(
    columns: dict[str, list[Any]], message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        default_engine().decide_columns("rd_tax", columns)


def test_bad_application_columns_are_refused_naming_the_case() -> None:
    base = RFS.columns_of([{"received": "2021-01-01", "total_cost": "1.00"}] * 3)
    engine = default_engine()
    for name, values, message in (
        ("incorporated_under", [0, 3, 0], "case 1: incorporated_under must be -1"),
        ("smart_manufacturing", [0, 1, -2], "case 2: smart_manufacturing must be -1"),
        ("prior_ongoing", [0, -1, 0], "case 1: prior_ongoing must be a whole number"),
        ("received", ["2021-01-01", "NaT", "2021-01-01"], "case 1: received must be a date"),
    ):
        dtype = "datetime64[D]" if name == "received" else np.int64
        with pytest.raises(InvalidInputError, match=message):
            engine.decide_columns("RFS", {**base, name: np.array(values, dtype=dtype)})


def test_dates_may_be_given_as_days_since_1970() -> None:
    days = date_column({"d": np.array([0, 18779])}, "d", "X")
    assert days.tolist() == [date(1970, 1, 1), date(2021, 6, 1)]


def test_money_arithmetic_refuses_to_overflow_64_bit_integers() -> None:
    big = np.array([3 * 10**18], dtype=np.int64)
    with pytest.raises(RuleError, match="overflow"):
        scaled_down(big, __import__("fractions").Fraction(4), "test")
    assert scaled_down(big, __import__("fractions").Fraction(1, 3), "test").tolist() == [10**18]
    with pytest.raises(RuleError, match="overflow"):
        checked_sum(big, big, big, big, what="test")


def test_a_rate_that_would_overflow_is_refused_not_wrapped(tmp_path: Path) -> None:
    shutil.copytree(PARAMETERS / "rd_tax", tmp_path / "rd_tax")
    rate = tmp_path / "rd_tax" / "type_b_remainder_rate.yaml"
    rate.write_text(rate.read_text(encoding="utf-8").replace("value: 2", "value: 100000"), "utf-8")
    engine = Engine([RDTax()], load_parameters(tmp_path))
    columns = {"assessment_year": np.array([2020, 2020]), "type_b": np.array([0, 10**15 - 1])}
    with pytest.raises(RuleError, match="Type B remainder: .* would overflow"):
        engine.decide_columns("rd_tax", columns)
    small = engine.decide_columns("rd_tax", {"assessment_year": [2020], "type_b": [300_000_000]})
    assert small[0].dumps() == engine.decide("rd_tax", small.case(0)).dumps()


# ------------------------------------------------- a toy scheme, both ways


class ToyInputs(BaseModel):
    """A case of a toy scheme that pays a share of a cost."""

    received: date
    cost: int


class ToyScheme(Scheme[ToyInputs]):
    """Pays ``share`` of the cost; closes from 2022."""

    code = "toy"
    label = "TOY"
    title_en = title_zh = administrator_en = administrator_zh = summary_en = summary_zh = "toy"
    inputs = ToyInputs

    def governing_date(self, case: ToyInputs) -> date:
        return case.received

    def evaluate(self, case: ToyInputs, ev: Evaluation) -> Verdict:
        share = ev.ratio("share")
        paid = Money(case.cost * share.numerator // share.denominator)
        ev.explain("paid", "Paid {paid}.", "支付 {paid}。", paid=paid)
        return Verdict(OUTCOMES[0], paid)


class ColumnToyScheme(ToyScheme):
    """The same toy with a vectorised formula."""

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        return {"received": date_column(columns, "received", "TOY"), "cost": columns["cost"]}

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        days: NDArray[np.datetime64] = columns["received"]
        return days

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        paid = scaled_down(columns["cost"].astype(np.int64), ev.ratio("share"), "toy")
        size = len(paid)
        return ColumnVerdict(
            outcomes=np.zeros(size, dtype=np.int8),
            amount_cents=paid,
            branch=np.zeros(size, dtype=np.int8),
            branches=(
                Branch(("share",), (ReasonTemplate("paid", "Paid {paid}.", "支付 {paid}。"),)),
            ),
            blanks={"paid": (paid, Money)},
        )


def toy_parameters(tmp_path: Path) -> ParameterSet:
    folder = tmp_path / "toy"
    folder.mkdir()
    entry = "    source: test\n    confidence: A\n"
    (folder / "in_operation.yaml").write_text(
        "description: {en: Open., zh-Hant: 開放。}\nunit: boolean\nvalues:\n"
        f"  2020-01-01:\n    value: true\n{entry}  2022-01-01:\n    value: false\n{entry}",
        encoding="utf-8",
    )
    (folder / "share.yaml").write_text(
        "description: {en: Share., zh-Hant: 比例。}\nunit: ratio\nvalues:\n"
        f"  2020-01-01:\n    value: 1/3\n{entry}  2021-01-01:\n    value: 1/2\n{entry}",
        encoding="utf-8",
    )
    return load_parameters(tmp_path)


@pytest.mark.parametrize("scheme", [ToyScheme(), ColumnToyScheme()])
def test_closed_epochs_and_schemes_without_a_vectorised_formula_match_decide(
    tmp_path: Path, scheme: ToyScheme
) -> None:
    engine = Engine([scheme], toy_parameters(tmp_path))
    days = ["2020-06-01", "2021-06-01", "2022-06-01", "2021-06-02", "2023-01-01"]
    columns = {
        "received": np.array([d for d in days for _ in range(3)], dtype="datetime64[D]"),
        "cost": np.array([0, 7, 300] * len(days)),
    }
    batch = engine.decide_columns("toy", columns)
    assert batch.amount_cents.tolist()[:6] == [0, 2, 100, 0, 3, 150]
    for i in range(len(batch)):
        assert batch[i].dumps() == engine.decide("toy", batch.case(i)).dumps()
        assert batch.trace_of(i) == batch[i].trace
    assert {r.code for d in list(batch)[6:9] for r in d.reasons} == {"scheme_closed"}
    what_if = engine.decide_columns("toy", columns, as_of=date(2020, 6, 1))
    assert what_if.amount_cents.tolist()[3:6] == [0, 2, 100]
    assert what_if[4].dumps() == engine.decide("toy", what_if.case(4), date(2020, 6, 1)).dumps()
    early = np.array(["2021-01-01"] * 2 + ["2019-12-31"], dtype="datetime64[D]")
    # Only the vectorised path knows which case it is; decide_many names the date.
    named = "case 2: " if scheme.takes_columns() else ""
    with pytest.raises(RuleError, match=f"^{named}TOY did not exist on 2019-12-31"):
        engine.decide_columns("toy", {"received": early, "cost": np.array([1, 2, 3])})


def test_a_vectorised_formula_may_not_read_a_parameter_it_did_not_declare(
    tmp_path: Path,
) -> None:
    class Undeclared(ColumnToyScheme):
        column_parameters = frozenset({"something_else"})

    engine = Engine([Undeclared()], toy_parameters(tmp_path))
    columns = {"received": np.array(["2021-06-01"], dtype="datetime64[D]"), "cost": np.array([3])}
    with pytest.raises(RuleError, match="reads share, which the scheme's column_parameters"):
        engine.decide_columns("toy", columns)
