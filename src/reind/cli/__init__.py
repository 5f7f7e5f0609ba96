"""The ``reind`` command line: translates arguments into service calls.

Errors that reind raises on purpose print as one line on stderr and exit
with code 2; anything else is a bug and shows its traceback.

The root callback puts a ``Process`` on the Typer context (it reads the
settings once, when a command first needs them); commands take the database
and the rules engine from its ``Platform`` (``reind.bootstrap``), built on
first use and closed when the command ends.

Start-up is part of the interface: ``reind grant`` must answer in a
fraction of a second, so this package and every command module import at
their top only typer, rich and what the command line itself needs; each
command imports its services (the database, the web app, the demo, the
plant) in its body. ``tests/cli/test_startup.py`` holds that line. The
command modules themselves are imported on demand (``reind.cli.lazy``):
``reind grant`` neither imports nor builds the other commands.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console

from reind.cli.lazy import LazyGroup
from reind.core.errors import ReindError

if TYPE_CHECKING:
    from reind.bootstrap import Platform
    from reind.core.db import Database
    from reind.rules.engine import Engine
    from reind.settings import Settings

app = typer.Typer(
    name="reind",
    help="Hong Kong re-industrialisation: funding schemes, programme office, smart lines.",
    no_args_is_help=True,
    add_completion=False,
    cls=LazyGroup,  # a command's module is imported only when that command runs
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


class Process:
    """What one command runs on: the settings, read once, and the platform built from them.

    The settings are read when first needed: a rules command (``reind grant``)
    needs only the engine, and reading settings costs pydantic-settings' import.
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self._settings = settings
        self._platform: Platform | None = None
        self._engine: Engine | None = None

    @property
    def settings(self) -> Settings:
        """The settings, read from the environment once."""
        if self._settings is None:
            from reind.settings import Settings

            self._settings = Settings()
        return self._settings

    @property
    def platform(self) -> Platform:
        """The composition root's platform, built on first use (a command may need none)."""
        if self._platform is None:
            from reind.bootstrap import build_platform

            self._platform = build_platform(self.settings)
        return self._platform

    @property
    def engine(self) -> Engine:
        """The rules engine (without building the rest: a SQLite database makes its folder)."""
        if self._platform is not None:
            return self._platform.engine
        if self._engine is None:
            from reind.bootstrap import rules_engine

            self._engine = rules_engine(lazy=True)  # parse only the schemes used
        return self._engine

    def engine_for(self, scheme: str) -> Engine:
        """An engine for a command that decides with ``scheme`` alone.

        Given a scheme's code, only that scheme's module is imported (the
        catalogue of every scheme costs a tenth of ``reind grant``); given a
        label or alias, or once the platform or full engine is built, the full engine.
        """
        if self._platform is not None or self._engine is not None:
            return self.engine
        from reind.bootstrap import rules_engine

        return rules_engine(lazy=True, only=scheme)

    def database(self) -> Database:
        """The database, migrated to the latest schema."""
        database = self.platform.database
        database.migrate()
        return database

    def close(self) -> None:
        """Close what was built."""
        if self._platform is not None:
            self._platform.close()
            self._platform = None


@app.callback()
def _process(ctx: typer.Context) -> None:
    process = Process()
    ctx.obj = process
    ctx.call_on_close(process.close)


def process_of(ctx: typer.Context) -> Process:
    """The command's ``Process`` (made by the root callback)."""
    process = ctx.find_object(Process)
    if process is None:  # a sub-app invoked on its own, as some tests do
        process = Process()
        ctx.obj = process
        ctx.call_on_close(process.close)
    return process


def main() -> None:
    """Console entry point."""
    try:
        app()
    except ReindError as exc:
        said = in_language_asked(exc, sys.argv[1:])
        err_console.print(f"reind: {said}", style="bold red", highlight=False, soft_wrap=True)
        sys.exit(2)


def in_language_asked(error: ReindError, argv: list[str]) -> str:
    """``error`` in the language the command was asked for (``--lang zh-Hant``), else English.

    The message catalogue is read only on this error path, so a command that
    succeeds never pays for it.
    """
    asked = next(
        (argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "--lang"),
        next((arg.partition("=")[2] for arg in argv if arg.startswith("--lang=")), "en"),
    )
    if asked != "zh-Hant":
        return str(error)
    from reind.web.i18n import error_text  # the catalogue lives with the pages

    return error_text(error, "zh-Hant")


__all__ = ["Process", "app", "console", "err_console", "main", "process_of"]
