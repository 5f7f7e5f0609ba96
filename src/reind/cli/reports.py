"""``reind report progress`` and ``reind export 360giving``: the report and open data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reind.cli import app, console, process_of

report_app = typer.Typer(help="Reports built from the records.")
export_app = typer.Typer(help="Open-data exports.")
app.add_typer(report_app, name="report")
app.add_typer(export_app, name="export")


@report_app.command("progress")
def progress(
    ctx: typer.Context,
    as_of: Annotated[str, typer.Option("--as-of", help="Report date, YYYY-MM-DD.")],
    lang: Annotated[str, typer.Option("--lang", help="en or zh-Hant.")] = "en",
    fmt: Annotated[str, typer.Option("--format", help="html or pdf.")] = "html",
    out: Annotated[Path | None, typer.Option("--out", help="File to write.")] = None,
    templates: Annotated[
        Path | None, typer.Option("--templates", help="Folder of edited templates to use.")
    ] = None,
    telemetry: Annotated[
        str | None,
        typer.Option(
            "--telemetry",
            help="Telemetry store (duckdb:<path> or postgresql://...) to measure funded lines.",
        ),
    ] = None,
) -> None:
    """The LegCo progress report as at a date, every figure computed from the records."""
    from reind.core.periods import parse_date
    from reind.factory.ingest.store import open_store
    from reind.reporting.progress import build_report, write_records

    if fmt not in ("html", "pdf"):
        raise typer.BadParameter("--format must be html or pdf")
    target = out or Path(f"progress-{as_of}.{lang}.{fmt}")
    records = f"{target.stem}-records"
    store = open_store(telemetry) if telemetry else None
    process = process_of(ctx)
    process.database()  # the primary, migrated; the report reads the replica when there is one
    try:
        with process.platform.read_database.unit_of_work() as session:
            report = build_report(
                session, parse_date(as_of), lang=lang, fmt="pdf" if fmt == "pdf" else "html",
                templates=templates, records_dir=records, telemetry=store,
            )  # fmt: skip
    finally:
        if store is not None:
            store.close()
    target.write_bytes(report.content)
    write_records(report.figures, target.parent / records)
    console.print(f"wrote {target} and the records behind each figure in {target.parent / records}")


@export_app.command("360giving")
def giving(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="Folder for grants.json and grants.csv.")],
    as_of: Annotated[
        str, typer.Option("--as-of", help="Grants approved by this date, amounts as at it.")
    ] = "2021-08-31",
    publisher: Annotated[
        str | None,
        typer.Option("--publisher", help="The publishing body: itc or tid (default: the funder)."),
    ] = None,
    published: Annotated[
        str | None, typer.Option("--published", help="Date of publication (default: today).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace grants.json and grants.csv in --out.")
    ] = False,
    source_url: Annotated[
        str | None,
        typer.Option(
            "--source-url",
            help="Where the file is published (https://...): each grant's dataSource.",
        ),
    ] = None,
) -> None:
    """Grants in the 360Giving Data Standard, JSON and CSV."""
    from reind.core.clock import hk_today
    from reind.core.periods import parse_date
    from reind.reporting.giving360 import export

    issued = parse_date(published) if published else hk_today()
    with process_of(ctx).database().unit_of_work() as session:
        json_path, csv_path, count = export(
            session,
            parse_date(as_of),
            out,
            published=issued,
            publisher=publisher,
            source_url=source_url,
            force=force,
        )
    console.print(f"wrote {count:,} grants to {json_path} and {csv_path}")
    if source_url is None:
        console.print("no --source-url: the grants carry no dataSource")
