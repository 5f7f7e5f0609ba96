"""``reind audit verify`` and ``reind audit checkpoint``: the audit log, checked and anchored.

``verify`` checks three things and exits 1 if any fails: the hash chain
(nothing edited, inserted or cut inside it), completeness (every record has
the events its state implies) and the signed checkpoints kept outside the
database (the chain was not cut back or rewritten with its head; ADR 0120).
The plant's command log is anchored by the same mechanism and key
(``core.checkpoints``): ``checkpoint`` signs both heads, ``verify`` checks both.
"""

from __future__ import annotations

import typer

from reind.cli import Process, app, console, err_console, process_of

audit_app = typer.Typer(help="The audit log: verify it, anchor it.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify(ctx: typer.Context) -> None:
    """Check the chain, that every record has its events, and the signed checkpoints."""
    from reind.programme.audit.chain import verify_chain
    from reind.programme.audit.checkpoints import (
        check_against,
        load_public_key,
        public_path,
        read_checkpoints,
    )
    from reind.programme.audit.completeness import check_completeness

    process = process_of(ctx)
    settings = process.settings
    checkpoints = read_checkpoints(settings.effective_audit_checkpoints)
    with process.database().unit_of_work() as session:
        chain = verify_chain(session)
        complete = check_completeness(session)
        anchored = None
        if checkpoints:
            public = load_public_key(public_path(settings.effective_audit_key))
            anchored = check_against(session, checkpoints, public)
    failed = False
    for ok, text in (
        (chain.ok, str(chain)),
        (complete.ok, str(complete)),
        (anchored is None or anchored.ok, str(anchored) if anchored else "NO CHECKPOINTS yet"),
        _plant_log(process),
    ):
        if ok:
            console.print(text, highlight=False)
        else:
            failed = True
            err_console.print(text, style="bold red", highlight=False, soft_wrap=True)
    if failed:
        raise typer.Exit(1)


@audit_app.command("checkpoint")
def checkpoint(ctx: typer.Context) -> None:
    """Sign the chain's head and append it to the checkpoint file (after verifying the chain)."""
    from reind.programme.audit.checkpoints import load_or_create_key, write_checkpoint

    process = process_of(ctx)
    settings = process.settings
    key = load_or_create_key(settings.effective_audit_key)
    with process.database().unit_of_work() as session:
        written = write_checkpoint(session, key, settings.effective_audit_checkpoints)
    if written is None:
        console.print("the head has not moved since the last checkpoint; nothing written")
    else:
        console.print(
            f"checkpoint at event {written.seq} ({written.hash[:16]}...) "
            f"appended to {settings.effective_audit_checkpoints}",
            highlight=False,
        )
    from reind.factory.commands.checkpoints import write_command_checkpoint

    with process.database().unit_of_work() as session:
        plant = write_command_checkpoint(session, key, settings.effective_plant_checkpoints)
    if plant is not None:
        console.print(
            f"plant command log checkpoint at entry {plant.seq} "
            f"appended to {settings.effective_plant_checkpoints}",
            highlight=False,
        )


def _plant_log(process: Process) -> tuple[bool, str]:
    """The plant's command log: its chain, and against its signed checkpoints."""
    from reind.factory.commands import verify_command_log
    from reind.factory.commands.checkpoints import check_command_log
    from reind.programme.audit.checkpoints import load_public_key, public_path, read_checkpoints

    settings = process.settings
    checkpoints = read_checkpoints(settings.effective_plant_checkpoints)
    with process.database().unit_of_work() as session:
        broken_at = verify_command_log(session)
        if broken_at is not None:
            return False, f"PLANT COMMAND LOG BROKEN at entry {broken_at}"
        if not checkpoints:
            return True, "plant command log: OK, NO CHECKPOINTS yet"
        public = load_public_key(public_path(settings.effective_audit_key))
        anchored = check_command_log(session, checkpoints, public)
    return anchored.ok, f"plant command log: {anchored}"
