"""``reind import``, ``reind application transition`` and ``reind audit verify``.

Officers' batch work: each command takes the database from the command's
``Process`` (migrated first) and runs one service call in one unit of work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reind.cli import app, console, err_console, process_of

import_app = typer.Typer(help="Bulk import of historical records (CSV or XLSX).")
application_app = typer.Typer(help="Applications: move them through their workflow.")
audit_app = typer.Typer(help="The audit log.")
app.add_typer(import_app, name="import")
app.add_typer(application_app, name="application")
app.add_typer(audit_app, name="audit")


def _import(ctx: typer.Context, kind: str, path: Path) -> None:
    from reind.programme.actors import SYSTEM
    from reind.programme.imports.bulk import import_file

    process = process_of(ctx)
    with process.database().unit_of_work() as session:
        report = import_file(session, kind, path, SYSTEM, engine=process.engine)
    console.print(f"imported {report.rows} {kind} from {path.name}")


@import_app.command("applications")
def import_applications(ctx: typer.Context, file: Path) -> None:
    """Import historical applications; nothing is written if any row is wrong."""
    _import(ctx, "applications", file)


@import_app.command("claims")
def import_claims(ctx: typer.Context, file: Path) -> None:
    """Import historical claims; nothing is written if any row is wrong."""
    _import(ctx, "claims", file)


@import_app.command("enquiries")
def import_enquiries(ctx: typer.Context, file: Path) -> None:
    """Import historical SME-centre enquiries; nothing is written if any row is wrong."""
    _import(ctx, "enquiries", file)


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


@audit_app.command("verify")
def verify(ctx: typer.Context) -> None:
    """Check the audit hash chain; print OK or the first broken event (exit 1)."""
    from reind.programme.audit.chain import verify_chain

    with process_of(ctx).database().unit_of_work() as session:
        report = verify_chain(session)
    if report.ok:
        console.print(str(report))
        return
    err_console.print(str(report), style="bold red", highlight=False)
    raise typer.Exit(1)
