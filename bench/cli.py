"""CLI start-up: each command's median wall and CPU time beside ``python -c "import typer"``.

Every command runs as a fresh process, as a user's would, several times in
turns (so a noisy neighbour slows every command alike); the floor is a bare
Python that imports typer, the least a Typer CLI can cost. The ratio to
that floor is the number to watch on a shared machine; the issue's limit
(``reind grant`` and ``reind schemes`` in at most 0.35 s on an idle machine)
is printed beside it, against the wall time and against the CPU time (user +
system of the child), which a busy machine inflates far less than the wall.

    python bench/cli.py            # 7 rounds
    python bench/cli.py --rounds 3 # quicker
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

LIMIT_S = 0.35
"""Issue 15: ``reind grant`` and ``reind schemes`` answer in at most this on an idle machine."""
COMMANDS: dict[str, list[str]] = {
    'python -c "import typer"': ["-c", "import typer"],
    "reind grant rfs": [
        "-m", "reind", "grant", "rfs", "--cost", "1000000", "--received", "2021-01-01",
    ],
    "reind grant emf --help": ["-m", "reind", "grant", "emf", "--help"],
    "reind tax rd": ["-m", "reind", "tax", "rd", "--year", "2019/20", "--type-b", "5000000"],
    "reind schemes": ["-m", "reind", "schemes"],
    "reind --help": ["-m", "reind", "--help"],
}  # fmt: skip


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _once(args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one fresh process running ``args``."""
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run([sys.executable, *args], check=True, capture_output=True)
    return time.perf_counter() - start, _children_cpu() - cpu


def main() -> None:
    """Print the median wall time of each command and its ratio to the typer floor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    walls: dict[str, list[float]] = {name: [] for name in COMMANDS}
    cpus: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for args in COMMANDS.values():
        _once(args)  # warm the file cache and the bytecode
    for _ in range(rounds):
        for name, args in COMMANDS.items():
            wall, cpu = _once(args)
            walls[name].append(wall)
            cpus[name].append(cpu)
    floor = statistics.median(walls['python -c "import typer"'])
    print(  # noqa: T201
        f"{'command':<28} {'wall s':>7} {'x typer':>8} {'x limit':>8} {'cpu s':>7} "
        f"{'x limit':>8}  ({rounds} rounds, medians; limit {LIMIT_S} s; load average "
        f"{os.getloadavg()[0]:.1f})"
    )
    for name in COMMANDS:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(  # noqa: T201
            f"{name:<28} {wall:>7.3f} {wall / floor:>8.1f} {wall / LIMIT_S:>8.2f} "
            f"{cpu:>7.3f} {cpu / LIMIT_S:>8.2f}"
        )


if __name__ == "__main__":
    main()
