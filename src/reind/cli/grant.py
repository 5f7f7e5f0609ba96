"""``reind grant SCHEME`` and ``reind tax rd``: one case decided from the command line.

Every scheme takes its own inputs (its pydantic input model): ``--cost``
and ``--received`` are shorthands for ``total_cost`` and ``received`` where
the scheme has them, ``--set name=value`` gives any input and ``--input
FILE`` a whole case. ``reind grant SCHEME --help`` lists the inputs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from reind.cli import app, console
from reind.cli.case_inputs import (
    amount,
    describe,
    gather,
    parse_sets,
    read_case_file,
    say,
)
from reind.core.errors import InvalidInputError

if TYPE_CHECKING:
    from reind.rules.decision import Decision
    from reind.rules.engine import Engine, Scheme

tax_app = typer.Typer(help="Tax rules.")
app.add_typer(tax_app, name="tax")

Lang = Annotated[str, typer.Option("--lang", help="en or zh-Hant")]
Json = Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")]


def _lang(value: str) -> str:
    if value not in ("en", "zh-Hant"):
        raise InvalidInputError(f"--lang must be en or zh-Hant, not {value!r}")
    return value


def _engine(ctx: typer.Context, scheme: str) -> Engine:
    """The engine for one scheme: its module alone when named by code."""
    from reind.cli import process_of

    return process_of(ctx).engine_for(scheme)


def print_inputs(scheme: Scheme[Any], lang: str) -> None:
    """A table of the scheme's inputs: name, type, default and description."""
    from rich.table import Table

    zh = lang == "zh-Hant"
    table = Table(title=f"{scheme.label}: {'輸入項' if zh else 'inputs'} (--set name=value)")
    for column in (
        ("輸入項", "類型", "預設", "說明") if zh else ("Input", "Type", "Default", "Description")
    ):
        table.add_column(column)
    for field in describe(scheme.inputs):
        table.add_row(
            field.name,
            field.kind,
            ("必須" if zh else "required") if field.required else field.default,
            field.description,
        )
    console.print(table)


@app.command(add_help_option=False)
def grant(
    ctx: typer.Context,
    scheme: Annotated[
        str | None, typer.Argument(help="Scheme code, label or alias (see `reind schemes`).")
    ] = None,
    cost: Annotated[
        str | None,
        typer.Option("--cost", help="Total project cost, HK$ (schemes with a total_cost input)."),
    ] = None,
    received: Annotated[
        str | None, typer.Option("--received", help="Date received, YYYY-MM-DD.")
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option("--set", help="Any input as name=value (JSON values); see --help SCHEME."),
    ] = None,
    input_file: Annotated[
        Path | None, typer.Option("--input", help="A whole case as a JSON or YAML file.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Evaluate as at this date (planning, what-if)."),
    ] = None,
    save: Annotated[bool, typer.Option("--save", help="Store the decision; print its id.")] = False,
    lang: Lang = "en",
    as_json: Json = False,
    show_help: Annotated[
        bool, typer.Option("--help", help="Show this message and, with SCHEME, its inputs.")
    ] = False,
) -> None:
    """The grant SCHEME gives for a case, with the reasons and the trace.

    Each scheme takes its own inputs: `reind grant SCHEME --help` lists them.
    """
    lang = _lang(lang)
    if show_help or scheme is None:
        typer.echo(ctx.get_help())
        if scheme is not None:
            print_inputs(_engine(ctx, scheme).scheme(scheme), lang)
        return
    from reind.core.clock import hk_today
    from reind.core.periods import parse_date

    engine = _engine(ctx, scheme)
    found = engine.scheme(scheme)
    named: dict[str, tuple[str, Any]] = {}
    if cost is not None:
        named["total_cost"] = ("--cost", str(amount("--cost", cost, lang)))
    if received is not None:
        named["received"] = ("--received", parse_date(received).isoformat())
    from_file = read_case_file(input_file, lang) if input_file is not None else {}
    from reind.schemes.intake import decide_case

    inputs = gather(found.label, found.inputs, named, parse_sets(sets or [], lang), from_file, lang)
    decision = decide_case(
        engine,
        found.code,
        inputs,
        today=hk_today(),
        as_of=parse_date(as_of) if as_of else None,
        lang=lang,
        names={"received": "--received" if "received" in named else "--set received"},
    )
    decision_id = _save(ctx, decision) if save else None
    _show(decision, lang, as_json, decision_id)


