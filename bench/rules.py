"""Rules engine throughput against OpenFisca, in the same run, on the same cases.

reind decides a mix of RFS grants (many received dates, costs, missing facts,
earlier approvals) and R&D tax claims (several years of assessment), keeping
every decision's bilingual reasons and full parameter trace, two ways:

- ``decide_columns`` (ADR 0051): the cases as numpy columns (built from the
  raw cases and timed apart, as OpenFisca's input arrays are), amounts in
  int64 arrays and a trace index per case; random decisions are then made
  from the batches and checked byte for byte against ``decide()``, to show
  the per-case traces and reasons are really there;
- ``decide_many`` (ADR 0050): one ``Decision`` object per case.

The same R&D deduction is written as an OpenFisca tax-benefit system whose
parameters are read from reind's own YAML, and OpenFisca computes the same
claims in its natural vectorised way, once plain and once with its tracer on.
Every amount must agree across all paths, claim by claim, to the cent.

    python bench/rules.py                # 1,000,000 cases
    python bench/rules.py --cases 100000 # quicker

The issue's target is reind at least as fast as OpenFisca while keeping a
trace per case; the ratios printed say whether it is, whatever they are.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import partial
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from openfisca_core.entities import build_entity
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.simulations import SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable
from pydantic import BaseModel

from reind.core.money import Money
from reind.rules.batch import DecisionBatch
from reind.rules.columns import OUTCOMES
from reind.rules.decision import Decision
from reind.rules.engine import Engine
from reind.schemes.catalogue import default_engine
from reind.schemes.rd_tax import RDTax
from reind.schemes.rfs import RFS

SEED = 20210611
RD_YEARS = range(2018, 2026)  # years of assessment 2018/19 .. 2025/26
RD_PARAMETERS = ("type_a_rate", "type_b_first_tier", "type_b_first_rate", "type_b_remainder_rate")
T = TypeVar("T")
_CODES = {outcome: code for code, outcome in enumerate(OUTCOMES)}


# ----------------------------------------------------------------- the cases


def build_cases(count: int, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Raw inputs: about half RFS applications, half R&D tax claims."""
    rng = random.Random(seed)
    launch = date(2020, 7, 27)
    span = (date(2026, 12, 31) - launch).days
    rfs: list[dict[str, Any]] = []
    rd: list[dict[str, Any]] = []
    for _ in range(count):
        if rng.random() < 0.5:
            case: dict[str, Any] = {
                "received": (launch + timedelta(days=rng.randrange(span))).isoformat(),
                "total_cost": _dollars(rng.randrange(0, 10_000_000_000)),
                "incorporated_under": rng.choice(("cap622",) * 8 + ("cap310", None)),
                "new_line_in_hong_kong": rng.choice((True,) * 9 + (None,)),
                "smart_manufacturing": rng.choice((True,) * 9 + (False,)),
            }
            if rng.random() < 0.3:
                case["ineligible_costs"] = _dollars(rng.randrange(0, 100_000_000))
            if rng.random() < 0.2:
                case["prior_approvals"] = [
                    {
                        "amount": _dollars(rng.randrange(0, 1_500_000_000)),
                        "approved_on": "2022-01-01",
                        "ongoing": rng.random() < 0.7,
                    }
                    for _ in range(rng.randint(1, 4))
                ]
            rfs.append(case)
        else:
            year = rng.choice(RD_YEARS)
            rd.append(
                {
                    "year_of_assessment": f"{year}/{(year + 1) % 100:02d}",
                    "type_a": _dollars(rng.randrange(0, 1_000_000_000)),
                    "type_b": _dollars(rng.randrange(0, 5_000_000_000)),
                }
            )
    return rfs, rd


