"""``reind notices due``: tell people of the reports and milestones falling due (for cron).

``reind serve`` runs the same job every hour; this command is for a server
that runs it from cron instead (or as well: a due date is told once however
often the job runs). The notices go to the outbox, which ``serve`` sends.
"""

from __future__ import annotations

import typer

from reind.cli import app, console, process_of

notices_app = typer.Typer(help="E-mail notices: the due-date reminders.")
app.add_typer(notices_app, name="notices")


@notices_app.command("due")
def due(ctx: typer.Context) -> None:
    """Write a notice for each report or milestone due within 14 days or overdue, once."""
    from reind.programme.notices.due import notify_due

    with process_of(ctx).database().unit_of_work() as session:
        told = notify_due(session)
    console.print(f"{told} due date(s) notified", highlight=False)
