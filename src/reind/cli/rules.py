"""``reind rules test [PATH]``: run YAML rules tests (``reind.rules.casefile``).

Policy staff write cases in YAML (inputs, dates, expected outcome and
amount); this command decides each one as ``reind grant`` would and prints
what differs. Exit 1 if any case fails, so CI can run it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reind.cli import app, console, err_console, process_of

rules_app = typer.Typer(help="Rules tests and what-ifs.")
app.add_typer(rules_app, name="rules")


@rules_app.command("test")
def test(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(help="A YAML file of cases, or a folder of them (default: every scheme's)."),
    ] = None,
) -> None:
    """Decide every case in the YAML files and compare with what each expects."""
    from reind.core.clock import hk_today
    from reind.rules.casefile import case_files, run_files
    from reind.schemes.catalogue import CASES
    from reind.schemes.intake import decide_case

    engine = process_of(ctx).engine
    today = hk_today()
    files = case_files(path or CASES)
    results = run_files(
        files, lambda scheme, inputs, as_of: decide_case(
            engine, scheme, inputs, today=today, as_of=as_of
        )
    )  # fmt: skip
    failed = [r for r in results if not r.passed]
    for result in failed:
        err_console.print(f"FAIL {result.case.where}", style="bold red", highlight=False)
        for problem in result.problems:
            err_console.print(f"     {problem}", highlight=False)
    console.print(
        f"{len(results) - len(failed)} passed, {len(failed)} failed "
        f"({len(results)} cases in {len(files)} files)",
        highlight=False,
    )
    if failed:
        raise typer.Exit(1)