@tax_app.command("rd")
def tax_rd(
    ctx: typer.Context,
    year: Annotated[str, typer.Option("--year", help="Year of assessment, e.g. 2019/20.")],
    type_a: Annotated[str, typer.Option("--type-a", help="Type A expenditure, HK$.")] = "0",
    type_b: Annotated[str, typer.Option("--type-b", help="Type B expenditure, HK$.")] = "0",
    incurred: Annotated[
        list[str] | None,
        typer.Option(
            "--incurred",
            help="Expenditure by the date it was incurred, KIND:AMOUNT:DATE (e.g. "
            "B:500000:2018-03-15, spent before 1 April 2018 in a 2018/19 basis period); "
            "deducted at that date's rates.",
        ),
    ] = None,
    lang: Lang = "en",
    as_json: Json = False,
) -> None:
    """The R&D deduction for a year of assessment."""
    from reind.core.clock import hk_today
    from reind.core.periods import YearOfAssessment

    lang = _lang(lang)
    spent_a = amount("--type-a", type_a, lang, allow_zero=True)
    spent_b = amount("--type-b", type_b, lang, allow_zero=True)
    parts = [_incurred_part(text, lang) for text in incurred or []]
    if not spent_a and not spent_b and not parts:
        raise InvalidInputError(
            say(lang, "no R&D expenditure given: --type-a and --type-b are both HK$0",
                "未有提供研發開支：--type-a 及 --type-b 均為港幣 0 元")
        )  # fmt: skip
    parsed = YearOfAssessment.parse(year)
    current = YearOfAssessment.containing(hk_today())
    if parsed > current:
        raise InvalidInputError(
            say(lang, f"--year {year.strip()} has not begun (the current year of assessment is "
                f"{current})", f"--year {year.strip()} 尚未開始（本課稅年度為 {current}）")
        )  # fmt: skip
    engine = _engine(ctx, "rd_tax")
    first = engine.parameters.get("rd_tax", "in_operation").values[0].effective_from
    if parsed.end < first:
        raise InvalidInputError(
            say(lang, f"--year {year.strip()}: the R&D deduction rules reind encodes did not exist "
                f"then (they start on {first.isoformat()})",
                f"--year {year.strip()}：reind 所載的研發扣稅規則當時並不存在"
                f"（由 {first.isoformat()} 開始）")
        )  # fmt: skip
    inputs = {
        "year_of_assessment": str(parsed), "type_a": str(spent_a), "type_b": str(spent_b),
        "incurred": parts,
    }  # fmt: skip
    _show(engine.decide("rd_tax", inputs), lang, as_json, None)


def _incurred_part(text: str, lang: str) -> dict[str, str]:
    """``B:500000:2018-03-15`` as the claim's dated part (kind, amount, incurred_on)."""
    from reind.core.periods import parse_date

    kind, _, rest = text.partition(":")
    spent, _, day = rest.partition(":")
    if kind.strip().upper() not in ("A", "B") or not spent or not day:
        raise InvalidInputError(
            say(lang, f"--incurred takes KIND:AMOUNT:DATE with KIND A or B, e.g. "
                f"B:500000:2018-03-15; got {text!r}",
                f"--incurred 須為 類別:金額:日期（類別為 A 或 B），例如 B:500000:2018-03-15；"
                f"收到 {text!r}")
        )  # fmt: skip
    return {
        "kind": kind.strip().upper(),
        "amount": str(amount("--incurred", spent, lang)),
        "incurred_on": parse_date(day.strip()).isoformat(),
    }


def _save(ctx: typer.Context, decision: Decision) -> str:
    from reind.cli import process_of
    from reind.rules.store import save_decision

    with process_of(ctx).database().unit_of_work() as session:
        return save_decision(session, decision)


def _show(decision: Decision, lang: str, as_json: bool, decision_id: str | None) -> None:
    from reind.cli.decision_view import print_decision

    print_decision(decision, lang, as_json, decision_id)
