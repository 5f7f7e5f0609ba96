"""The programme-office API under load on PostgreSQL: mixed reads and writes.

Starts a private PostgreSQL (like ``tests/fixtures/servers.py``) and the API
under uvicorn (2 workers) on free ports, seeds enterprises, applications and
an officer's API token, then drives a bounded load from this (separate)
process with async httpx: reads of applications, enterprises and ledgers;
writes that create draft applications (each with an ``Idempotency-Key``)
and record enquiries, each write one transaction with its audit event.
Afterwards it counts that every write the API acknowledged (201) is in the
database: lost writes must be 0.

    python bench/api.py                 # 30 s
    python bench/api.py --seconds 10 --concurrency 48

Target on a 2-core machine: 1,000 reads/s and 300 writes/s with p99 under
100 ms and no lost write. The load generator shares the two cores with the
server and the database, which the ratios printed include.
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.pool import NullPool

from reind.core.db import Database
from reind.core.money import HKD
from reind.programme.accounts import add_user, issue_token
from reind.programme.applications import ApplicationDraft, CostLine, create_application
from reind.programme.audit import SYSTEM, Role, verify_chain
from reind.programme.enterprises import EnterpriseProfile, Incorporation, Industry
from reind.programme.registry import register_enterprise
from reind.programme.store import ApplicationRow
from reind.programme.store_desk import EnquiryRow

TARGET_READS = 1000.0
TARGET_WRITES = 300.0
TARGET_P99_MS = 100.0
SEED_ENTERPRISES = 50
SEED_APPLICATIONS = 200


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 60.0) -> None:
    """Block until something accepts connections on ``port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on port {port}")


