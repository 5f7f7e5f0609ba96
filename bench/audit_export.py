"""The auditor's CSV export of the audit log at the issue's volume: seconds and rows a second.

Issue 16 measured ``/audit/events.csv?kind=...`` over the demo's ~120,000
audit events at 97 s on SQLite and 77 s on PostgreSQL: each chunk of 200
events also counted up to 10,000 rows, the whole file was joined before the
first byte went out, and a kind was found by walking the ``seq`` index.
This grows the audit log of a database to ``--events`` events (appended
through the chain in batches, kinds and actors spread as the office's are,
over five years) and exports it whole, by a common kind, by a rare kind, by
an actor and by a month, in-process (``TestClient``: the server's time, no
network), printing seconds, rows, bytes and rows a second for each.

    python bench/audit_export.py                          # a fresh SQLite in a temp folder
    python bench/audit_export.py --data /tmp/yours.db     # a (copied!) seeded SQLite file
    python bench/audit_export.py --database postgres      # a private PostgreSQL
    python bench/audit_export.py --repeat 3 --events 120000
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from private_postgres import bench_url
from sqlalchemy import func, select

from reind.bootstrap import Platform
from reind.core.clock import FixedClock
from reind.core.db import Database
from reind.programme import audit
from reind.programme.accounts.tokens import issue_token
from reind.programme.accounts.users import add_user
from reind.programme.actors import SYSTEM, Actor, Role
from reind.programme.audit.store import AuditEventRow
from reind.schemes.catalogue import default_engine
from reind.web.app import create_app

HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
BEFORE_S = {"sqlite": 97.0, "postgres": 77.0}
"""Issue 16's export by a kind over ~120,000 events, before (seconds)."""
KINDS = (
    ("application.transitioned", 60),
    ("money.claimed", 20),
    ("enquiry.recorded", 15),
    ("money.approved", 4),
    ("committee.decided", 1),
)
"""The grown log's kinds and their weights (of 100): one common, one rare (1 %)."""
COMMON, RARE = "application.transitioned", "committee.decided"
OFFICERS = 20
BATCH = 10_000


def grow(database: Database, target: int) -> None:
    """Append events until the log holds ``target`` (chained in Python, batch by batch)."""
    with database.unit_of_work() as session:
        have = int(session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one())
    if have >= target:
        print(f"audit log: {have:,} events")
        return
    began = time.perf_counter()
    wheel = [kind for kind, weight in KINDS for _ in range(weight)]
    actors = [Actor(f"bench-officer-{n}", Role.OFFICER) for n in range(OFFICERS)] + [SYSTEM]
    start = datetime(2021, 1, 1, tzinfo=UTC)
    step = timedelta(days=5 * 365) / (target - have)
    n = have
    while n < target:
        with database.unit_of_work() as session:
            for _ in range(min(BATCH, target - n)):
                moment = FixedClock(start + step * (n - have))
                kind = wheel[n % len(wheel)]
                actor = actors[n % len(actors)]
                audit.record_at_commit(
                    session, actor, kind, "application", f"bench-{n % 5000}", {"n": n}, moment
                )
                n += 1
    print(f"audit log grown from {have:,} to {n:,} events in {time.perf_counter() - began:.0f} s")


def auditor_token(database: Database) -> str:
    """An API token of a new auditor."""
    with database.unit_of_work() as session:
        user = add_user(
            session,
            SYSTEM,
            email=f"bench.auditor.{int(time.time() * 1000)}@example.gov.hk",
            display_name="Bench auditor",
            role=Role.AUDITOR,
            password=secrets.token_urlsafe(16),
            hasher=HASHER,
        )
        return issue_token(session, user.id, "bench", SYSTEM)[1]


def export(client: TestClient, url: str, token: str) -> tuple[float, int, int]:
    """(seconds, rows, bytes) of one whole export."""
    began = time.perf_counter()
    with client.stream("GET", url, headers={"Authorization": f"Bearer {token}"}) as answer:
        assert answer.status_code == 200, answer.status_code
        size = lines = 0
        for piece in answer.iter_bytes():
            size += len(piece)
            lines += piece.count(b"\n")
    return time.perf_counter() - began, lines - 1, size


def run(database: Database, name: str, events: int, repeat: int) -> None:
    """Grow the log, then time each export ``repeat`` times (median printed)."""
    database.migrate()
    grow(database, events)
    token = auditor_token(database)
    client = TestClient(create_app(Platform(database, default_engine())))
    cases = [
        ("whole log", "/audit/events.csv"),
        (f"kind {COMMON}", f"/audit/events.csv?kind={COMMON}"),
        (f"kind {RARE}", f"/audit/events.csv?kind={RARE}"),
        ("actor bench-officer-3", "/audit/events.csv?actor=bench-officer-3"),
        ("one month", "/audit/events.csv?from=2023-03-01&to=2023-03-31"),
    ]
    print(f"{'export':<36} {'seconds':>8} {'rows':>9} {'MB':>7} {'rows/s':>9}")
    for label, url in cases:
        runs = [export(client, url, token) for _ in range(repeat)]
        seconds = statistics.median(r[0] for r in runs)
        rows, size = runs[0][1], runs[0][2]
        rate = rows / seconds if seconds else float("inf")
        print(f"{label:<36} {seconds:8.2f} {rows:9,} {size / 1e6:7.1f} {rate:9,.0f}")
    print(f"issue 16 before: {BEFORE_S[name]:.0f} s by a kind on {name}")


def main() -> int:
    """Parse the arguments, prepare the database, measure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--data", type=Path, help="a SQLite file to use (copy a shared seed first)")
    parser.add_argument("--url", help="a PostgreSQL database to reuse")
    parser.add_argument("--events", type=int, default=120_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with ExitStack() as stack:
        url = bench_url(stack, args.database, args.data, args.url, "audit_export")
        database = Database(url)
        stack.callback(database.dispose)
        print(f"database: {args.database}")
        run(database, args.database, args.events, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
