"""How the CLI prints one decision, in English or Traditional Chinese, or as JSON."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from reind.cli import console
from reind.rules.decision import Decision
from reind.rules.parameters import ChosenValue, DatedValue

EVENTS_ZH = {"received": "收件", "approved": "批核", "incurred": "招致", "course_start": "開課"}
"""The events that choose a value (``Evaluation.on``), as the Chinese trace names them."""


def _chosen_by(entry: DatedValue, zh: bool) -> str:
    """ " (approved 2025-08-15)" when a date other than the case's governing one chose it."""
    if not isinstance(entry, ChosenValue) or entry.event_date is None:
        return ""
    event = EVENTS_ZH.get(entry.event, entry.event) if zh else entry.event
    return f" ({event} {entry.event_date.isoformat()})"


def print_decision(decision: Decision, lang: str, as_json: bool, decision_id: str | None) -> None:
    """The outcome, amount, reasons and trace; marked provisional when it rests on a [C] fact."""
    if as_json:
        body = decision.to_json()
        if decision_id:
            body["id"] = decision_id
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    zh = lang == "zh-Hant"
    provisional = ""
    if decision.provisional:
        provisional = " [yellow](暫定)[/yellow]" if zh else " [yellow](provisional)[/yellow]"
    console.print(
        f"[bold]{decision.scheme.upper()}[/bold] {'按' if zh else 'as at'} {decision.as_at}: "
        f"[bold]{decision.outcome.value}[/bold] {decision.amount}{provisional}",
        highlight=False,
    )
    for reason in decision.reasons:
        console.print(f"  • {reason.text(lang)}", highlight=False)
    if decision.provisional:
        console.print(
            "暫定：此決定依據未經核實的資料 [C]：" if zh
            else "Provisional: this decision rests on unverified facts [C]:",
            style="yellow", highlight=False,
        )  # fmt: skip
        for entry in decision.unverified:
            console.print(
                f"  ? {entry.parameter} = {entry.shown} "
                f"({'自' if zh else 'since'} {entry.effective_from.isoformat()}; {entry.source})",
                highlight=False,
            )
    table = Table(title="所用參數" if zh else "Parameters used")
    for column in (
        ("參數", "數值", "生效日", "可信度", "來源") if zh
        else ("Parameter", "Value", "Since", "Conf.", "Source")
    ):  # fmt: skip
        table.add_column(column)
    for entry in decision.trace:
        table.add_row(
            entry.parameter,
            entry.shown,
            entry.effective_from.isoformat() + _chosen_by(entry, zh),
            entry.confidence,
            entry.source,
        )
    console.print(table)
    console.print(f"rules version {decision.rules_version}", style="dim")
    if decision_id:
        console.print(f"stored as {decision_id}")
