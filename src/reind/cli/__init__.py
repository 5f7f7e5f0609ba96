"""The ``reind`` command line: translates arguments into service calls.

Errors that reind raises on purpose print as one line on stderr and exit
with code 2; anything else is a bug and shows its traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from reind.core.errors import ReindError

app = typer.Typer(
    name="reind",
    help="Hong Kong re-industrialisation: funding schemes, programme office, smart lines.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def main() -> None:
    """Console entry point."""
    try:
        app()
    except ReindError as exc:
        err_console.print(f"reind: {exc}", style="bold red", highlight=False, soft_wrap=True)
        sys.exit(2)


from reind.cli import accounts as _accounts  # noqa: E402, F401  (registers sub-commands)
from reind.cli import data as _data  # noqa: E402, F401  (registers data, report, export)
from reind.cli import grant as _grant  # noqa: E402, F401  (registers grant, tax)
from reind.cli import programme as _programme  # noqa: E402, F401  (registers sub-commands)
from reind.cli import run as _run  # noqa: E402, F401  (registers demo)
from reind.cli import schemes as _schemes  # noqa: E402, F401  (registers sub-commands)
from reind.cli import twins as _twins  # noqa: E402, F401  (registers sub-commands)

__all__ = ["app", "console", "err_console", "main"]