def _dollars(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


# ------------------------------------------------------------ OpenFisca side


def openfisca_system(engine: Engine) -> TaxBenefitSystem:
    """The enhanced R&D deduction as an OpenFisca system, parameters from reind's YAML.

    Amounts are HK$ cents held as float64 (exact below 2**53): OpenFisca's
    own float is float32, which cannot hold amounts of this size to the cent.
    """
    claim = build_entity(key="claim", plural="claims", label="R&D claim", is_person=True)
    system = TaxBenefitSystem([claim])

    class type_a(Variable):  # type: ignore[misc]  # noqa: N801 - OpenFisca names by class
        value_type = float
        entity = claim
        definition_period = DateUnit.YEAR
        label = "Type A R&D expenditure, HK$ cents"

    class type_b(Variable):  # type: ignore[misc]  # noqa: N801
        value_type = float
        entity = claim
        definition_period = DateUnit.YEAR
        label = "Type B R&D expenditure, HK$ cents"

    class deduction(Variable):  # type: ignore[misc]  # noqa: N801
        value_type = float
        entity = claim
        definition_period = DateUnit.YEAR
        label = "Enhanced R&D deduction, HK$ cents"

        def formula(claims: Any, period: Any, parameters: Any) -> NDArray[np.float64]:  # noqa: N805 - OpenFisca's formula signature
            rules = parameters(period.start).rd_tax
            spent_a, spent_b = claims("type_a", period), claims("type_b", period)
            first = np.minimum(spent_b, rules.type_b_first_tier)
            rest = np.maximum(spent_b - rules.type_b_first_tier, 0)
            result: NDArray[np.float64] = (
                np.floor(spent_a * rules.type_a_rate)
                + np.floor(first * rules.type_b_first_rate)
                + np.floor(rest * rules.type_b_remainder_rate)
            )
            return result

    for variable in (type_a, type_b, deduction):
        system.add_variable(variable)
        system.variables[variable.__name__].dtype = np.float64
    system.parameters = ParameterNode("", data={"rd_tax": _parameters_from_reind(engine)})
    return system


def _parameters_from_reind(engine: Engine) -> dict[str, Any]:
    """reind's dated R&D tax values as OpenFisca parameter data (HK$ in cents)."""
    data: dict[str, Any] = {}
    for name in RD_PARAMETERS:
        parameter = engine.parameters.get("rd_tax", name)
        values: dict[str, Any] = {}
        for dated in parameter.values:
            value = dated.value
            if isinstance(value, Money):
                number: float | None = float(value.cents)
            elif isinstance(value, Fraction):
                number = float(value)
                if Fraction(number) != value:
                    sys.exit(f"{parameter.key} = {value} is not exact as a float; compare by hand")
            elif value is None:
                number = None
            else:
                sys.exit(f"{parameter.key}: unexpected value {value!r}")
            values[dated.effective_from.isoformat()] = {"value": number}
        data[name] = {
            "description": parameter.description_en,
            "reference": sorted({v.source for v in parameter.values}),
            "values": values,
        }
    return data


@dataclass
class ClaimArrays:
    """The claims of one year of assessment, as OpenFisca takes them."""

    period: str
    rows: NDArray[np.int64]
    type_a: NDArray[np.float64]
    type_b: NDArray[np.float64]


def claim_arrays(claims: Sequence[BaseModel]) -> list[ClaimArrays]:
    """Group claims by year of assessment into arrays of cents."""
    by_year: dict[str, list[int]] = {}
    for row, claim in enumerate(claims):
        by_year.setdefault(claim.year_of_assessment, []).append(row)  # type: ignore[attr-defined]
    groups = []
    for year, rows in sorted(by_year.items()):
        chosen = [claims[i] for i in rows]
        groups.append(
            ClaimArrays(
                period=f"year:{year[:4]}-04",  # a year of assessment starts on 1 April
                rows=np.array(rows, dtype=np.int64),
                type_a=np.array([int(c.type_a.scaleb(2)) for c in chosen], dtype=np.float64),  # type: ignore[attr-defined]
                type_b=np.array([int(c.type_b.scaleb(2)) for c in chosen], dtype=np.float64),  # type: ignore[attr-defined]
            )
        )
    return groups


def openfisca_run(
    system: TaxBenefitSystem, groups: list[ClaimArrays], count: int, trace: bool
) -> NDArray[np.int64]:
    """Every claim's deduction in cents, one vectorised simulation per year."""
    out = np.zeros(count, dtype=np.int64)
    for group in groups:
        simulation = SimulationBuilder().build_default_simulation(system, count=len(group.rows))
        simulation.trace = trace
        simulation.set_input("type_a", group.period, group.type_a)
        simulation.set_input("type_b", group.period, group.type_b)
        out[group.rows] = simulation.calculate("deduction", group.period).astype(np.int64)
    return out


# ------------------------------------------------------------------ running


def timed(label: str, work: Callable[[], T]) -> tuple[T, float]:
    """Run ``work`` once and say how long it took."""
    print(f"  {label} ...", end="", flush=True)
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    print(f" {seconds:.2f} s")
    return result, seconds


def best_of(runs: int, work: Callable[[], T]) -> tuple[T, float]:
    """The fastest of ``runs`` runs (for the short OpenFisca timings)."""
    best = float("inf")
    result: T | None = None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return result, best


@dataclass
class ColumnRun:
    """reind's columnar path: input columns, batches and their timings."""

    columns_s: float
    rd: DecisionBatch
    rfs: DecisionBatch
    rd_s: float
    rfs_s: float


def run_columns(
    engine: Engine, raw_rfs: list[dict[str, Any]], raw_rd: list[dict[str, Any]]
) -> ColumnRun:
    """Columns from the raw cases (timed apart, like OpenFisca's arrays), then decide_columns."""
    (rfs_columns, rd_columns), columns_s = timed(
        "raw cases to input columns", lambda: (RFS.columns_of(raw_rfs), RDTax.columns_of(raw_rd))
    )
    rd, rd_s = best_of(3, lambda: engine.decide_columns("rd_tax", rd_columns))
    print(f"  R&D tax  {len(rd):>9,} cases, best of 3 ... {rd_s:.3f} s")
    rfs, rfs_s = best_of(3, lambda: engine.decide_columns("RFS", rfs_columns))
    print(f"  RFS      {len(rfs):>9,} cases, best of 3 ... {rfs_s:.3f} s")
    return ColumnRun(columns_s, rd, rfs, rd_s, rfs_s)


def materialise(engine: Engine, run: ColumnRun, count: int, seed: int) -> tuple[float, int]:
    """``count`` random decisions made from the batches; a sample checked against decide().

    Returns the seconds taken to make them and how many were checked.
    """
    rng = random.Random(seed)
    picks = [
        (batch, name, rng.randrange(len(batch)))
        for batch, name in rng.choices([(run.rd, "rd_tax"), (run.rfs, "RFS")], k=count)
    ]
    start = time.perf_counter()
    made = [batch[i] for batch, _, i in picks]
    seconds = time.perf_counter() - start
    _check_traces(made)
    checked = 0
    for decision, (batch, name, i) in list(zip(made, picks, strict=True))[:: max(1, count // 500)]:
        if decision.dumps() != engine.decide(name, batch.case(i)).dumps():
            sys.exit(f"{name} case {i}: the batch's decision differs from decide()'s")
        if batch.trace_of(i) != decision.trace:
            sys.exit(f"{name} case {i}: trace_of differs from the decision's trace")
        checked += 1
    return seconds, checked


def main(argv: list[str] | None = None) -> None:
    """Build the cases, run both engines, check agreement, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="how many cases in all")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--one-by-one", type=int, default=100_000, help="cases also timed through decide()"
    )
    parser.add_argument(
        "--materialise", type=int, default=10_000, help="decisions made from the batches"
    )
    args = parser.parse_args(argv)

    engine = default_engine()
    print(f"reind rules {engine.rules_version}; {args.cases:,} cases, seed {args.seed}")

    (raw_rfs, raw_rd), _ = timed("generating raw cases", lambda: build_cases(args.cases, args.seed))
    total = len(raw_rfs) + len(raw_rd)

    print("reind, columnar (decide_columns: arrays, a trace index per case):")
    cols = run_columns(engine, raw_rfs, raw_rd)
    made_s, checked = materialise(engine, cols, args.materialise, args.seed)
    print(f"  {args.materialise:,} random Decisions made from the batches ... {made_s:.3f} s")

    (rfs_cases, rd_cases), validate_s = timed(
        "validating inputs (pydantic)", partial(validate, engine, raw_rfs, raw_rd)
    )
    print("OpenFisca (vectorised, one simulation per year of assessment):")
    system = openfisca_system(engine)
    groups, arrays_s = timed("claims to numpy arrays", lambda: claim_arrays(rd_cases))
    gc.collect()
    plain, of_plain_s = best_of(3, lambda: openfisca_run(system, groups, len(rd_cases), False))
    print(f"  plain, best of 3 ... {of_plain_s:.3f} s")
    traced, of_traced_s = best_of(3, lambda: openfisca_run(system, groups, len(rd_cases), True))
    print(f"  tracer on, best of 3 ... {of_traced_s:.3f} s")

    print("reind (decide_many, every decision kept with reasons and trace):")
    gc.collect()
    rd_decisions, reind_rd_s = timed(
        f"R&D tax  {len(rd_cases):>9,} cases", lambda: engine.decide_many("rd_tax", rd_cases)
    )
    rfs_decisions, reind_rfs_s = timed(
        f"RFS      {len(rfs_cases):>9,} cases", lambda: engine.decide_many("RFS", rfs_cases)
    )
    reind_all_s = reind_rd_s + reind_rfs_s
    sample = rd_cases[: args.one_by_one // 2] + rfs_cases[: args.one_by_one // 2]
    names = ["rd_tax"] * len(rd_cases[: args.one_by_one // 2]) + ["RFS"] * (
        len(sample) - len(rd_cases[: args.one_by_one // 2])
    )
    singles, single_s = timed(
        f"decide() one by one, {len(sample):,} of them",
        lambda: [engine.decide(n, c) for n, c in zip(names, sample, strict=True)],
    )
    del singles
    _check_traces(rd_decisions + rfs_decisions)
    _, collect_s = timed("one full garbage collection with every decision held", gc.collect)

    many_rd = np.fromiter((d.amount.cents for d in rd_decisions), dtype=np.int64)
    many_rfs = np.fromiter((d.amount.cents for d in rfs_decisions), dtype=np.int64)
    many_outcomes = np.array([_CODES[d.outcome] for d in rfs_decisions], dtype=np.int8)
    agreement: dict[str, tuple[NDArray[Any], NDArray[Any]]] = {
        "decide_many vs OpenFisca plain (R&D)": (many_rd, plain),
        "decide_many vs OpenFisca traced (R&D)": (many_rd, traced),
        "decide_columns vs OpenFisca plain (R&D)": (cols.rd.amount_cents, plain),
        "decide_columns vs OpenFisca traced (R&D)": (cols.rd.amount_cents, traced),
        "decide_columns vs decide_many (R&D)": (cols.rd.amount_cents, many_rd),
        "decide_columns vs decide_many (RFS)": (cols.rfs.amount_cents, many_rfs),
        "decide_columns vs decide_many (RFS outcomes)": (cols.rfs.outcomes, many_outcomes),
    }

    rate = _rate
    n_rd, n_rfs = len(rd_cases), len(rfs_cases)
    of_plain, of_traced = rate(n_rd, of_plain_s), rate(n_rd, of_traced_s)
    col_all, col_rd = rate(total, cols.rd_s + cols.rfs_s), rate(n_rd, cols.rd_s)
    many_all, many_rd_rate = rate(total, reind_all_s), rate(n_rd, reind_rd_s)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("reind decide_columns, all cases (RFS + R&D tax)", col_all),
        ("reind decide_columns, R&D tax subset", col_rd),
        ("reind decide_columns, RFS subset", rate(n_rfs, cols.rfs_s)),
        ("reind decide_many, all cases", many_all),
        ("reind decide_many, R&D tax subset", many_rd_rate),
        ("reind decide_many, RFS subset", rate(n_rfs, reind_rfs_s)),
        ("reind decide(), one case at a time", rate(len(sample), single_s)),
        ("OpenFisca, R&D tax, plain", of_plain),
        ("OpenFisca, R&D tax, tracer on", of_traced),
        ("(reind: Decisions made from a batch)", rate(args.materialise, made_s)),
        ("(reind: input columns from raw cases)", rate(total, cols.columns_s)),
        ("(validating raw inputs with pydantic)", rate(total, validate_s)),
        ("(OpenFisca input arrays from the cases)", rate(n_rd, arrays_s)),
    ]
    print()
    print(f"{'':52}{'cases/s':>14}")
    for label, value in rows:
        print(f"{label:52}{value:>14,.0f}")
    print()
    ratios = [
        ("reind columns R&D tax / OpenFisca plain", col_rd / of_plain),
        ("reind columns R&D tax / OpenFisca traced", col_rd / of_traced),
        ("reind columns all cases / OpenFisca plain", col_all / of_plain),
        ("reind columns all cases / OpenFisca traced", col_all / of_traced),
        ("reind decide_many R&D tax / OpenFisca traced", many_rd_rate / of_traced),
        ("reind decide_many all cases / OpenFisca traced", many_all / of_traced),
    ]
    for label, value in ratios:
        print(f"ratio {label:48}{value:9.3f}")
    print()
    disagree = 0
    for label, (ours, theirs) in agreement.items():
        same = int(np.count_nonzero(ours == theirs))
        disagree += len(ours) - same
        print(f"agree to the cent, {label:46}{same:>10,}/{len(ours):,}")
    print(
        f"{checked:,} of the {args.materialise:,} Decisions made from the batches checked "
        "byte for byte against decide(); each has its full trace"
    )
    print(
        f"columnar batches hold {len(cols.rd.traces) + len(cols.rfs.traces):,} shared trace "
        f"tuples; decide_many kept {len(rd_decisions) + len(rfs_decisions):,} decisions; "
        f"peak RSS {peak_mb:,.0f} MB"
    )
    print(f"(decide_many pauses the cyclic collector; one later full pass took {collect_s:.2f} s)")
    met = col_rd >= of_traced and col_rd >= of_plain and col_all >= of_plain
    print(f"target (reind >= OpenFisca, with per-case traces): {'MET' if met else 'NOT MET'}")
    if disagree:
        sys.exit(f"{disagree} amounts disagree")


def validate(
    engine: Engine, raw_rfs: list[dict[str, Any]], raw_rd: list[dict[str, Any]]
) -> tuple[list[BaseModel], list[BaseModel]]:
    """The raw cases as the schemes' validated input models."""
    rfs, rd = engine.scheme("RFS"), engine.scheme("rd_tax")
    return [engine.parse_inputs(rfs, c) for c in raw_rfs], [
        engine.parse_inputs(rd, c) for c in raw_rd
    ]


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def _check_traces(decisions: Sequence[Decision]) -> None:
    """Every decision holds a trace and reasons (the point of keeping them)."""
    missing = sum(1 for d in decisions if not d.trace or not d.reasons)
    if missing:
        sys.exit(f"{missing} decisions have no trace or no reasons")


if __name__ == "__main__":
    main()
