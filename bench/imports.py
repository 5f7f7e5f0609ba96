"""Bulk import: 100,000 applications into a fresh SQLite database, then the same file again.

Each import runs as ``reind import applications`` in a process of its own,
as an officer's would; its wall time and peak memory (max RSS, from the
kernel's accounting of the child) are printed with the ratio to the issue's
targets (issue 19: under 30 s and 200 MB; it was 2 min 11 s and 587 MB),
beside the floor of a process that only imports the CLI, so the growth the
import itself causes is shown too. The re-import must change nothing.

    python bench/imports.py                        # 100,000 rows, SQLite
    python bench/imports.py --rows 20000           # quicker
    python bench/imports.py --database postgres    # a private PostgreSQL cluster

The peak memory is the importing process's own; PostgreSQL's server
processes are not counted. On PostgreSQL the server's CPU time for each step
is printed too (the CPU of the backends the step's connections ran on, which
the postmaster collects when they exit): wall time on a shared machine says
little, the client's and the server's CPU say where the work is.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from private_postgres import private_postgres

TARGET_S = 30.0
TARGET_MB = 200.0
HEADER = (
    "reference,scheme,br_number,enterprise_name,incorporation,employees,manufacturing,"
    "industry,title,received,amount_requested,state,approved_grant,committed,approved_on"
)
INDUSTRIES = ("food_processing", "textiles", "electronics", "printing", "metals")


def write_file(path: Path, rows: int) -> None:
    """``rows`` applications from ``rows // 5`` enterprises, half approved, half in progress."""
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for n in range(rows):
            company = n % max(rows // 5, 1)
            br = 10_000_000 + company
            industry = INDUSTRIES[company % len(INDUSTRIES)]
            year = 2015 + n % 8
            requested = 100_000 + (n % 997) * 1_000
            approved = requested - (n % 7) * 1_000
            if n % 2:
                state, committed = "approved", ""
            else:
                state, committed = "in_progress", str(approved)
            out.write(
                f"BUD-B-{n:07d},bud,{br},Enterprise {company} Ltd,cap622,{10 + company % 80},"
                f"yes,{industry},Project {n},{year}-03-{1 + n % 28:02d},{requested},{state},"
                f"{approved},{committed},{year}-06-{1 + n % 28:02d}\n"
            )


def reaped_cpu(postmaster: int | None) -> float:
    """CPU seconds of the postmaster's exited children (its backends), 0 without a cluster."""
    if postmaster is None:
        return 0.0
    fields = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")  # cutime, cstime


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds, peak RSS in MB, output) of one child process.

    CPU time (user + system) is printed beside wall time because the machine
    is shared: under load the wall time grows while the CPU time does not.
    """
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert child.stdout is not None
    output = child.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({child.returncode}):\n{output}")
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss / 1024, output.strip()


def main() -> None:
    """Print each step's wall time and peak memory, with the ratio to the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    rows = args.rows
    load_before = os.getloadavg()  # the machine is shared: a figure means little without it
    with ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        path = Path(folder) / "applications.csv"
        write_file(path, rows)
        postmaster = None
        if args.database == "postgres":
            cluster = stack.enter_context(private_postgres({"shared_buffers": "256MB"}))
            url = cluster.create_database("imports")
            postmaster = cluster.postmaster_pid()
        else:
            url = f"sqlite:///{Path(folder) / 'reind.db'}"
        env = {**os.environ, "REIND_DATABASE_URL": url}
        floor_s, _, floor_mb, _ = run(["-c", "import reind.cli"], env)
        run(["-m", "reind", "audit", "verify"], env)  # migrate the empty database first
        steps = {}
        server = {}
        for name in ("import (new)", "import again (unchanged)"):
            before = reaped_cpu(postmaster)
            steps[name] = run(["-m", "reind", "import", "applications", str(path)], env)
            server[name] = reaped_cpu(postmaster) - before
        verified = run(["-m", "reind", "audit", "verify"], env)[3]
    loads = (load_before, os.getloadavg())
    print(  # noqa: T201
        "load average (1, 5, 15 min) at start "
        + " / at end ".join(" ".join(f"{x:.1f}" for x in load) for load in loads)
    )
    print(  # noqa: T201
        f"{rows:,} rows on {args.database}; targets {TARGET_S:.0f} s and {TARGET_MB:.0f} MB; "
        f"floor (import reind.cli) {floor_s:.2f} s, {floor_mb:.0f} MB"
    )
    print(  # noqa: T201
        f"{'step':<26} {'wall s':>8} {'x target':>9} {'cpu s':>7} {'x target':>9} "
        f"{'peak MB':>8} {'x target':>9} {'growth MB':>10}  {'rows/s':>8} {'server cpu s':>12}"
    )
    for name, (seconds, cpu, mb, output) in steps.items():
        print(  # noqa: T201
            f"{name:<26} {seconds:>8.1f} {seconds / TARGET_S:>9.2f} {cpu:>7.1f} "
            f"{cpu / TARGET_S:>9.2f} {mb:>8.0f} "
            f"{mb / TARGET_MB:>9.2f} {mb - floor_mb:>10.0f}  {rows / seconds:>8,.0f} "
            f"{server[name]:>12.1f}"
        )
        print("    " + " ".join(output.split()))  # noqa: T201
    print("audit verify: " + " / ".join(verified.splitlines()))  # noqa: T201


if __name__ == "__main__":
    main()
