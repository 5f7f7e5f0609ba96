"""A what-if over generated applications of schemes the seed portfolio does not hold.

The seed portfolio (``bench/whatif.py``) has no NIAS or PSTS applications,
so their formulas over columns are timed here on generated ones instead:
``--cases`` applications per scheme (received across every change of its
rules, with earlier approvals, budget lines and missing facts), each decided
under the rules and under one changed parameter, as the portfolio what-if
does, two ways in the same run: as columns (``decide_columns``) and case by
case (``decide_many``, the peer). Every case's outcome and amount must agree.

    python bench/columns.py                      # 120,000 cases per scheme
    python bench/columns.py --cases 20000 --rounds 1
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from typing import Any

from reind.rules.columns import cents_text
from reind.rules.engine import Engine
from reind.rules.whatif import changed_engine, parse_changes
from reind.schemes.catalogue import default_engine

Case = dict[str, Any]


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _maybe(rng: random.Random, value: object) -> object:
    """The value, or (one time in ten) not given."""
    return None if rng.random() < 0.1 else value


def nias_case(rng: random.Random) -> Case:
    """A NIAS application, most of them large enough to fund."""
    received = _day(rng, date(2024, 9, 1), date(2027, 6, 30))
    return {
        "received": received.isoformat(),
        "total_cost": cents_text(rng.randrange(10**10, 10**11)),
        "incorporated_under": _maybe(rng, rng.choice(["cap622", "cap622", "cap310"])),
        "subvented": _maybe(rng, rng.random() < 0.05),
        "industry": _maybe(rng, rng.choice(["life_health_technology", "ai_data_science"])),
        "prior_approvals": [
            {"amount": cents_text(rng.randrange(10**10)), "approved_on": "2024-09-01"}
            for _ in range(rng.choice((0, 0, 0, 1, 2)))
        ],
    }


def psts_case(rng: random.Random) -> Case:
    """A PSTS trial, ITF or (from December 2016) SPC, some with budget lines."""
    received = _day(rng, date(2011, 3, 1), date(2026, 12, 31))
    spc = received >= date(2016, 12, 1) and rng.random() < 0.3
    case: Case = {
        "received": received.isoformat(),
        "stream": "spc" if spc else "itf",
        "trial_cost": cents_text(rng.randrange(10**6, 10**9)),
        "duration_months": _maybe(rng, rng.randrange(6, 30)),
        "cost_lines": [
            {
                "category": rng.choice(["overheads", "equipment"]),
                "amount": cents_text(rng.randrange(10**7)),
            }
            for _ in range(rng.choice((0, 0, 1, 2)))
        ],  # fmt: skip
    }
    if spc:
        case["applicant_status"] = _maybe(rng, rng.choice(["hkstp_incubatee", "university"]))
    else:
        case["original_project_actual_cost"] = _maybe(rng, cents_text(rng.randrange(10**9)))
        case["original_project_completed"] = _maybe(rng, True)
        case["led_by_rd_centre"] = _maybe(rng, rng.random() < 0.2)
    return case


SCHEMES: dict[str, tuple[Callable[[random.Random], Case], str]] = {
    "nias": (nias_case, "nias.project_cap=150000000"),
    "psts": (psts_case, "psts.original_cost_share=2/3"),
}


def _timed(work: Callable[[], Any], rounds: int) -> tuple[float, float, Any]:
    walls, cpus, result = [], [], None
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _by_columns(engines: tuple[Engine, Engine], code: str, cases: list[Case]) -> list[Any]:
    columns = engines[0].scheme(code).columns_of(cases)
    batches = [engine.decide_columns(code, columns) for engine in engines]
    return [list(zip(b.outcomes.tolist(), b.amount_cents.tolist(), strict=True)) for b in batches]


def _by_case(engines: tuple[Engine, Engine], code: str, cases: list[Case]) -> list[Any]:
    codes = {"eligible": 0, "ineligible": 1, "tentative": 2}
    return [
        [(codes[d.outcome.value], d.amount.cents) for d in engine.decide_many(code, cases)]
        for engine in engines
    ]


def main() -> None:
    """Time each scheme's what-if both ways; check they agree."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=120_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    engine = default_engine()
    print(f"load average {os.getloadavg()[0]:.1f}; {args.rounds} rounds, medians")
    print(f"{'change':32} {'cases':>8} {'columns s':>9} {'cpu s':>7} {'by case s':>9} "
          f"{'cpu s':>7} {'x faster':>8}")  # fmt: skip
    for code, (make, change) in SCHEMES.items():
        rng = random.Random(args.seed)
        cases = [make(rng) for _ in range(args.cases)]
        engines = (engine, changed_engine(engine, parse_changes([change])))
        wall, cpu, fast = _timed(partial(_by_columns, engines, code, cases), args.rounds)
        slow_wall, slow_cpu, slow = _timed(partial(_by_case, engines, code, cases), args.rounds)
        assert fast == slow, f"{code}: the columns differ from the case-by-case decisions"
        moved = sum(old != new for old, new in zip(*fast, strict=True))
        print(
            f"{change:32} {len(cases):>8,} {wall:>9.2f} {cpu:>7.2f} {slow_wall:>9.2f} "
            f"{slow_cpu:>7.2f} {slow_cpu / cpu:>8.1f}   ({moved:,} decisions changed)"
        )


if __name__ == "__main__":
    main()
