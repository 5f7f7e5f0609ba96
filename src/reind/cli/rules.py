"""``reind rules test [PATH]`` (YAML rules tests) and ``reind rules whatif`` (what a change costs).

Policy staff write cases in YAML (inputs, dates, expected outcome and
amount); this command decides each one as ``reind grant`` would and prints
what differs. Exit 1 if any case fails, so CI can run it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reind.cli import app, console, err_console, process_of
from reind.core.errors import InvalidInputError

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


@rules_app.command("whatif")
def whatif(
    ctx: typer.Context,
    sets: Annotated[
        list[str],
        typer.Option("--set", help="scheme.parameter=value, e.g. rfs.project_cap=20000000."),
    ],
    as_of: Annotated[
        str, typer.Option("--as-of", help="The portfolio received by this date, YYYY-MM-DD.")
    ],
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Also draw the differences (PNG or SVG).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="en or zh-Hant")] = "en",
) -> None:
    """Re-decide every stored application under changed parameters: the cost by scheme, industry."""
    from rich.table import Table

    from reind.core.periods import parse_date
    from reind.reporting.whatif import portfolio_whatif, write_chart
    from reind.rules.whatif import changed_engine, describe, parse_changes

    if lang not in ("en", "zh-Hant"):
        raise InvalidInputError(f"--lang must be en or zh-Hant, not {lang!r}")
    zh = lang == "zh-Hant"
    process = process_of(ctx)
    changes = parse_changes(sets, lang)
    changed = changed_engine(process.engine, changes, lang)
    day = parse_date(as_of)
    with process.database().unit_of_work() as session:
        result = portfolio_whatif(session, process.engine, changed, day)
    title = (
        f"假設 {describe(changes)}：{day.isoformat()} 或之前收到的申請" if zh
        else f"What if {describe(changes)}: applications received by {day.isoformat()}"
    )  # fmt: skip
    heads = (
        ("計劃", "行業", "申請", "受影響", "現行規則", "更改後", "差額") if zh
        else ("Scheme", "Industry", "Applications", "Affected", "Now", "Changed", "Difference")
    )  # fmt: skip
    table = Table(title=title)
    for head in heads:
        table.add_column(head, justify="left" if head in heads[:2] else "right")
    for line in (*result.by_scheme, *(x for x in result.by_industry if x.affected)):
        table.add_row(
            line.scheme.upper(), line.industry or ("（全部）" if zh else "(all)"),
            f"{line.applications:,}", f"{line.affected:,}", str(line.before), str(line.after),
            str(line.difference),
        )  # fmt: skip
    console.print(table)
    console.print(
        (f"總額：{result.before} → {result.after}（差額 {result.after - result.before}），"
         f"{result.affected:,} 宗申請受影響") if zh
        else (f"Total: {result.before} -> {result.after} (difference "
              f"{result.after - result.before}); {result.affected:,} applications affected"),
        highlight=False,
    )  # fmt: skip
    if result.undecidable:
        console.print(
            f"{result.undecidable:,} 宗申請資料不完整，未計算" if zh
            else f"{result.undecidable:,} applications without a complete case were left out",
            style="dim",
        )  # fmt: skip
    if chart is not None:
        write_chart(result, title, str(chart))
        console.print(f"{'圖表' if zh else 'chart'}: {chart}")
