"""A private PostgreSQL cluster for one benchmark run, on a free port (bench/ only).

The benchmarks must not depend on a server the machine happens to run, so
each starts its own (``initdb`` into a temporary folder, as the postgres user
when run as root), with the settings it measures under, and removes it
afterwards. The test suite has its own fixture (``tests/fixtures/servers.py``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path


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
    """A PostgreSQL program: the newest installed server's, else the one on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    path = str(found[0]) if found else shutil.which(name)
    if path is None:
        raise SystemExit(f"{name} not found: run scripts/bootstrap to install PostgreSQL")
    return path


@dataclass
class PrivatePostgres:
    """A running private cluster: its folder, port and the command prefix to act as its owner."""

    base: Path
    port: int
    prefix: list[str]

    @property
    def data(self) -> Path:
        """The cluster's data directory."""
        return self.base / "data"

    def url(self, database: str) -> str:
        """SQLAlchemy URL of ``database`` on this cluster."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create ``name``; its SQLAlchemy URL."""
        subprocess.run(
            [pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name],
            check=True,
            capture_output=True,
        )
        return self.url(name)

    def postmaster_pid(self) -> int:
        """The server's main process (its backends are its children)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])


@contextmanager
def private_postgres(settings: dict[str, str]) -> Iterator[PrivatePostgres]:
    """Start a cluster with ``settings`` (``-c name=value``), yield it, stop and remove it.

    Stopped without a checkpoint (``immediate``): its files are deleted next anyway.
    """
    base = Path(tempfile.mkdtemp(prefix="reind-bench-pg-"))
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if prefix:
        shutil.chown(base, "postgres", "postgres")
    cluster = PrivatePostgres(base, free_port(), prefix)
    try:
        subprocess.run(
            [*prefix, pg_bin("initdb"), "-D", str(cluster.data), "-U", "postgres", "-A", "trust"]
            + ["-E", "UTF8"],
            check=True,
            capture_output=True,
        )
        options = " ".join(
            [f"-p {cluster.port} -k {base} -c listen_addresses=127.0.0.1"]
            + [f"-c {name}={value}" for name, value in settings.items()]
        )
        subprocess.run(
            [*prefix, pg_bin("pg_ctl"), "-D", str(cluster.data), "-o", options]
            + ["-l", str(base / "log"), "-w", "start"],
            check=True,
            capture_output=True,
        )
        wait_for_port(cluster.port)
        yield cluster
    finally:
        subprocess.run(
            [*prefix, pg_bin("pg_ctl"), "-D", str(cluster.data), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


def bench_url(
    stack: ExitStack, database: str, data: Path | None, url: str | None, name: str
) -> str:
    """The database a benchmark measures: ``url`` if given, else a private PostgreSQL's
    database ``name`` (``database == "postgres"``, removed with ``stack``), else the SQLite
    file ``data`` (a temporary one if None)."""
    if url:
        return url
    if database == "postgres":
        cluster = stack.enter_context(private_postgres({"shared_buffers": "256MB"}))
        return cluster.create_database(name)
    path = data or Path(stack.enter_context(tempfile.TemporaryDirectory())) / "r.db"
    return f"sqlite:///{path}"
