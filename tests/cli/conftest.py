"""Run ``reind`` in-process with Typer's CliRunner, as ``reind.cli.main`` does."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from typer.testing import CliRunner

from reind.cli import app
from reind.core.errors import ReindError


@dataclass(frozen=True)
class Ran:
    """What one command printed and its exit code (2 for a ReindError, as ``main`` exits)."""

    code: int
    out: str
    error: str

    def json(self) -> Any:
        """Stdout as JSON."""
        return json.loads(self.out)


def run_reind(*args: str) -> Ran:
    """One ``reind`` command; a ReindError becomes exit 2 and its one line, as in ``main``."""
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    if isinstance(result.exception, ReindError):
        return Ran(2, result.stdout, str(result.exception))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def reind() -> Any:
    """The ``run_reind`` function."""
    return run_reind
