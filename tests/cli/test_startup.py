"""``reind grant`` and ``reind schemes`` load only what they need.

Start-up time is measured by ``bench/cli.py``; what a test can hold without
a clock is the cause of a slow start: a command that pulls in the database
layer, the web application, the demo or the plant. Each command runs in a
fresh interpreter (a test process has imported everything already) and
reports the modules it loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "matplotlib",
    "duckdb",
    "paho",
    "asyncua",
    "psycopg",
    "reind.web",
    "reind.demo",
    "reind.serve",
    "reind.factory",
    "reind.programme",
    "reind.reporting",
    "reind.core.db",
    "pydantic_settings",  # settings are read only when a command needs the database
    "asyncio",  # only the twins' OPC UA server runs an event loop
    "numpy",  # only cases decided as columns (bulk runs, what-ifs) need it
    "reind.schemes.columnar",
)
"""Packages no rules command needs: each costs tens to hundreds of milliseconds to import."""

PROBE = """
import json, sys
from reind.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _loaded_by(*args: str) -> set[str]:
    ran = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr
    return set(json.loads(ran.stderr.strip().splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(f"{h}.") for h in HEAVY))


@pytest.mark.parametrize(
    "args",
    [
        ("grant", "rfs", "--cost", "1000000", "--received", "2021-01-01"),
        ("grant", "emf", "--help"),
        ("tax", "rd", "--year", "2019/20", "--type-b", "5000000"),
        ("schemes",),
        ("--help",),
    ],
)
def test_a_rules_command_imports_no_database_web_demo_or_plant(args: tuple[str, ...]) -> None:
    loaded = _loaded_by(*args)
    assert "reind.rules.engine" in loaded or args == ("--help",)  # the probe ran the command
    assert _heavy(loaded) == []
