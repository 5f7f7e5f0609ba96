"""The programme office's list pages at the seed portfolio's volume: latency and bytes per page.

Issue 16 found finance's "Project ledgers" taking 29-31 s and 35 MB (118,384
rows, no paging) and the officer's "Closed" queue 24.5 s (112,756 rows) on
``make demo``. Every list is now one keyset page (``reind.core.paging``).
This seeds the demo's portfolio (seed 2021, ~122,000 applications and
~117,000 enquiries) into SQLite (the demo's database) or a private
PostgreSQL, signs in one user per role with an API token, and requests each
office page and list endpoint in-process (``TestClient``: the server's time,
no network), first pages, deep pages (a cursor 2,000 rows in) and searches.
It prints p50 and p95 per page, the bytes sent, and the ratio of p95 to the
issue's budget of 300 ms. A page that keeps what it computed until the records
change (the analyst's report) is measured warm and then cold, each view the
first after a write to its records; the rendering a server does ahead of the
first view, at start (ADR 0225), is timed and printed before it. The app is
started as a server starts it (its lifespan warms the process, ``web.warm_start``).

    python bench/pages.py                       # SQLite, seeded into a temp folder
    python bench/pages.py --data /tmp/seed.db   # reuse (or create) a seeded SQLite file
    python bench/pages.py --database postgres   # a private PostgreSQL, seeded afresh
    python bench/pages.py --database postgres --applications 1000000   # the issue's 1M

``--applications N`` (PostgreSQL) grows the seeded portfolio to N applications
by copying the seeded applications and their project ledgers in SQL (new
ids, references suffixed ``~k``; the enterprises, claims, enquiries and audit
log stay the seed's), then ``ANALYZE``; the time it takes is printed.
    python bench/pages.py --repeat 5            # fewer samples per page
    python bench/pages.py --only desk,audit     # only the pages whose URL holds one of these
    python bench/pages.py --database postgres --url postgresql+psycopg://...  # reuse one
"""

from __future__ import annotations

import argparse
import re
import secrets
import statistics
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from private_postgres import bench_url
from sqlalchemy import DateTime, bindparam, func, select, text

from reind.bootstrap import Platform
from reind.core.db import Database
from reind.demo.run import ensure_demo_records
from reind.factory.ingest.store import open_store
from reind.programme.accounts.tokens import issue_token
from reind.programme.accounts.users import add_user
from reind.programme.actors import SYSTEM, Role
from reind.programme.applications.store import ApplicationRow
from reind.schemes.catalogue import default_engine
from reind.web.app import create_app
from reind.web.report_warming import warm_report

BUDGET_MS = 300.0
"""Issue 16: every office page answers in at most 300 ms of server time."""
BEFORE = {"/finance/projects": (30.0, 35_000_000), "/workbench?state=closed": (24.5, None)}
"""What issue 16 measured before paging (seconds, bytes), for the ratio printed beside."""
HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def seeded(platform: Platform) -> None:
    """Migrate and make the demo's records (seed 2021) as ``reind demo`` does: the portfolio
    if empty, the sign-ins and worked cases, both twins' linked projects (the report's
    outcomes section reads them)."""
    platform.database.migrate()
    began = time.perf_counter()
    summary = ensure_demo_records(platform, 2021)
    if summary is not None:
        print(
            f"seeded {summary.applications:,} applications, {summary.enquiries:,} enquiries "
            f"in {time.perf_counter() - began:.0f} s"
        )


