"""A what-if over a synthetic portfolio of one scheme: columns beside case by case.

The seeded portfolio (``reind data seed-portfolio``) holds applications of
BUD, EMF, RFS and RTTP only, so ``bench/whatif.py`` finds no case of ITVF,
ITVF-ES, TSSSU or RTH. This makes ``--cases`` random cases of the scheme
(every input varied, missing facts included), then times the what-if's two
paths on them: the current and the changed rules, as columns
(``decide_columns``, after ``columns_of``) and case by case (``decide_many``,
after parsing, as ``portfolio_whatif(columns=False)`` does). Both must give
every case the same outcome and amount; it prints the medians and the ratio,
then the CPU time of the rules alone both ways (parsing and dumping the cases,
which both paths pay, left out).

    python bench/columns_synthetic.py --scheme itvf --set itvf.deal_cap=40000000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from reind.rules.columns import OUTCOMES, cents_text
from reind.rules.engine import Engine
from reind.rules.evaluation import dump_case
from reind.rules.whatif import changed_engine, parse_changes
from reind.schemes.catalogue import default_engine

Case = dict[str, Any]


def _day(rng: random.Random, first: date, last: date) -> str:
    return (first + timedelta(days=rng.randrange((last - first).days + 1))).isoformat()


def _amount(rng: random.Random, high: int) -> str:
    return cents_text(rng.randrange(high) * 100)


def _maybe(rng: random.Random, value: object) -> object:
    return None if rng.random() < 0.1 else value


def _itvf(rng: random.Random) -> Case:
    prior = [{"amount": _amount(rng, 30_000_000), "approved_on": "2017-10-01"}]
    return {
        "received": _day(rng, date(2017, 9, 15), date(2021, 8, 31)),
        "cp_investment": _amount(rng, 80_000_000),
        "requested": _maybe(rng, _amount(rng, 40_000_000)) if rng.random() < 0.3 else None,
        "cp_remaining_capital": _maybe(rng, _amount(rng, 500_000_000)),
        "cp_remaining_fund_life_years": _maybe(rng, str(rng.randrange(1, 100) / 10)),
        "cp_place_of_business_in_hk": _maybe(rng, rng.random() < 0.95),
        "investee_local": _maybe(rng, rng.random() < 0.95),
        "prior_in_investee": prior if rng.random() < 0.3 else [],
        "prior_with_cp": prior * rng.randrange(4),
    }


def _itvf_enhanced(rng: random.Random) -> Case:
    def share() -> object:
        return _maybe(rng, rng.choice(["1", "0.5", "0.45", "0.75", "0.6"]))

    return {
        "received": _day(rng, date(2024, 12, 19), date(2025, 2, 19)),
        "market_capital": _amount(rng, 1_000_000_000),
        "fund_form": _maybe(rng, rng.choice(["cap637_limited_partnership", "other"])),
        "sector": _maybe(rng, rng.choice(["ai_data_science", "life_health_technology", "x"])),
        "hk_ecosystem_share": share(),
        "hk_company_share": share(),
        "investee_hk_spend_share": share(),
    }


def _tsssu(rng: random.Random) -> Case:
    year = rng.randrange(2014, 2027)
    track = "plus" if year >= 2023 and rng.random() < 0.3 else "o"
    registered = date(year - rng.randrange(0, 8), rng.randrange(1, 13), 1)
    return {
        "financial_year": f"{year}-{(year + 1) % 100:02d}",
        "university": rng.choice(["hku", "cuhk", "cityu", "hkust", "hkbu", "polyu", "lingnan"]),
        "track": track,
        "requested": _amount(rng, 2_000_000),
        "company_registered_on": _maybe(rng, registered.isoformat()),
        "application_deadline": _maybe(rng, f"{year}-05-31"),
        "team_from_university": _maybe(rng, rng.random() < 0.95),
        "private_investment": _maybe(rng, _amount(rng, 2_000_000)),
        "startup_funding": [
            {"financial_year": f"{y}-{(y + 1) % 100:02d}", "amount": _amount(rng, 1_500_000)}
            for y in range(year - rng.randrange(0, 4), year)
        ],
        "university_approvals": [
            {"track": "o", "amount": _amount(rng, 1_500_000)} for _ in range(rng.randrange(6))
        ],
    }


def _rth(rng: random.Random) -> Case:
    talents = [
        {
            "degree": rng.choice(["bachelor", "master", "phd"]),
            "months": rng.randrange(1, 48),
            "monthly_pay": _amount(rng, 40_000),
            "non_local_degree": rng.random() < 0.2,
            "top100_institution": _maybe(rng, rng.random() < 0.8),
        }
        for _ in range(rng.randrange(1, 5))
    ]
    return {
        "received": _day(rng, date(2020, 7, 1), date(2026, 6, 30)),
        "programme": "nias" if rng.random() < 0.1 else "itf",
        "talents": talents,
        "talents_already_engaged": rng.randrange(3),
        "host_scheme": rng.choice([None, "ess", "itsp"]),
        "host_project_months": _maybe(rng, rng.randrange(6, 36)),
    }


CASES: dict[str, Callable[[random.Random], Case]] = {
    "itvf": _itvf, "itvf_enhanced": _itvf_enhanced, "tsssu": _tsssu, "rth": _rth,
}  # fmt: skip


def _timed(work: Callable[[], Any], rounds: int) -> tuple[float, float, Any]:
    walls, cpus, result = [], [], None
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _by_columns(engines: tuple[Engine, Engine], code: str, raw: list[Case]) -> list[Any]:
    scheme = engines[0].scheme(code)
    parsed = [engines[0].parse_inputs(scheme, case) for case in raw]
    given = scheme.columns_of([dump_case(case) for case in parsed])
    results = []
    for engine in engines:
        batch = engine.decide_columns(code, given)
        results.append(list(zip(batch.outcomes.tolist(), batch.amount_cents.tolist(), strict=True)))
    return results


def _by_case(engines: tuple[Engine, Engine], code: str, raw: list[Case]) -> list[Any]:
    scheme = engines[0].scheme(code)
    parsed = [engines[0].parse_inputs(scheme, case) for case in raw]
    codes = {outcome: n for n, outcome in enumerate(OUTCOMES)}
    return [
        [(codes[d.outcome], d.amount.cents) for d in engine.decide_many(code, parsed)]
        for engine in engines
    ]


def _rules_only(engines: tuple[Engine, Engine], code: str, raw: list[Case]) -> tuple[float, float]:
    """CPU seconds of the rules alone, both ways: ``decide_columns`` on columns already
    made, ``decide_many`` on cases already parsed (the current and the changed rules)."""
    scheme = engines[0].scheme(code)
    parsed = [engines[0].parse_inputs(scheme, case) for case in raw]
    given = scheme.columns_of([dump_case(case) for case in parsed])
    start = time.process_time()
    for engine in engines:
        engine.decide_columns(code, given)
    columns = time.process_time() - start
    start = time.process_time()
    for engine in engines:
        engine.decide_many(code, parsed)
    return columns, time.process_time() - start


def main() -> None:
    """Time the what-if of ``--set`` over ``--cases`` synthetic cases both ways."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scheme", required=True, choices=sorted(CASES))
    parser.add_argument("--set", required=True, dest="change", help="scheme.parameter=value")
    parser.add_argument("--cases", type=int, default=120_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20210831)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    raw = [CASES[args.scheme](rng) for _ in range(args.cases)]
    engine = default_engine()
    engines = (engine, changed_engine(engine, parse_changes([args.change])))
    wall, cpu, fast = _timed(lambda: _by_columns(engines, args.scheme, raw), args.rounds)
    slow_wall, slow_cpu, slow = _timed(lambda: _by_case(engines, args.scheme, raw), args.rounds)
    assert fast == slow, "the columnar what-if differs from the case-by-case one"
    rules_cpu, rules_slow_cpu = _rules_only(engines, args.scheme, raw)
    moved = sum(old != new for old, new in zip(*fast, strict=True))
    print(f"load average {os.getloadavg()[0]:.1f}; {args.rounds} rounds, medians")
    print(f"{'change':40} {'cases':>8} {'moved':>7} {'cols s':>7} {'cpu s':>6} "
          f"{'by case s':>9} {'cpu s':>6} {'x faster (cpu)':>14}")  # fmt: skip
    print(
        f"{args.change:40} {args.cases:>8,} {moved:>7,} {wall:>7.2f} {cpu:>6.2f} "
        f"{slow_wall:>9.2f} {slow_cpu:>6.2f} {slow_cpu / cpu:>14.1f}"
    )
    print(
        f"rules alone (no parsing): columns {rules_cpu:.2f} s CPU, case by case "
        f"{rules_slow_cpu:.2f} s CPU, x{rules_slow_cpu / rules_cpu:.1f}"
    )


if __name__ == "__main__":
    main()