def pg_bin(name: str) -> str:
    """A PostgreSQL program from the installed server."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    path = found[0] if found else shutil.which(name)
    if path is None:
        raise SystemExit(f"{name} not found: run scripts/bootstrap to install PostgreSQL")
    return path


@dataclass
class Postgres:
    """A private PostgreSQL cluster started for this run."""

    base: Path
    port: int
    prefix: list[str]

    @classmethod
    def start(cls, fsync: bool) -> Postgres:
        """initdb and start on a free port (as the postgres user when run as root)."""
        base = Path(tempfile.mkdtemp(prefix="reind-bench-pg-"))
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if prefix:
            shutil.chown(base, "postgres", "postgres")
        data = base / "data"
        subprocess.run(
            [*prefix, pg_bin("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"],
            check=True,
            capture_output=True,
        )
        port = free_port()
        options = (
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c max_connections=200 "
            f"-c fsync={'on' if fsync else 'off'} -c shared_buffers=128MB"
        )
        subprocess.run(
            [*prefix, pg_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "log")]
            + ["-w", "start"],
            check=True,
            capture_output=True,
        )
        wait_for_port(port)
        subprocess.run(
            [pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "reind"],
            check=True,
            capture_output=True,
        )
        return cls(base, port, prefix)

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the bench database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/reind"

    def stop(self) -> None:
        """Stop the cluster and remove its files."""
        subprocess.run(
            [*self.prefix, pg_bin("pg_ctl"), "-D", str(self.base / "data"), "-m", "fast", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.base, ignore_errors=True)


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
            create_application(session, _draft(enterprises[i % SEED_ENTERPRISES]), SYSTEM).id
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


def start_api(url: str, port: int, workers: int, data_dir: Path) -> subprocess.Popen[bytes]:
    """uvicorn with ``workers`` processes serving ``reind.web.asgi``."""
    env = {**os.environ, "REIND_DATABASE_URL": url, "REIND_DATA_DIR": str(data_dir)}
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
    """Latencies (s) by kind, and the ids of acknowledged writes."""

    reads: list[float] = field(default_factory=list)
    writes: list[float] = field(default_factory=list)
    failures: dict[int, int] = field(default_factory=dict)
    applications: set[str] = field(default_factory=set)
    enquiries: set[str] = field(default_factory=set)


async def worker(
    client: httpx.AsyncClient, seeded: Seed, tally: Tally, deadline: float, write_share: float
) -> None:
    """One virtual user: read or write until the deadline."""
    rng = random.Random()
    while time.monotonic() < deadline:
        write = rng.random() < write_share
        started = time.perf_counter()
        if write and rng.random() < 0.5:
            body = {
                "scheme": "rfs",
                "enterprise_id": rng.choice(seeded.enterprises),
                "title": "Smart bakery line",
                "amount_requested": "1000000",
                "cost_lines": [
                    {"category": "machinery_equipment", "description": "Oven", "amount": "3000000"}
                ],
                "facts": {"new_line_in_hong_kong": True, "smart_manufacturing": True},
            }
            headers = {"Idempotency-Key": uuid.uuid4().hex}
            answer = await client.post("/api/v1/applications", json=body, headers=headers)
            kept = tally.applications
        elif write:
            body = {"question": "Which scheme funds a smart line?", "channel": "web"}
            answer = await client.post("/api/v1/enquiries", json=body)
            kept = tally.enquiries
        else:
            choice = rng.random()
            if choice < 0.6:
                path = f"/api/v1/applications/{rng.choice(seeded.applications)}"
            elif choice < 0.8:
                path = f"/api/v1/enterprises/{rng.choice(seeded.enterprises)}"
            else:
                path = f"/api/v1/applications/{rng.choice(seeded.applications)}/cost-lines"
            answer = await client.get(path)
        elapsed = time.perf_counter() - started
        if answer.status_code >= 300:
            tally.failures[answer.status_code] = tally.failures.get(answer.status_code, 0) + 1
            continue
        if write:
            tally.writes.append(elapsed)
            kept.add(answer.json()["id"])
        else:
            tally.reads.append(elapsed)


async def drive(
    port: int, seeded: Seed, seconds: float, concurrency: int, write_share: float
) -> Tally:
    """Run ``concurrency`` virtual users for ``seconds``."""
    tally = Tally()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {seeded.token}"}
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", headers=headers, limits=limits, timeout=30
    ) as client:
        warm = Tally()  # a short unmeasured run, so every worker has loaded and connected
        warm_until = time.monotonic() + 2
        await asyncio.gather(
            *(worker(client, seeded, warm, warm_until, write_share) for _ in range(concurrency))
        )
        tally.applications |= warm.applications
        tally.enquiries |= warm.enquiries
        deadline = time.monotonic() + seconds
        await asyncio.gather(
            *(worker(client, seeded, tally, deadline, write_share) for _ in range(concurrency))
        )
    return tally


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile in milliseconds (0 when there are none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def count_lost(url: str, tally: Tally) -> tuple[int, int]:
    """(acknowledged writes, of those not found in the database)."""
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
    print(f"audit chain after the run: {chain}")
    acknowledged = len(tally.applications) + len(tally.enquiries)
    return acknowledged, acknowledged - found


def main() -> None:
    """Parse the options, run the load, print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write-share", type=float, default=0.25)
    parser.add_argument("--fsync", choices=["on", "off"], default="on")
    options = parser.parse_args()
    postgres = Postgres.start(fsync=options.fsync == "on")
    api: subprocess.Popen[bytes] | None = None
    data_dir = Path(tempfile.mkdtemp(prefix="reind-bench-data-"))
    try:
        seeded = seed(postgres.url)
        port = free_port()
        api = start_api(postgres.url, port, options.workers, data_dir)
        tally = asyncio.run(
            drive(port, seeded, options.seconds, options.concurrency, options.write_share)
        )
        seconds = options.seconds
        reads, writes = len(tally.reads) / seconds, len(tally.writes) / seconds
        acknowledged, lost = count_lost(postgres.url, tally)
        cores = os.cpu_count()
        print(
            f"{seconds:.0f} s, {options.concurrency} users, {options.workers} uvicorn workers, "
            f"{cores} cores, PostgreSQL fsync={options.fsync}"
        )
        for name, values, rate, target in (
            ("reads ", tally.reads, reads, TARGET_READS),
            ("writes", tally.writes, writes, TARGET_WRITES),
        ):
            p50, p99 = percentile(values, 0.50), percentile(values, 0.99)
            print(
                f"{name}: {rate:8.1f}/s (x{rate / target:.2f} of {target:.0f}/s)  "
                f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms (x{p99 / TARGET_P99_MS:.2f} of "
                f"{TARGET_P99_MS:.0f} ms)"
            )
        if tally.reads:
            print(f"read mean {1000 * statistics.fmean(tally.reads):.1f} ms")
        print(f"failed requests by status: {tally.failures or 'none'}")
        print(f"acknowledged writes {acknowledged}, lost {lost}")
        if lost:
            raise SystemExit(f"LOST WRITES: {lost}")
    finally:
        if api is not None:
            api.terminate()
            api.wait(timeout=30)
        postgres.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
