"""Lazy command registration: a command's module is imported when that command runs.

Typer builds the click command of every registered command on each run, and
registering them means importing every command module (and what each imports
at its top). ``reind grant`` pays for neither: the root group knows each
command's name, module and one-line help from ``COMMANDS`` and imports the
module only when the command is invoked (click's lazy-group pattern). ``reind
--help`` lists the table's help without importing anything;
``tests/cli/test_lazy.py`` checks that each line equals the command's real
help, so the two cannot drift.
"""

from __future__ import annotations

import importlib
from difflib import get_close_matches
from typing import Any, NamedTuple

from typer import _click as click  # typer 0.29 vendors click: its own Command types
from typer._click.exceptions import UsageError
from typer.core import TyperCommand, TyperGroup


class CommandEntry(NamedTuple):
    """Where a top-level command is registered, and the first paragraph of its help."""

    module: str
    help: str


COMMANDS: dict[str, CommandEntry] = {
    "grant": CommandEntry(
        "reind.cli.grant", "The grant SCHEME gives for a case, with the reasons and the trace."
    ),
    "demo": CommandEntry(
        "reind.cli.run",
        "Start everything: databases, broker, both twins, the gateway and the web app.",
    ),
    "serve": CommandEntry(
        "reind.cli.run",
        "Serve reind for real: REIND_DATABASE_URL, REIND_MQTT_URL, REIND_TELEMETRY_URL.",
    ),
    "user": CommandEntry("reind.cli.accounts", "Programme-office user accounts and API tokens."),
    "audit": CommandEntry("reind.cli.audit", "The audit log: verify it, anchor it."),
    "report": CommandEntry("reind.cli.reports", "Reports built from the records."),
    "export": CommandEntry("reind.cli.reports", "Open-data exports."),
    "data": CommandEntry("reind.cli.data", "Data for demos and tests."),
    "fleet": CommandEntry(
        "reind.cli.fleet", "The telemetry lake and KPIs across every line in it."
    ),
    "tax": CommandEntry("reind.cli.grant", "Tax rules."),
    "notices": CommandEntry("reind.cli.notices", "E-mail notices: the due-date reminders."),
    "import": CommandEntry(
        "reind.cli.programme", "Bulk import of historical records (CSV or XLSX)."
    ),
    "application": CommandEntry(
        "reind.cli.programme", "Applications: move them through their workflow."
    ),
    "rules": CommandEntry("reind.cli.rules", "Rules tests and what-ifs."),
    "schemes": CommandEntry(
        "reind.cli.schemes", "The scheme catalogue and the parameters in force."
    ),
    "decision": CommandEntry("reind.cli.schemes", "Stored decisions: reproduce and compare."),
    "twin": CommandEntry(
        "reind.cli.twins", "Digital twins: the egg-waffle machine and the beer line."
    ),
}
"""Every top-level command in ``reind --help`` order: its module and its one-line help."""


class LazyGroup(TyperGroup):
    """The root group: lists ``COMMANDS`` and builds a command only when asked for it."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The table's commands, then any registered outside it (a test's own)."""
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, its module imported on first use (a stand-in while listing help)."""
        if cmd_name in self.commands or cmd_name not in COMMANDS:
            return self.commands.get(cmd_name)
        if self._listing:
            return TyperCommand(name=cmd_name, help=COMMANDS[cmd_name].help)
        command = load(cmd_name)
        self.commands[cmd_name] = command
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """As typer's, with "Did you mean" drawn from the table (commands not yet loaded too)."""
        try:
            return super().resolve_command(ctx, args)
        except UsageError as exc:
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if matches and "Did you mean" not in exc.message:
                suggestions = ", ".join(f"{m!r}" for m in matches)
                exc.message = f"{exc.message.rstrip('.')}. Did you mean {suggestions}?"
            raise

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """``reind --help``: the table's help lines, no command module imported."""
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def load(name: str) -> click.Command:
    """Import the module that registers the command ``name`` and build its click command."""
    from typer.main import get_command_from_info, get_command_name, get_group_from_info

    from reind.cli import app

    importlib.import_module(COMMANDS[name].module)
    for command_info in app.registered_commands:
        callback_name = command_info.callback.__name__ if command_info.callback else ""
        if (command_info.name or get_command_name(callback_name)) == name:
            return get_command_from_info(
                command_info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
    for group_info in app.registered_groups:
        if group_info.name == name:
            return get_group_from_info(
                group_info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
                suggest_commands=app.suggest_commands,
            )
    raise LookupError(f"{COMMANDS[name].module} registers no command {name!r}")
