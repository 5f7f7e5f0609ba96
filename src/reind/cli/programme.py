"""``reind import`` and ``reind application transition`` (``reind audit``: ``cli/audit.py``).

Officers' batch work: each command takes the database from the command's
``Process`` (migrated first) and runs one service call in one unit of work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from reind.cli import app, console, err_console, process_of

import_app = typer.Typer(help="Bulk import of historical records (CSV or XLSX).")
application_app = typer.Typer(help="Applications: move them through their workflow.")
app.add_typer(import_app, name="import")
app.add_typer(application_app, name="application")


Sheet = Annotated[
    str | None,
    typer.Option("--sheet", help="The XLSX sheet to read (default: the only one with data)."),
]
Problems = Annotated[
    Path | None,
    typer.Option(
        "--problems",
        help="Write every problem (English and Chinese) here: a workbook if it ends in .xlsx, "
        "else CSV.",
    ),
]
Lang = Annotated[str, typer.Option("--lang", help="en or zh-Hant: the language of messages.")]
Enterprises = Annotated[
    str,
    typer.Option(
        "--enterprises",
        help="A BR number registered with other details: refuse, update or keep the stored one.",
    ),
]


def _import(
    ctx: typer.Context,
    kind: str,
    path: Path,
    *,
    sheet: str | None,
    problems: Path | None,
    lang: str,
    enterprises: str = "refuse",
) -> None:
    from reind.core.errors import InvalidInputError
    from reind.programme.actors import SYSTEM
    from reind.programme.imports.bulk import (
        MATCHING,
        ImportFileError,
        ImportRejectedError,
        import_file,
        write_problems,
    )

    if lang not in ("en", "zh-Hant"):
        raise InvalidInputError(f"--lang must be en or zh-Hant, not {lang!r}")
    if enterprises not in MATCHING:
        raise InvalidInputError(f"--enterprises must be {', '.join(MATCHING)}, not {enterprises!r}")
    process = process_of(ctx)
    try:
        with process.database().unit_of_work() as session:
            report = import_file(
                session,
                kind,
                path,
                SYSTEM,
                engine=process.engine,
                sheet=sheet,
                enterprises=next(m for m in MATCHING if m == enterprises),
            )
    except ImportFileError as exc:
        _fail(exc.text(lang))
    except ImportRejectedError as exc:
        if problems is not None:
            try:
                count = write_problems(problems, exc.problems)
            except ImportFileError as unwritten:
                _fail(exc.text(lang) + "\n" + unwritten.text(lang))
            written = (
                f"已將全部 {count} 項問題寫入 {problems}"
                if lang == "zh-Hant"
                else f"all {count} problem(s) written to {problems}"
            )
            _fail(exc.text(lang) + "\n" + written)
        _fail(exc.text(lang))
    if lang == "zh-Hant":
        firms = (
            f"；企業：新登記 {report.enterprises_new} 間，更新 {report.enterprises_updated} 間"
            if kind == "applications"
            else ""
        )
        console.print(
            f"{path.name}：新增 {report.rows} 項 {kind}，更新 {report.updated} 項，"
            f"{report.unchanged} 項已儲存且無改變{firms}",
            highlight=False,
            soft_wrap=True,
        )
    else:
        firms = (
            f"; enterprises: {report.enterprises_new} registered, "
            f"{report.enterprises_updated} updated"
            if kind == "applications"
            else ""
        )
        console.print(
            f"imported {report.rows} {kind} from {path.name}: {report.rows} new, "
            f"{report.updated} updated, {report.unchanged} already stored unchanged{firms}",
            highlight=False,
            soft_wrap=True,
        )


def _fail(message: str) -> NoReturn:
    err_console.print(f"reind: {message}", style="bold red", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


@import_app.command("applications")
def import_applications(
    ctx: typer.Context,
    file: Path,
    sheet: Sheet = None,
    problems: Problems = None,
    lang: Lang = "en",
    enterprises: Enterprises = "refuse",
) -> None:
    """Import historical applications; nothing is written if any row is wrong."""
    _import(
        ctx,
        "applications",
        file,
        sheet=sheet,
        problems=problems,
        lang=lang,
        enterprises=enterprises,
    )


@import_app.command("claims")
def import_claims(
    ctx: typer.Context,
    file: Path,
    sheet: Sheet = None,
    problems: Problems = None,
    lang: Lang = "en",
) -> None:
    """Import historical claims; nothing is written if any row is wrong."""
    _import(ctx, "claims", file, sheet=sheet, problems=problems, lang=lang)


@import_app.command("enquiries")
def import_enquiries(
    ctx: typer.Context,
    file: Path,
    sheet: Sheet = None,
    problems: Problems = None,
    lang: Lang = "en",
) -> None:
    """Import historical SME-centre enquiries; nothing is written if any row is wrong."""
    _import(ctx, "enquiries", file, sheet=sheet, problems=problems, lang=lang)


@application_app.command("transition")
def transition(
    ctx: typer.Context,
    application_id: str,
    action: str,
    role: Annotated[str, typer.Option("--as", help="The role you act in, e.g. officer.")],
    user: Annotated[str, typer.Option("--user", help="Who you are (for the audit log).")] = "cli",
    note: Annotated[str, typer.Option("--note")] = "",
) -> None:
    """Take ACTION on application ID in ROLE (the workflow decides if that is allowed)."""
    from reind.programme.actors import Actor, Role
    from reind.programme.applications.transitions import transition_application
    from reind.programme.enterprises.profile import parse_choice

    actor = Actor(user, Role(parse_choice(Role, role, "--as").value))
    with process_of(ctx).database().unit_of_work() as session:
        row = transition_application(session, application_id, action, actor, note=note)
        console.print(f"{row.reference}: {row.state}")
