"""The progress report on a million applications and ten million ledger rows (PostgreSQL).

Starts its own PostgreSQL cluster on a free port (as the test fixture does),
migrates it, writes the small schemes through the programme services (RFS,
ITVF, R&D tax, ITF, as the seed portfolio does), then bulk-loads with COPY
1,000,000 EMF/BUD/RTTP applications with their ledgers and 10,000,000 ledger
entries (one ``approved`` per application, the rest claims and payments),
and builds the report as at 31 August 2021: prints seconds for the HTML and
the PDF and the ratio to the targets (5 s and 15 s).

After the load the tables are vacuumed and analysed, as autovacuum would
leave them after a bulk insert, so index-only scans see an up-to-date
visibility map. Each document is built once to warm the caches, then
``--builds`` times; the median is compared with the target and every build
is printed with the load average (the machine is shared).

    python bench/report.py                  # 1,000,000 applications, 10,000,000 entries
    python bench/report.py --scale 0.1      # a tenth of both: profile here first
    python bench/report.py --scale 0.1 --profile html   # cProfile of one HTML build
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import psycopg
from private_postgres import private_postgres

from reind.core.db import Database
from reind.programme.demo_data import research, rfs, ventures
from reind.programme.demo_data.bulk import SimClock, hk_moment
from reind.reporting.progress import Format, Report, build_report
from reind.schemes.catalogue import default_engine

HTML_TARGET, PDF_TARGET = 5.0, 15.0
AS_AT = date(2021, 8, 31)
FORMATS: tuple[Format, ...] = ("html", "pdf")


def _copy(connection: psycopg.Connection, table: str, columns: str, lines: Iterator[str]) -> None:
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for count, line in enumerate(lines, start=1):
            buffer.write(line)
            if count % 50_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def load(port: int, applications: int, entries: int) -> None:
    """COPY enterprises, applications, ledgers and ledger entries."""
    rng = random.Random(2021)
    enterprises = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(100_000)]
    now = datetime(2021, 12, 31, tzinfo=UTC).isoformat()
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/bench") as connection:
        _copy(
            connection,
            "enterprises",
            "id, br_number, name_en, name_zh, incorporation, "
            "listed, employees, manufacturing, industry, created_at, version",
            (
                f"{eid}\t{50_000_000 + n}\tMaker {n} Ltd\t\tcap310\tf\t40\tt\t"
                f"electronics\t{now}\t1\n"
                for n, eid in enumerate(enterprises)
            ),
        )
        apps = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(applications)]
        schemes = ["emf"] * 8 + ["bud", "rttp"]
        scheme_of = [schemes[n % 10] for n in range(applications)]
        start = date(2017, 7, 1)
        days = [start + timedelta(days=rng.randrange(1_640)) for _ in range(applications)]
        _copy(
            connection,
            "applications",
            "id, reference, scheme, enterprise_id, title, state, "
            "received, amount_requested_cents, facts, created_at, version",
            (
                f"{aid}\tB-{n:08d}\t{scheme_of[n]}\t{enterprises[n % 100_000]}\tBench\tclosed\t"
                f"{days[n]}\t2000000\t{{}}\t{now}\t1\n"
                for n, aid in enumerate(apps)
            ),
        )
        _copy(
            connection,
            "project_ledgers",
            "application_id, enterprise_id, scheme, "
            "applied_cents, approved_cents, committed_cents, claimed_cents, "
            "claims_approved_cents, disbursed_cents, version",
            (
                f"{aid}\t{enterprises[n % 100_000]}\t{scheme_of[n]}\t2000000\t1600000\t1600000\t"
                f"1600000\t1600000\t1600000\t1\n"
                for n, aid in enumerate(apps)
            ),
        )

        def movements() -> Iterator[str]:
            for n, aid in enumerate(apps):
                yield f"{aid}\tapproved\t1600000\t{days[n]} 03:00:00+00\n"
            for k in range(entries - applications):
                n = k % applications
                movement = "claimed" if k % 2 else "disbursed"
                yield f"{apps[n]}\t{movement}\t200000\t{days[n] + timedelta(days=90)} 03:00:00+00\n"

        _copy(
            connection,
            "ledger_entries",
            "application_id, movement, amount_cents, recorded_at",
            movements(),
        )
    with psycopg.connect(
        f"postgresql://postgres@127.0.0.1:{port}/bench", autocommit=True
    ) as connection:
        connection.execute("VACUUM (ANALYZE)")


def _load_average() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _build(database: Database, fmt: Format) -> tuple[float, Report]:
    with database.unit_of_work() as session:
        started = time.perf_counter()
        report = build_report(session, AS_AT, fmt=fmt)
        return time.perf_counter() - started, report


def main() -> None:
    """Load, build, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full portfolio")
    parser.add_argument("--applications", type=int, help="default 1,000,000 x scale")
    parser.add_argument("--entries", type=int, help="default 10,000,000 x scale")
    parser.add_argument("--builds", type=int, default=3, help="timed builds of each document")
    parser.add_argument("--profile", choices=("html", "pdf"), help="cProfile one build, no timing")
    args = parser.parse_args()
    applications = args.applications or round(1_000_000 * args.scale)
    entries = args.entries or round(10_000_000 * args.scale)
    settings = {
        "fsync": "off",
        "synchronous_commit": "off",
        "shared_buffers": "1GB",
        "work_mem": "64MB",
    }
    with private_postgres(settings) as cluster:
        port = cluster.port
        database = Database(cluster.create_database("bench"))
        database.migrate()
        engine = default_engine()
        began = time.perf_counter()
        with database.unit_of_work() as session:
            clock = SimClock(hk_moment(date(2017, 6, 1)))
            rng = random.Random(1)
            rfs.generate(session, random.Random(rng.random()), clock, engine, 10_000_001)
            ventures.generate_itvf(session, random.Random(rng.random()), clock, engine)
            research.generate_tax(session, random.Random(rng.random()), clock, engine)
            research.generate_itf(session, random.Random(rng.random()), clock, engine)
        load(port, applications, entries)
        print(
            f"loaded {applications:,} applications and {entries:,} ledger entries "
            f"in {time.perf_counter() - began:.0f} s ({_load_average()})"
        )
        if args.profile:
            _build(database, args.profile)  # warm the caches once
            profile = cProfile.Profile()
            profile.runcall(_build, database, args.profile)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
            database.dispose()
            return
        medians = {}
        for fmt in FORMATS:
            _build(database, fmt)  # warm the caches once
            seconds = []
            for _ in range(args.builds):
                elapsed, report = _build(database, fmt)
                seconds.append(elapsed)
                emf = report.figures["emf_applications"].value
                print(
                    f"{fmt}: {elapsed:.2f} s for {len(report.content):,} bytes "
                    f"(EMF approvals counted: {emf:,}; {_load_average()})"
                )
            medians[fmt] = statistics.median(seconds)
        database.dispose()
    for fmt, target in (("html", HTML_TARGET), ("pdf", PDF_TARGET)):
        print(
            f"{fmt.upper():4} median {medians[fmt]:.2f} s of {args.builds}, target {target:.0f} s, "
            f"ratio {medians[fmt] / target:.2f}"
        )


if __name__ == "__main__":
    main()
