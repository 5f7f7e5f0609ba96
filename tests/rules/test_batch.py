"""Deciding cases in bulk gives exactly the decisions of deciding them one by one."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from reind.core.errors import RuleError
from reind.core.money import Money
from reind.rules.decision import Decision, Outcome, Reason
from reind.rules.engine import Batch, Engine, Evaluation, Scheme, Verdict
from reind.rules.parameters import ParameterSet, load_parameters
from reind.schemes.catalogue import default_engine

amounts = st.decimals(min_value=0, max_value=Decimal("100000000"), places=2).map(str)
rfs_days = st.dates(min_value=date(2020, 7, 27), max_value=date(2026, 12, 31))
years = st.integers(min_value=2015, max_value=2030).map(lambda y: f"{y}/{(y + 1) % 100:02d}")

prior_approvals = st.lists(
    st.fixed_dictionaries(
        {
            "amount": amounts,
            "approved_on": st.dates(min_value=date(2020, 7, 27), max_value=date(2026, 1, 1)).map(
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
    {"year_of_assessment": years, "type_a": amounts, "type_b": amounts}
)
mixed = st.lists(
    st.one_of(rfs_cases.map(lambda c: ("RFS", c)), rd_cases.map(lambda c: ("rd_tax", c))),
    max_size=30,
)


def identical(bulk: Decision, single: Decision) -> None:
    assert bulk.dumps() == single.dumps()
    assert bulk.amount == single.amount and bulk.outcome is single.outcome
    assert bulk.trace == single.trace
    assert bulk.reasons == single.reasons


@settings(max_examples=60, deadline=None)
@given(mixed)
def test_decide_many_gives_the_same_decisions_as_decide(cases: list[tuple[str, Any]]) -> None:
    engine = default_engine()
    for scheme in ("RFS", "rd_tax"):
        inputs = [case for name, case in cases if name == scheme]
        bulk = engine.decide_many(scheme, inputs)
        assert len(bulk) == len(inputs)
        for decision, case in zip(bulk, inputs, strict=True):
            identical(decision, engine.decide(scheme, case))


@settings(max_examples=25, deadline=None)
@given(st.lists(rfs_cases, max_size=10), rfs_days)
def test_decide_many_as_of_a_date_matches_decide_as_of_it(
    cases: list[dict[str, Any]], as_of: date
) -> None:
    engine = default_engine()
    for decision, case in zip(engine.decide_many("RFS", cases, as_of), cases, strict=True):
        assert decision.as_of_override
        identical(decision, engine.decide("RFS", case, as_of))


def test_cases_on_the_same_date_share_one_trace_but_keep_their_own_amounts() -> None:
    engine = default_engine()
    claims = [{"year_of_assessment": "2020/21", "type_b": str(n)} for n in (1, 2_000_000, 5e6)]
    first, second, third = engine.decide_many("rd_tax", claims)
    assert first.trace is second.trace is third.trace
    assert len(first.trace) == 5
    assert [d.amount for d in (first, second, third)] == [
        Money(300),
        Money(600_000_000),
        Money(1_200_000_000),
    ]


def test_prevalidated_inputs_are_decided_without_parsing_again() -> None:
    engine = default_engine()
    scheme = engine.scheme("rd_tax")
    case = engine.parse_inputs(scheme, {"year_of_assessment": "2019-20", "type_a": "1.5"})
    (decision,) = engine.decide_many("rd_tax", [case])
    assert decision.inputs == case.model_dump(mode="json")
    assert decision.inputs["year_of_assessment"] == "2019/20"
    assert decision.amount == Money(150)


def test_a_case_dated_before_the_scheme_fails_the_batch_as_it_fails_alone() -> None:
    with pytest.raises(RuleError, match="started on 2000-04-01"):
        default_engine().decide_many("rd_tax", [{"year_of_assessment": "1999/00"}])


def test_lazy_reasons_read_the_same_as_written_ones() -> None:
    lazy = Reason("grant", "Grant: {grant}.", "資助額：{grant}。", {"grant": Money(150)})
    written = Reason("grant", "Grant: HK$1.50.", "資助額：HK$1.50。")
    assert lazy == written and hash(lazy) == hash(written)
    assert lazy.text("zh-Hant") == "資助額：HK$1.50。"
    assert "HK$1.50" in repr(lazy)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_money_text_matches_the_decimal_formatting(cents: int) -> None:
    amount = Money(cents)
    sign = "-" if cents < 0 else ""
    assert str(amount) == f"{sign}HK${abs(amount.amount):,.2f}"


class ToyInputs(BaseModel):
    """A case of a toy scheme that pays a share of a cost."""

    received: date
    cost: int


class ToyScheme(Scheme[ToyInputs]):
    """Pays ``share`` of the cost; closes from 2022; batches only when asked to."""

    code = "toy"
    label = "TOY"
    title_en = title_zh = administrator_en = administrator_zh = summary_en = summary_zh = "toy"
    inputs = ToyInputs

    def __init__(self, batched: bool) -> None:
        self.batched = batched

    def governing_date(self, case: ToyInputs) -> date:
        return case.received

    def evaluate(self, case: ToyInputs, ev: Evaluation) -> Verdict:
        paid = Money(case.cost * ev.ratio("share").numerator // ev.ratio("share").denominator)
        ev.explain("paid", "Paid {paid}.", "支付 {paid}。", paid=paid)
        return Verdict(Outcome.ELIGIBLE, paid)

    def evaluate_batch(self, cases: Sequence[ToyInputs], ev: Evaluation) -> Batch | None:
        if not self.batched:
            return None
        share = ev.ratio("share")
        results = []
        for case in cases:
            paid = Money(case.cost * share.numerator // share.denominator)
            results.append(
                (Outcome.ELIGIBLE, paid, (Reason("paid", "Paid {p}.", "支付 {p}。", {"p": paid}),))
            )
        return results


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


@pytest.mark.parametrize("batched", [True, False])
def test_batched_fallback_and_closed_paths_all_match_decide(tmp_path: Path, batched: bool) -> None:
    engine = Engine([ToyScheme(batched)], toy_parameters(tmp_path))
    cases = [
        {"received": day, "cost": cost}
        for day in ("2020-06-01", "2021-06-01", "2022-06-01", "2021-06-01")
        for cost in (0, 7, 300)
    ]
    bulk = engine.decide_many("toy", cases)
    for decision, case in zip(bulk, cases, strict=True):
        identical(decision, engine.decide("toy", case))
    assert [d.amount.cents for d in bulk[:3]] == [0, 2, 100]
    assert {r.code for d in bulk[6:9] for r in d.reasons} == {"scheme_closed"}
    what_if = engine.decide_many("toy", cases, as_of=date(2020, 6, 1))
    assert [d.amount.cents for d in what_if[3:6]] == [0, 2, 100]
    assert all(d.as_of_override for d in what_if)
