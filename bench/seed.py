"""The demo's first run: ``seed_portfolio`` into a fresh, migrated SQLite database.

``reind demo`` generates the seed portfolio (about 121,900 applications,
117,000 enquiries, tax claims and ITF projects) before its first page
answers, so this time is what a new user waits. Prints wall and CPU time of
the seed alone (migration excluded), the ratio of CPU to the 60 s limit
(CPU, because wall time on a shared machine says more about the neighbours
than the code), the machine's load, and the portfolio fingerprint (which must
not change for the same seed).

    python bench/seed.py                 # the default seed
    python bench/seed.py --profile 25    # cProfile, top 25 by own and cumulative time
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import tempfile
import time
from pathlib import Path

from reind.core.db import Database
from reind.programme.demo_data import portfolio_fingerprint, seed_portfolio
from reind.programme.demo_data.portfolio import DEFAULT_SEED
from reind.schemes.catalogue import default_engine

LIMIT_CPU_S = 60.0


def main() -> None:
    """Seed once and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--profile", type=int, default=0, help="print the top N cProfile rows")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'seed.db'}")
        database.migrate()
        engine = default_engine()
        profiler = cProfile.Profile() if args.profile else None
        load = os.getloadavg()[0]
        wall, cpu = time.perf_counter(), time.process_time()
        if profiler is not None:
            profiler.enable()
        summary = seed_portfolio(database, args.seed, engine=engine)
        if profiler is not None:
            profiler.disable()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        with database.unit_of_work() as session:
            fingerprint = portfolio_fingerprint(session)
        database.dispose()
    print(
        f"seed {summary.seed}: {summary.applications:,} applications, "
        f"{summary.enquiries:,} enquiries, {summary.tax_claims:,} tax claims, "
        f"{summary.itf_projects:,} ITF projects"
    )
    print(f"fingerprint {fingerprint}")
    print(
        f"wall {wall:.1f} s, CPU {cpu:.1f} s "
        f"({cpu / LIMIT_CPU_S:.2f}x of {LIMIT_CPU_S:.0f} s CPU), "
        f"load {load:.1f} at start, {os.getloadavg()[0]:.1f} at end"
        + (" (under cProfile)" if profiler else "")
    )
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(args.profile)
        stats.sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