def scaled(database: Database, target: int) -> None:
    """Copy the seeded applications with their ledgers until there are ``target`` (PostgreSQL)."""
    with database.unit_of_work() as session:
        have = session.execute(select(func.count()).select_from(ApplicationRow)).scalar_one()
        names = {
            table: list(
                session.execute(
                    text(
                        "SELECT column_name FROM information_schema.columns "
                        "WHERE table_name = :t ORDER BY ordinal_position"
                    ),
                    {"t": table},
                ).scalars()
            )
            for table in ("applications", "project_ledgers")
        }
    if have >= target:
        return
    began = time.perf_counter()
    special = {
        "id": "md5(id || ':' || CAST(:k AS text))",
        "reference": "reference || '~' || CAST(:k AS text)",
        "idempotency_key": "NULL",
        "application_id": "md5(application_id || ':' || CAST(:k AS text))",
    }
    statements = []
    for table in ("applications", "project_ledgers"):
        columns = ", ".join(names[table])
        values = ", ".join(special.get(c, c) for c in names[table])
        source = (
            "FROM applications WHERE position('~' in reference) = 0 ORDER BY id LIMIT :n"
            if table == "applications"
            else "FROM project_ledgers WHERE EXISTS (SELECT 1 FROM applications a "
            "WHERE a.id = md5(application_id || ':' || CAST(:k AS text)))"
        )
        statements.append(text(f"INSERT INTO {table} ({columns}) SELECT {values} {source}"))
    copy, total = 0, have
    while total < target:
        copy += 1
        with database.unit_of_work() as session:
            for statement in statements:
                session.execute(statement, {"k": copy, "n": min(have, target - total)})
        total += min(have, target - total)
    with database.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    print(
        f"grown from {have:,} to {total:,} applications ({copy} copies with their ledgers) "
        f"in {time.perf_counter() - began:.0f} s"
    )


def tokens(database: Database) -> dict[str, str]:
    """An API token for each role measured (new users each run)."""
    out: dict[str, str] = {}
    stamp = int(time.time() * 1000)
    with database.unit_of_work() as session:
        for name, role in (
            ("officer", Role.OFFICER),
            ("finance", Role.FINANCE),
            ("auditor", Role.AUDITOR),
            ("analyst", Role.ANALYST),
            ("admin", Role.ADMINISTRATOR),
        ):
            user = add_user(
                session,
                SYSTEM,
                email=f"bench.{name}.{stamp}@example.gov.hk",
                display_name=f"Bench {name}",
                role=role,
                password=secrets.token_urlsafe(16),
                hasher=HASHER,
            )
            out[name] = issue_token(session, user.id, "bench", SYSTEM)[1]
    return out


def next_link(client: TestClient, url: str, token: str, hops: int) -> str:
    """The URL ``hops`` pages further on, following each page's next link."""
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(hops):
        answer = client.get(url, headers=headers)
        if url.startswith("/api/"):
            found = re.search(r"<([^>]+)>", answer.headers.get("Link", ""))
            url = found.group(1).replace("http://testserver", "") if found else url
        else:
            found = re.search(r'<a rel="next" href="([^"]+)"', answer.text)
            url = found.group(1).replace("&amp;", "&") if found else url
    return url


def measure(client: TestClient, url: str, token: str, repeat: int) -> tuple[float, float, int]:
    """(p50 ms, p95 ms, bytes) of ``repeat`` GETs of ``url`` after one warm-up."""
    headers = {"Authorization": f"Bearer {token}"}
    answer = client.get(url, headers=headers)
    if answer.status_code != 200:
        raise SystemExit(f"{url}: {answer.status_code} {answer.text[:300]}")
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        answer = client.get(url, headers=headers)
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(answer.content)


COLD_CENTS = 10_000_000
"""HK$100,000: an EMF approval at its cap per application (schemes-facts, EMF)."""
COLD = {
    "/analyst/report.html": {
        "a write its figures do not read (a seminar touched)": (
            "UPDATE seminars SET held_on = held_on WHERE id = (SELECT MIN(id) FROM seminars)"
        ),
        "an EMF approval of HK$100,000 recorded now": (
            "INSERT INTO ledger_entries (application_id, movement, amount_cents, recorded_at) "
            "SELECT a.id, 'approved', :cents, :now FROM applications a "
            "JOIN enterprises e ON e.id = a.enterprise_id "
            "WHERE a.scheme = 'emf' AND e.manufacturing = :yes ORDER BY a.id LIMIT 1"
        ),
    },
}
"""Pages that keep what they computed until the records change (``reporting.kept``), and
writes to those records: the page is measured warm, then cold, each view the first after
such a write. The report keeps its approvals' figures by financial year (migration 0058):
a write that reaches no approval recomputes the rest, an approval recorded now this
year's approvals too, and the approvals chart whenever a bar's label changes (every
tenth approval, HK$1 million). The approvals the bench records are taken out again after
(``COLD_UNDONE``)."""
COLD_UNDONE = "DELETE FROM ledger_entries WHERE movement = 'approved' "
COLD_UNDONE += "AND amount_cents = :cents AND recorded_at >= :began"


