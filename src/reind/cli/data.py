"""``reind data seed-portfolio``: the seed-consistent portfolio for demos and tests.

Importing this module also registers ``reind report`` and ``reind export``.
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from reind.cli import app, console, process_of
from reind.cli import reports as _reports  # noqa: F401  (registers report and export)

data_app = typer.Typer(help="Data for demos and tests.")
app.add_typer(data_app, name="data")


@data_app.command("seed-portfolio")
def seed(
    ctx: typer.Context,
    seed_value: Annotated[
        int | None, typer.Option("--seed", help="Random seed (default: the portfolio's own).")
    ] = None,
) -> None:
    """Generate the portfolio whose figures as at 31 August 2021 are the LegCo report's."""
    from reind.programme.demo_data import seed_portfolio
    from reind.programme.demo_data.portfolio import DEFAULT_SEED

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    process = process_of(ctx)
    summary = seed_portfolio(
        process.database(),
        DEFAULT_SEED if seed_value is None else seed_value,
        engine=process.engine,
    )
    console.print(
        f"seed {summary.seed}: {summary.applications:,} applications, "
        f"{summary.enquiries:,} enquiries, {summary.tax_claims:,} tax claims, "
        f"{summary.itf_projects:,} ITF projects in {summary.seconds:.1f} s"
    )
