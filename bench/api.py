"""The programme-office API under load on PostgreSQL: mixed reads and writes.

Starts a private PostgreSQL (like ``tests/fixtures/servers.py``; fsync and
synchronous_commit on) and the API under uvicorn (2 workers) on free ports,
seeds enterprises, applications and an officer's API token, then drives a
bounded load from this separate process over raw HTTP/1.1 keep-alive
connections (one per virtual user): reads of applications, enterprises and
cost lines; writes that create draft applications (each with an
``Idempotency-Key``) and record enquiries, each one transaction with its
audit event. Afterwards it counts that every write the API acknowledged
(201) is in the database (lost writes must be 0) and verifies the audit
chain. It also prints the load average and the CPU each side used per
request, so a run on a machine busy with other work can be told apart.

    python bench/api.py                 # 30 s
    python bench/api.py --seconds 10 --concurrency 48
    python bench/api.py --hot-path off  # the ORM path alone, for comparison (ADR 0091)
    python bench/api.py --database sqlite  # the embedded default instead (ADR 0095)

Target on a 2-core machine: 1,000 reads/s and 300 writes/s with p99 under
100 ms and no lost write. The load generator shares the two cores with the
server and the database, which the ratios printed include.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from private_postgres import PrivatePostgres, free_port, private_postgres, wait_for_port
from sqlalchemy import func, select
from sqlalchemy.pool import NullPool

from reind.core.db import Database
from reind.core.money import HKD
from reind.programme.accounts.tokens import issue_token
from reind.programme.accounts.users import add_user
from reind.programme.actors import SYSTEM, Role
from reind.programme.applications.services import ApplicationDraft, CostLine, create_application
from reind.programme.applications.store import ApplicationRow
from reind.programme.audit.chain import ChainReport, verify_chain
from reind.programme.desk.store import EnquiryRow
from reind.programme.enterprises.profile import EnterpriseProfile, Incorporation, Industry
from reind.programme.enterprises.registry import register_enterprise
from reind.schemes.catalogue import default_engine

TARGET_READS = 1000.0
TARGET_WRITES = 300.0
TARGET_P99_MS = 100.0
SEED_ENTERPRISES = 50
SEED_APPLICATIONS = 200


@dataclass
class Seed:
    """What the load reads and writes against."""

    token: str
    enterprises: list[str]
    applications: list[str]


def seed(url: str) -> Seed:
    """Migrate, then add enterprises, draft applications and an officer with a token."""
    database = Database(url, poolclass=NullPool)
    database.migrate()
    with database.unit_of_work() as session:
        officer = add_user(
            session, SYSTEM, email="bench@itc.gov.hk", display_name="Bench", role=Role.OFFICER
        )
        _, token = issue_token(session, officer.id, "bench", SYSTEM)
        enterprises = [
            register_enterprise(
                session,
                EnterpriseProfile(
                    br_number=str(60_000_000 + i),
                    name_en=f"Bench Foods {i} Ltd",
                    incorporation=Incorporation.CAP622,
                    employees=40,
                    manufacturing=True,
                    industry=Industry.FOOD_MANUFACTURING,
                ),
                SYSTEM,
            ).id
            for i in range(SEED_ENTERPRISES)
        ]
        applications = [
            create_application(
                session, _draft(enterprises[i % SEED_ENTERPRISES]), SYSTEM, engine=default_engine()
            ).id
            for i in range(SEED_APPLICATIONS)
        ]
    database.dispose()
    return Seed(token, enterprises, applications)


def _draft(enterprise_id: str) -> ApplicationDraft:
    return ApplicationDraft(
        scheme="rfs",
        enterprise_id=enterprise_id,
        title="Smart dim sum line",
        amount_requested=HKD("1000000"),
        cost_lines=(CostLine("machinery_equipment", "Steamer", HKD("3000000")),),
        facts={"new_line_in_hong_kong": True, "smart_manufacturing": True},
    )


def start_api(
    url: str, port: int, workers: int, data_dir: Path, hot_path: bool
) -> subprocess.Popen[bytes]:
    """uvicorn with ``workers`` processes serving ``reind.web.asgi``."""
    env = {
        **os.environ,
        "REIND_DATABASE_URL": url,
        "REIND_DATA_DIR": str(data_dir),
        "REIND_API_HOT_PATH": "true" if hot_path else "false",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "reind.web.asgi:app_from_settings",
        "--factory",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, env=env)
    wait_for_port(port)
    return process


@dataclass
class Tally:
    """Latencies (s) by kind, the ids of acknowledged writes, and what failed."""

    reads: list[float] = field(default_factory=list)
    writes: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    applications: set[str] = field(default_factory=set)
    enquiries: set[str] = field(default_factory=set)

    def failed(self, why: str) -> None:
        """Count one failed request."""
        self.failures[why] = self.failures.get(why, 0) + 1


class Connection:
    """One HTTP/1.1 keep-alive connection, spoken directly over asyncio streams.

    A few microseconds of Python per request, so the generator takes a small
    share of the cores it shares with the server (httpx took as much CPU as
    the server did). Bodies are read by Content-Length, which uvicorn sends.
    """

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.common = f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: str = ""
    ) -> tuple[int, bytes]:
        """Send one request and read its answer: (status, body)."""
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        kind = "Content-Type: application/json\r\n" if body else ""
        head = (
            f"{method} {path} HTTP/1.1\r\n{self.common}{kind}{headers}"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        status = int((await self.reader.readline()).split(b" ", 2)[1])
        length = 0
        while (line := await self.reader.readline()) != b"\r\n":
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length) if length else b""

    def close(self) -> None:
        """Drop the connection (a new one is opened on the next request)."""
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _draft_body(enterprise_id: str) -> bytes:
    return json.dumps(
        {
            "scheme": "rfs",
            "enterprise_id": enterprise_id,
            "title": "Smart bakery line",
            "amount_requested": "1000000",
            "cost_lines": [
                {"category": "machinery_equipment", "description": "Oven", "amount": "3000000"}
            ],
            "facts": {"new_line_in_hong_kong": True, "smart_manufacturing": True},
        }
    ).encode()


ENQUIRY = b'{"question":"Which scheme funds a smart line?","channel":"web"}'


async def user(port: int, seeded: Seed, tally: Tally, deadline: float, write_share: float) -> None:
    """One virtual user on its own connection: read or write until the deadline."""
    rng = random.Random()
    connection = Connection(port, seeded.token)
    while time.monotonic() < deadline:
        write = rng.random() < write_share
        kept = tally.enquiries
        started = time.perf_counter()
        try:
            if write and rng.random() < 0.5:
                key = f"Idempotency-Key: {uuid.uuid4().hex}\r\n"
                body = _draft_body(rng.choice(seeded.enterprises))
                status, data = await connection.request("POST", "/api/v1/applications", body, key)
                kept = tally.applications
            elif write:
                status, data = await connection.request("POST", "/api/v1/enquiries", ENQUIRY)
            else:
                status, data = await connection.request("GET", _read_path(rng, seeded))
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as exc:
            tally.failed(type(exc).__name__)
            connection.close()
            continue
        elapsed = time.perf_counter() - started
        if status >= 300:
            tally.failed(str(status))
        elif write:
            tally.writes.append(elapsed)
            kept.add(json.loads(data)["id"])  # acknowledged: must be in the database
        else:
            tally.reads.append(elapsed)
    connection.close()


def _read_path(rng: random.Random, seeded: Seed) -> str:
    choice = rng.random()
    if choice < 0.6:
        return f"/api/v1/applications/{rng.choice(seeded.applications)}"
    if choice < 0.8:
        return f"/api/v1/enterprises/{rng.choice(seeded.enterprises)}"
    return f"/api/v1/applications/{rng.choice(seeded.applications)}/cost-lines"


async def drive(
    port: int, seeded: Seed, seconds: float, concurrency: int, write_share: float
) -> Tally:
    """A 2 s unmeasured warm-up, then ``concurrency`` virtual users for ``seconds``."""
    warm = Tally()
    until = time.monotonic() + 2
    await asyncio.gather(
        *(user(port, seeded, warm, until, write_share) for _ in range(concurrency))
    )
    tally = Tally(applications=warm.applications, enquiries=warm.enquiries)
    until = time.monotonic() + seconds
    await asyncio.gather(
        *(user(port, seeded, tally, until, write_share) for _ in range(concurrency))
    )
    return tally


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of ``pids`` and all their descendants now alive."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, todo, seen = 0.0, list(pids), set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue  # gone meanwhile
        total += (int(stat[11]) + int(stat[12])) / ticks
        todo.extend(int(c) for c in children)
    return total


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile in milliseconds (0 when there are none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def count_lost(url: str, tally: Tally) -> tuple[int, int, ChainReport]:
    """(acknowledged writes, of those not found in the database, the audit chain's check)."""
    database = Database(url, poolclass=NullPool)
    found = 0
    with database.unit_of_work() as session:
        for model, ids in ((ApplicationRow, tally.applications), (EnquiryRow, tally.enquiries)):
            wanted = list(ids)
            for start in range(0, len(wanted), 1000):
                chunk = wanted[start : start + 1000]
                found += int(
                    session.execute(
                        select(func.count()).select_from(model).where(model.id.in_(chunk))
                    ).scalar_one()
                )
        chain = verify_chain(session)
    database.dispose()
    acknowledged = len(tally.applications) + len(tally.enquiries)
    return acknowledged, acknowledged - found, chain


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, so a run on a busy machine shows."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> None:
    """Parse the options, run the load, print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write-share", type=float, default=0.25)
    parser.add_argument("--fsync", choices=["on", "off"], default="on")
    parser.add_argument(
        "--hot-path",
        choices=["on", "off"],
        default="on",
        help="off: every request through FastAPI and the ORM (ADR 0091)",
    )
    parser.add_argument(
        "--database",
        choices=["postgresql", "sqlite"],
        default="postgresql",
        help="sqlite: a WAL file in a temporary folder, the embedded default (ADR 0095)",
    )
    options = parser.parse_args()
    if options.database == "sqlite":
        run(options, None)
        return
    settings = {"max_connections": "200", "fsync": options.fsync, "shared_buffers": "128MB"}
    with private_postgres(settings) as postgres:
        run(options, postgres)


def run(options: argparse.Namespace, postgres: PrivatePostgres | None) -> None:
    """Seed, start the API, drive the load, then count and check what was written."""
    api: subprocess.Popen[bytes] | None = None
    data_dir = Path(tempfile.mkdtemp(prefix="reind-bench-data-"))
    url = postgres.create_database("reind") if postgres else f"sqlite:///{data_dir / 'bench.db'}"
    try:
        seeded = seed(url)
        port = free_port()
        api = start_api(url, port, options.workers, data_dir, options.hot_path == "on")
        before = load_average()
        pids = {"API": [api.pid]}
        if postgres is not None:
            pids["PostgreSQL"] = [postgres.postmaster_pid()]
        cpu = {name: cpu_seconds(p) for name, p in pids.items()}
        own = time.process_time()
        tally = asyncio.run(
            drive(port, seeded, options.seconds, options.concurrency, options.write_share)
        )
        own = time.process_time() - own
        cpu = {name: cpu_seconds(p) - cpu[name] for name, p in pids.items()}
        after = load_average()
        acknowledged, lost, chain = count_lost(url, tally)
        _report(options, tally, cpu | {"load generator": own}, (before, after))
        print(f"audit chain after the run: {chain}")
        print(f"acknowledged writes {acknowledged}, lost {lost}")
        if lost or not chain.ok:
            raise SystemExit(f"LOST WRITES: {lost}" if lost else "AUDIT CHAIN BROKEN")
    finally:
        if api is not None:
            api.terminate()
            api.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


def _report(
    options: argparse.Namespace, tally: Tally, cpu: dict[str, float], load: tuple[str, str]
) -> None:
    seconds = options.seconds
    database = (
        "SQLite (WAL; writes BEGIN IMMEDIATE, reads DEFERRED)"
        if options.database == "sqlite"
        else f"PostgreSQL fsync={options.fsync} synchronous_commit=on"
    )
    print(
        f"{seconds:.0f} s, {options.concurrency} users, {options.workers} uvicorn workers, "
        f"{os.cpu_count()} cores, {database}, hot path {options.hot_path}"
    )
    print(f"load average before {load[0]}, after {load[1]} (a busy machine slows every figure)")
    for name, values, target in (
        ("reads ", tally.reads, TARGET_READS),
        ("writes", tally.writes, TARGET_WRITES),
    ):
        rate = len(values) / seconds
        p50, p99 = percentile(values, 0.50), percentile(values, 0.99)
        print(
            f"{name}: {rate:8.1f}/s (x{rate / target:.2f} of {target:.0f}/s)  "
            f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms (x{p99 / TARGET_P99_MS:.2f} of "
            f"{TARGET_P99_MS:.0f} ms)"
        )
    for name, values in (("read", tally.reads), ("write", tally.writes)):
        if values:
            print(
                f"{name} mean {1000 * statistics.fmean(values):.1f} ms, "
                f"slowest {1000 * max(values):.1f} ms"
            )
    print(f"failed requests: {tally.failures or 'none'}")
    done = len(tally.reads) + len(tally.writes)
    if done:
        shares = ", ".join(f"{name} {1000 * used / done:.2f}" for name, used in cpu.items())
        print(f"CPU ms per request: {shares}")
        total = sum(cpu.values()) / done
        print(
            f"CPU-bound capacity of {os.cpu_count()} cores at this cost: "
            f"{(os.cpu_count() or 1) / total:.0f} requests/s (measured {done / seconds:.0f}/s)"
        )


def _use_uvloop() -> None:
    try:
        import uvloop
    except ImportError:  # plain asyncio works too, with a costlier generator
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())


if __name__ == "__main__":
    _use_uvloop()
    main()
