"""The portfolio what-if on a seeded database: seconds, beside the cost of reading the cases.

Run ``reind data seed-portfolio`` into a database first (about 120,000
applications; it takes minutes, so this bench does not do it), then:

    python bench/whatif.py --database sqlite:////tmp/seed/reind.db
    python bench/whatif.py --database ... --set emf.application_cap=150000

For each change it prints the median wall and CPU seconds of
``portfolio_whatif`` over ``--rounds`` runs, and beside it two peers measured
in the same run: the floor, reading and parsing the same applications once
(no rules), the least any what-if over them can cost; and the same what-if
decided case by case (``columns=False``, how it ran before the schemes had
formulas over columns). The ratios to both are the numbers to watch on a
shared machine; the two paths' results are checked equal.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import date
from functools import partial

from sqlalchemy.orm import Session

from reind.core.db import Database
from reind.reporting.whatif import _case, _cases, portfolio_whatif, touched
from reind.rules.engine import Engine
from reind.rules.whatif import changed_engine, parse_changes
from reind.schemes.catalogue import default_engine


def _timed(work: Callable[[], object], rounds: int) -> tuple[float, float, object]:
    walls, cpus, result = [], [], None
    for _ in range(rounds):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _read_cases(session: Session, engine: Engine, as_of: date, schemes: list[str]) -> int:
    """The floor: every application of the touched schemes read and parsed, no rules run."""
    count = 0
    for app_id, code, _industry, facts in _cases(session, as_of, schemes):
        count += _case(session, engine, engine.scheme(code), app_id, facts) is not None
    return count


def _alone(engine: Engine, code: str) -> int:
    """Rows the scheme's formula over columns has decided by its rule so far (``fallbacks``)."""
    scheme = engine.scheme(code)
    if scheme.vectorised is None:
        return 0
    counted: int = getattr(scheme.formula_over_columns(), "fallbacks", 0)
    return counted


def main() -> None:
    """Time the what-if for each ``--set`` against reading its cases."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="URL of a seeded database")
    parser.add_argument("--as-of", default="2021-08-31")
    parser.add_argument(
        "--set", action="append", dest="sets",
        help="scheme.parameter=value (repeat for several runs; default: rfs.project_cap)",
    )  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    database = Database(args.database)
    engine = default_engine()
    as_of = date.fromisoformat(args.as_of)
    print(f"load average {os.getloadavg()[0]:.1f}; {args.rounds} rounds, medians")
    print(
        f"{'change':30} {'cases':>8} {'whatif s':>9} {'cpu s':>7} {'floor s':>8} {'x floor':>8} "
        f"{'by case s':>9} {'cpu s':>7} {'x faster':>8}"
    )
    for change in args.sets or ["rfs.project_cap=20000000", "emf.application_cap=150000"]:
        changed = changed_engine(engine, parse_changes([change]))
        schemes = touched(engine, changed)
        alone_before = sum(_alone(engine, code) for code in schemes)
        with database.unit_of_work() as session:
            floor_wall, _, cases = _timed(
                partial(_read_cases, session, engine, as_of, schemes), args.rounds
            )
            wall, cpu, fast = _timed(
                partial(portfolio_whatif, session, engine, changed, as_of), args.rounds
            )
            slow_wall, slow_cpu, slow = _timed(
                partial(portfolio_whatif, session, engine, changed, as_of, columns=False),
                args.rounds,
            )
        assert fast == slow, "the columnar what-if differs from the case-by-case one"
        print(
            f"{change:30} {cases:>8,} {wall:>9.2f} {cpu:>7.2f} {floor_wall:>8.2f} "
            f"{wall / floor_wall:>8.1f} {slow_wall:>9.2f} {slow_cpu:>7.2f} {slow_cpu / cpu:>8.1f}"
        )
        # Rows a formula over columns handed back to the rule (RTTP's trainees with
        # numbered reasons), per what-if: each run decides them under both engines.
        alone = sum(_alone(engine, code) for code in schemes) - alone_before
        print(f"{'':30} rows decided one by one inside the columns: {alone // (2 * args.rounds):,}")
    database.dispose()


if __name__ == "__main__":
    main()
