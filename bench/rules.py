"""Rules engine throughput against OpenFisca, in the same run, on the same cases.

reind decides a mix of RFS grants (many received dates, costs, missing facts,
earlier approvals) and R&D tax claims (several years of assessment), keeping
every decision with its bilingual reasons and full parameter trace. The same
R&D deduction is written as an OpenFisca tax-benefit system whose parameters
are read from reind's own YAML, and OpenFisca computes the same claims in its
natural vectorised way, once plain and once with its tracer on (what keeps
its explanations). The amounts must agree claim by claim, to the cent.

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
from reind.rules.decision import Decision
from reind.rules.engine import Engine
from reind.schemes.catalogue import default_engine

SEED = 20210611
RD_YEARS = range(2018, 2026)  # years of assessment 2018/19 .. 2025/26
RD_PARAMETERS = ("type_a_rate", "type_b_first_tier", "type_b_first_rate", "type_b_remainder_rate")
T = TypeVar("T")


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


def main(argv: list[str] | None = None) -> None:
    """Build the cases, run both engines, check agreement, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="how many cases in all")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--one-by-one", type=int, default=100_000, help="cases also timed through decide()"
    )
    args = parser.parse_args(argv)

    engine = default_engine()
    print(f"reind rules {engine.rules_version}; {args.cases:,} cases, seed {args.seed}")

    (raw_rfs, raw_rd), _ = timed("generating raw cases", lambda: build_cases(args.cases, args.seed))
    (rfs_cases, rd_cases), validate_s = timed(
        "validating inputs (pydantic)", partial(validate, engine, raw_rfs, raw_rd)
    )
    total = len(rfs_cases) + len(rd_cases)

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

    print("OpenFisca (vectorised, one simulation per year of assessment):")
    system = openfisca_system(engine)
    groups, arrays_s = timed("claims to numpy arrays", lambda: claim_arrays(rd_cases))
    gc.collect()
    plain, of_plain_s = best_of(3, lambda: openfisca_run(system, groups, len(rd_cases), False))
    print(f"  plain, best of 3 ... {of_plain_s:.3f} s")
    traced, of_traced_s = best_of(3, lambda: openfisca_run(system, groups, len(rd_cases), True))
    print(f"  tracer on, best of 3 ... {of_traced_s:.3f} s")

    ours = np.fromiter((d.amount.cents for d in rd_decisions), dtype=np.int64)
    agree_plain = int(np.count_nonzero(ours == plain))
    agree_traced = int(np.count_nonzero(ours == traced))

    rate = _rate
    reind_all, reind_rd, reind_rfs = (
        rate(total, reind_all_s),
        rate(len(rd_cases), reind_rd_s),
        rate(len(rfs_cases), reind_rfs_s),
    )
    of_plain, of_traced = rate(len(rd_cases), of_plain_s), rate(len(rd_cases), of_traced_s)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"{'':44}{'cases/s':>14}")
    print(f"{'reind, all cases (RFS + R&D tax)':44}{reind_all:>14,.0f}")
    print(f"{'reind, R&D tax subset':44}{reind_rd:>14,.0f}")
    print(f"{'reind, RFS subset (per-case formula)':44}{reind_rfs:>14,.0f}")
    print(f"{'reind, decide() one case at a time':44}{rate(len(sample), single_s):>14,.0f}")
    print(f"{'OpenFisca, R&D tax, plain':44}{of_plain:>14,.0f}")
    print(f"{'OpenFisca, R&D tax, tracer on':44}{of_traced:>14,.0f}")
    print(f"{'(validating raw inputs with pydantic)':44}{rate(total, validate_s):>14,.0f}")
    print(f"{'(OpenFisca input arrays from the cases)':44}{rate(len(rd_cases), arrays_s):>14,.0f}")
    print()
    print(f"ratio reind R&D tax / OpenFisca plain:      {reind_rd / of_plain:8.3f}")
    print(f"ratio reind R&D tax / OpenFisca traced:     {reind_rd / of_traced:8.3f}")
    print(f"ratio reind all cases / OpenFisca plain:    {reind_all / of_plain:8.3f}")
    print(f"ratio reind all cases / OpenFisca traced:   {reind_all / of_traced:8.3f}")
    print(
        f"amounts agree to the cent: {agree_plain:,}/{len(rd_cases):,} (plain), "
        f"{agree_traced:,}/{len(rd_cases):,} (traced)"
    )
    print(f"decisions kept: {len(rd_decisions) + len(rfs_decisions):,}; peak RSS {peak_mb:,.0f} MB")
    print(f"(decide_many pauses the cyclic collector; one later full pass took {collect_s:.2f} s)")
    target = "MET" if reind_rd >= of_traced and reind_rd >= of_plain else "NOT MET"
    print(f"target (reind >= OpenFisca, with per-case traces): {target}")
    if agree_plain != len(rd_cases) or agree_traced != len(rd_cases):
        sys.exit("reind and OpenFisca disagree on some claims")


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


def _check_traces(decisions: list[Decision]) -> None:
    """Every decision holds a trace and reasons (the point of keeping them)."""
    missing = sum(1 for d in decisions if not d.trace or not d.reasons)
    if missing:
        sys.exit(f"{missing} decisions have no trace or no reasons")


if __name__ == "__main__":
    main()
