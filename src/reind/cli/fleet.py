"""``reind fleet export``, ``verify`` and ``kpi``: the telemetry lake and the fleet's KPIs.

``export`` writes the telemetry store's closed days to the lake (Parquet,
hive-partitioned by day, group and edge node), idempotently: run it on a timer.
``kpi`` computes the ISO 22400 KPIs of every line in the lake by shift, on
DuckDB (one machine) or Spark (``local[2]`` here, a cluster elsewhere), from
the one SQL definition; both print the same figures.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Annotated

import typer

from reind.cli import app, console, process_of
from reind.core.errors import InvalidInputError

if TYPE_CHECKING:
    from reind.factory.lake import FleetRow

fleet_app = typer.Typer(help="The telemetry lake and KPIs across every line in it.")
app.add_typer(fleet_app, name="fleet")

LakeOption = Annotated[str, typer.Option("--lake", help="The lake's folder (or file:// URL).")]
KPI_COLUMNS = ("oee", "availability", "effectiveness", "quality_ratio", "mtbf_hours")


@fleet_app.command("export")
def export(
    ctx: typer.Context,
    lake: LakeOption,
    store: Annotated[
        str | None,
        typer.Option("--store", help="Telemetry store URL (default: REIND_TELEMETRY_URL)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="First day to export (YYYY-MM-DD, HK).")
    ] = None,
) -> None:
    """Export every closed day not yet in the lake (and recent days that changed)."""
    from reind.core.clock import SystemClock
    from reind.factory.ingest.store import open_store
    from reind.factory.lake import Lake, export_closed

    url = store or process_of(ctx).settings.effective_telemetry_url
    opened = open_store(url)
    try:
        done = export_closed(
            opened, Lake.at(lake), SystemClock().now(), since=_day(since, "--since")
        )
    finally:
        opened.close()
    for day in done:
        counts = ", ".join(f"{table} {rows}" for table, rows in day.rows.items())
        console.print(f"{day.day}: {counts}")
    console.print(f"{len(done)} day(s) exported to {lake}")


@fleet_app.command("verify")
def verify(lake: LakeOption) -> None:
    """Check every exported partition's content against the checksum the export recorded."""
    from reind.factory.lake import Lake, verify_lake

    mismatches = verify_lake(Lake.at(lake))
    for m in mismatches:
        console.print(f"{m.table} {m.day} {m.partition}: recorded {m.recorded}, found {m.found}")
    if mismatches:
        console.print(f"{len(mismatches)} partition(s) differ: run reind fleet export to repair")
        raise typer.Exit(2)
    console.print(f"every partition of {lake} matches its checksum")


@fleet_app.command("kpi")
def kpi(
    lake: LakeOption,
    first: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD, Hong Kong).")],
    last: Annotated[str, typer.Option("--to", help="Last day, included.")],
    engine: Annotated[str, typer.Option("--engine", help="duckdb or spark.")] = "duckdb",
    master: Annotated[str, typer.Option("--master", help="Spark master.")] = "local[2]",
    pru: Annotated[
        list[str] | None,
        typer.Option("--pru", help="UNIT=SECONDS planned run time per unit, e.g. waffle/=80."),
    ] = None,
) -> None:
    """ISO 22400 KPIs of every line in the lake by shift, as CSV on standard output."""
    from reind.factory.lake import Lake, fleet_kpis
    from reind.factory.lake.engines import DuckDBLake, LakeEngine, SparkLake, spark_session
    from reind.factory.lake.layout import day_bounds

    start = day_bounds(_required(first, "--from"))[0]
    end = day_bounds(_required(last, "--to"))[1]
    if end <= start:
        raise InvalidInputError("--to must not be before --from")
    where = Lake.at(lake)
    chosen: LakeEngine
    session = None
    if engine == "duckdb":
        chosen = DuckDBLake(where)
    elif engine == "spark":
        from pyspark.sql import SparkSession

        running = SparkSession.getActiveSession()
        session = None if running is not None else spark_session(master)
        chosen = SparkLake(where, running or session)  # type: ignore[arg-type]
    else:
        raise InvalidInputError(f"--engine must be duckdb or spark, not {engine!r}")
    try:
        rows = fleet_kpis(chosen, start, end, pru_seconds=_prus(pru or []))
    finally:
        chosen.close()
        if session is not None:
            session.stop()
    _print(rows)


def _print(rows: list[FleetRow]) -> None:
    print("line,shift_day,shift," + ",".join(KPI_COLUMNS))  # noqa: T201 - CSV for pipes
    for row in rows:
        values = [row.kpis.get(name) for name in KPI_COLUMNS]
        shown = ",".join("" if v is None else f"{v:.6f}" for v in values)
        print(f"{row.line},{row.shift_day},{row.shift},{shown}")  # noqa: T201


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(f"{option} must be a date YYYY-MM-DD, not {text!r}") from None


def _required(text: str, option: str) -> date:
    day = _day(text, option)
    assert day is not None  # noqa: S101 - text is not None
    return day


def _prus(pairs: list[str]) -> dict[str, Decimal]:
    found = {}
    for pair in pairs:
        unit, _, seconds = pair.partition("=")
        try:
            value = Decimal(seconds)
        except InvalidOperation:
            raise InvalidInputError(f"--pru must be UNIT=SECONDS, not {pair!r}") from None
        if not unit or value <= 0:
            raise InvalidInputError(f"--pru must be UNIT=SECONDS (positive), not {pair!r}")
        found[unit] = value
    return found
