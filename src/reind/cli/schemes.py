"""``reind schemes`` and ``reind decision``; ``reind grant`` and ``reind tax`` are in ``grant``."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from reind.cli import app, console, process_of
from reind.cli.decision_view import print_decision
from reind.cli.grant import print_inputs
from reind.core.errors import InvalidInputError
from reind.core.periods import parse_date

if TYPE_CHECKING:
    from reind.rules.decision import DecisionDiff

schemes_app = typer.Typer(help="The scheme catalogue and the parameters in force.")
decision_app = typer.Typer(help="Stored decisions: reproduce and compare.")
app.add_typer(schemes_app, name="schemes", invoke_without_command=True)
app.add_typer(decision_app, name="decision")

Lang = Annotated[str, typer.Option("--lang", help="en or zh-Hant")]
Json = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def _lang(value: str) -> str:
    if value not in ("en", "zh-Hant"):
        raise InvalidInputError(f"--lang must be en or zh-Hant, not {value!r}")
    return value


@schemes_app.callback()
def catalogue(ctx: typer.Context, lang: Lang = "en") -> None:
    """Show every scheme reind encodes."""
    if ctx.invoked_subcommand is not None:
        return
    lang = _lang(lang)
    engine = process_of(ctx).engine
    zh = lang == "zh-Hant"
    table = Table(title="資助計劃一覽" if zh else "Funding schemes", show_lines=False)
    table.add_column("代號" if zh else "Code")
    table.add_column("計劃" if zh else "Scheme")
    table.add_column("負責機構" if zh else "Administered by")
    table.add_column("概要" if zh else "Summary")
    for scheme in engine.schemes:
        admin = scheme.administrator_zh if zh else scheme.administrator_en
        table.add_row(scheme.label, scheme.title(lang), admin, scheme.summary(lang))
    console.print(table)
    console.print(f"rules version {engine.rules_version}", style="dim")


@schemes_app.command("show")
def show(
    ctx: typer.Context,
    scheme: str,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD")] = None,
    lang: Lang = "en",
    as_json: Json = False,
) -> None:
    """The parameters of SCHEME in force on a date, with their sources."""
    lang = _lang(lang)
    day = parse_date(as_of) if as_of else date.today()  # noqa: DTZ011 - a calendar date, not a time
    engine = process_of(ctx).engine
    found = engine.scheme(scheme)
    rows = engine.in_force(found.code, day)
    if as_json:
        out = [
            {
                "parameter": p.key,
                "description": p.description(lang),
                "unit": p.unit,
                "value": None if v is None else v.shown,
                "effective_from": None if v is None else v.effective_from.isoformat(),
                "source": None if v is None else v.source,
                "confidence": None if v is None else v.confidence,
            }
            for p, v in rows
        ]
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{found.title(lang)} — {day.isoformat()}")
    for column in ("Parameter", "Value", "Unit", "Since", "Conf.", "Source"):
        table.add_column(column)
    for parameter, value in rows:
        if value is None:
            table.add_row(parameter.description(lang), "not in force", parameter.unit, "", "", "")
        else:
            table.add_row(
                parameter.description(lang),
                value.shown,
                parameter.unit,
                value.effective_from.isoformat(),
                value.confidence,
                value.source,
            )
    console.print(table)
    print_inputs(found, lang)


@decision_app.command("reproduce")
def reproduce(
    ctx: typer.Context, decision_id: str, lang: Lang = "en", as_json: Json = False
) -> None:
    """Recompute a stored decision and confirm it is identical."""
    from reind.rules.store import load_decision

    lang = _lang(lang)
    process = process_of(ctx)
    with process.database().unit_of_work() as session:
        stored = load_decision(session, decision_id)
    again = process.engine.reproduce(stored)
    same = again.dumps() == json.dumps(stored.document, sort_keys=True, ensure_ascii=False)
    if as_json:
        typer.echo(json.dumps({"identical": same, "decision": again.to_json()}, ensure_ascii=False))
    else:
        print_decision(again, lang, False, decision_id)
        console.print("identical to the stored decision" if same else "DIFFERS from the stored one")
    if not same:
        raise typer.Exit(1)


@decision_app.command("compare")
def compare(
    ctx: typer.Context,
    decision_id: str,
    as_of: Annotated[str, typer.Option("--as-of", help="Re-run as at this date.")],
    as_json: Json = False,
) -> None:
    """Re-run a stored decision as at another date and show the difference."""
    from reind.rules.store import load_decision

    process = process_of(ctx)
    with process.database().unit_of_work() as session:
        stored = load_decision(session, decision_id)
    result = process.engine.rerun_as_of(stored, parse_date(as_of))
    _print_diff(result, as_json)


def _print_diff(result: DecisionDiff, as_json: bool) -> None:
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "before": result.before.to_json(),
                    "after": result.after.to_json(),
                    "parameters": [
                        {"parameter": c.parameter, "before": c.before, "after": c.after}
                        for c in result.parameters
                    ],
                },
                ensure_ascii=False,
            )
        )
        return
    before, after = result.before, result.after
    console.print(f"as at {before.as_at}: {before.outcome.value} {before.amount}")
    console.print(f"as at {after.as_at}: {after.outcome.value} {after.amount}")
    for change in result.parameters:
        console.print(f"  {change.parameter}: {change.before} → {change.after}")
    if not result.parameters:
        console.print("  no parameter differs")
