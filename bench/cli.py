"""CLI start-up: each command's median wall time beside ``python -c "import typer"``.

Every command runs as a fresh process, as a user's would, several times in
turns (so a noisy neighbour slows every command alike); the floor is a bare
Python that imports typer, the least a Typer CLI can cost. The ratio to
that floor is the number to watch on a shared machine; the issue's limit
(``reind grant`` and ``reind schemes`` in at most 0.35 s on an idle machine)
is printed beside it.

    python bench/cli.py            # 7 rounds
    python bench/cli.py --rounds 3 # quicker
"""

from __future__ import annotations

import argparse
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


def _once(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    """Print the median wall time of each command and its ratio to the typer floor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for args in COMMANDS.values():
        _once(args)  # warm the file cache and the bytecode
    for _ in range(rounds):
        for name, args in COMMANDS.items():
            times[name].append(_once(args))
    floor = statistics.median(times['python -c "import typer"'])
    print(  # noqa: T201
        f"{'command':<28} {'median s':>9} {'x typer':>8} {'x limit':>8}  ({rounds} rounds, "
        f"limit {LIMIT_S} s)"
    )
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:<28} {median:>9.3f} {median / floor:>8.1f} {median / LIMIT_S:>8.2f}")  # noqa: T201


if __name__ == "__main__":
    main()