def measure_cold(
    client: TestClient, database: Database, url: str, token: str, write: str, repeat: int
) -> tuple[float, float]:
    """(p50 ms, p95 ms) of ``repeat`` GETs of ``url``, each the first after ``write``."""
    headers = {"Authorization": f"Bearer {token}"}
    times = []
    began = datetime.now(UTC)
    stamp = bindparam("now", type_=DateTime(timezone=True))
    for _ in range(repeat):
        with database.unit_of_work() as session:
            clause = text(write)
            if ":now" in write:
                clause = clause.bindparams(stamp)
            session.execute(clause, {"now": datetime.now(UTC), "yes": True, "cents": COLD_CENTS})
        start = time.perf_counter()
        answer = client.get(url, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, answer.text[:300]
    with database.unit_of_work() as session:
        since = bindparam("began", type_=DateTime(timezone=True))
        session.execute(text(COLD_UNDONE).bindparams(since), {"began": began, "cents": COLD_CENTS})
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def run(
    database: Database, repeat: int, applications: int | None = None, only: tuple[str, ...] = ()
) -> int:
    """Measure every page; 0 when all are within budget."""
    # an empty telemetry store: the outcomes section reads the linked lines as the demo's does
    platform = Platform(database, default_engine(), telemetry=open_store("duckdb::memory:"))
    seeded(platform)
    if applications is not None:
        scaled(database, applications)
    who = tokens(database)
    # started as a server starts: warmed before its first request (web.warm_start, ADR 0225)
    with TestClient(create_app(platform, secure_cookies=False, warm_at_start=True)) as client:
        return _measure_all(client, platform, database, who, repeat, only)


def _measure_all(
    client: TestClient,
    platform: Platform,
    database: Database,
    who: dict[str, str],
    repeat: int,
    only: tuple[str, ...],
) -> int:
    """Measure every page (``only`` those whose URL holds one of its pieces) through ``client``."""
    with database.unit_of_work() as session:
        closed = session.execute(
            select(func.count()).where(ApplicationRow.state == "closed")
        ).scalar_one()
    print(f"closed applications: {closed:,}")
    deep_queue = next_link(client, "/workbench?state=closed", who["officer"], 40)
    deep_ledgers = next_link(client, "/finance/projects", who["finance"], 40)
    deep_api = next_link(client, "/api/v1/applications?limit=200", who["officer"], 10)
    deep_audit = next_link(client, "/audit", who["auditor"], 40)
    pages = [
        ("officer", "/workbench?state=closed"),
        ("officer", deep_queue),
        ("officer", "/workbench?state=closed&q=food"),
        ("officer", "/workbench?state=closed&q=EMF-2019"),
        ("officer", "/workbench?state=closed&sort=-amount"),
        ("officer", "/workbench?state=closed&industry=electronics"),
        ("finance", "/finance/projects"),
        ("finance", deep_ledgers),
        ("finance", "/finance/projects?q=waffle"),
        ("finance", "/finance"),
        ("officer", "/workbench/claims"),
        ("officer", "/desk"),
        ("officer", "/desk?q=smart+production"),
        ("officer", "/api/v1/applications?state=closed"),
        ("officer", deep_api),
        ("officer", "/api/v1/applications?q=noodle"),
        ("officer", "/api/v1/enquiries?q=funding"),
        ("officer", "/api/v1/enterprises?q=foods"),
        ("finance", "/api/v1/claims?state=paid"),
        ("auditor", "/api/v1/audit/events"),
        ("auditor", "/audit"),
        ("auditor", deep_audit),
        ("auditor", "/audit?kind=application.transitioned"),
        ("auditor", "/audit?from=2020-01-01&to=2020-01-31"),
        ("admin", "/admin/outbox"),
        # Issue 16, second round: search with filters and sort on every list at 1M.
        ("officer", "/workbench?state=closed&q=food&sort=-amount"),
        ("officer", "/workbench?state=closed&officer=me"),  # the tabs count only my cases
        ("officer", "/workbench?state=closed&q=zzqx"),
        ("officer", "/workbench?state=screening&q=food"),
        ("officer", "/workbench?state=closed&q=food&industry=food_manufacturing"),
        ("officer", "/workbench/claims?sort=-amount"),
        ("officer", "/workbench/claims?q=food&sort=-submitted"),
        ("finance", "/finance?sort=-amount&q=waffle"),
        ("finance", "/api/v1/claims?sort=-amount&q=food"),
        ("officer", "/desk?sort=received"),
        ("officer", "/desk?state=answered&q=funding"),
        ("officer", "/desk?via=phone&q=smart+production&sort=received"),
        ("officer", "/api/v1/enquiries?sort=received&q=funding&channel=phone"),
        ("auditor", "/audit?sort=seq"),
        ("auditor", "/api/v1/audit/events?sort=seq&kind=application.transitioned"),
        ("officer", "/api/v1/enterprises"),
        ("officer", "/api/v1/enterprises?sort=name"),
        ("officer", "/api/v1/enterprises?sort=-employees&industry=electronics"),
        ("officer", "/api/v1/enterprises?q=foods&sort=-name"),
        ("finance", "/finance/projects?sort=-approved"),
        ("finance", "/finance/projects?sort=-approved&q=food"),
        ("finance", "/finance/projects?scheme=bud&sort=approved"),
        ("analyst", "/analyst"),
        ("analyst", "/analyst/report.html"),
    ]
    if only:
        pages = [(role, url) for role, url in pages if any(piece in url for piece in only)]
    if any("/analyst/report" in url for _, url in pages):
        began = time.perf_counter()
        warm_report(platform)  # what a server does at start, off any request (ADR 0225)
        print(
            f"report rendered ahead at start, both languages, off any request: "
            f"{(time.perf_counter() - began) * 1000:.0f} ms"
        )
    print(f"{'page':72} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>9} {'p95/300ms':>9}")
    over = measured = 0
    for role, url in pages:
        p50, p95, size = measure(client, url, who[role], repeat)
        shown = url if len(url) <= 72 else url[:69] + "..."
        ratio = p95 / BUDGET_MS
        over += ratio > 1
        measured += 1
        print(f"{shown:72} {p50:8.1f} {p95:8.1f} {size:9,} {ratio:9.2f}")
        for write, sql in COLD.get(url, {}).items():
            cold50, cold95 = measure_cold(client, database, url, who[role], sql, repeat)
            label = f"  cold, after {write}"[:72]
            print(f"{label:72} {cold50:8.1f} {cold95:8.1f} {'':9} {cold95 / BUDGET_MS:9.2f}")
            over += cold95 / BUDGET_MS > 1
            measured += 1
        if url in BEFORE:
            seconds, size_before = BEFORE[url]
            bytes_note = f", {size_before / size:,.0f}x fewer bytes" if size_before else ""
            print(
                f"{'':4}before paging (issue 16): {seconds:.1f} s -> {seconds * 1000 / p50:,.0f}x "
                f"faster{bytes_note}"
            )
    print(f"views over the {BUDGET_MS:.0f} ms budget at p95: {over} of {measured}")
    return 1 if over else 0


def main() -> int:
    """Parse the arguments, prepare the database, measure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--data", type=Path, help="a SQLite file to reuse (seeded if empty)")
    parser.add_argument("--url", help="a PostgreSQL database to reuse (seeded if empty)")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--only", help="comma-separated pieces of URL: measure those pages only")
    parser.add_argument(
        "--applications", type=int, help="PostgreSQL: grow the portfolio to this many first"
    )
    args = parser.parse_args()
    with ExitStack() as stack:
        url = bench_url(stack, args.database, args.data, args.url, "pages")
        database = Database(url)
        stack.callback(database.dispose)
        print(f"database: {args.database}")
        only = tuple(args.only.split(",")) if args.only else ()
        return run(database, args.repeat, args.applications, only)


if __name__ == "__main__":
    sys.exit(main())
