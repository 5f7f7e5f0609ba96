"""The root group's static command table (``reind.cli.lazy``) agrees with the commands.

``reind --help`` lists the table's one-line help without importing any
command module; these tests import every module and check that the table
names each command's module and repeats the first paragraph of its help,
and that a rules command imports no other command's module.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

import pytest

from reind.cli.lazy import COMMANDS, load


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_table_repeats_each_commands_own_help(name: str) -> None:
    command = load(name)
    real = inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0]
    assert COMMANDS[name].help == real.replace("\n", " ").strip()
    assert command.name == name


PROBE = """
import json, sys
from reind.cli import app
try:
    app(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _command_modules_loaded_by(*args: str) -> set[str]:
    ran = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr
    loaded = set(json.loads(ran.stderr.strip().splitlines()[-1]))
    return {entry.module for entry in COMMANDS.values()} & loaded


def test_reind_grant_imports_no_other_commands_module() -> None:
    args = ("grant", "rfs", "--cost", "1000000", "--received", "2021-01-01")
    assert _command_modules_loaded_by(*args) == {"reind.cli.grant"}


def test_reind_help_imports_no_commands_module() -> None:
    assert _command_modules_loaded_by("--help") == set()


def test_reind_help_lists_every_command_in_table_order() -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "reind", "--help"], capture_output=True, text=True, check=True
    )
    listed = [line.split()[1] for line in ran.stdout.splitlines() if line.startswith("│ ")]
    assert [name for name in listed if name in COMMANDS] == list(COMMANDS)


def test_a_mistyped_command_is_offered_the_close_ones() -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "reind", "grnat"], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 2
    assert "Did you mean 'grant'?" in ran.stderr
