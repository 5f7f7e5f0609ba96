"""BUD applications as columns and back: what ``columnar.bud`` takes and gives.

Kept apart from the formula (``columnar.bud``) because a BUD application has
many parts (cost lines, earlier approvals of several kinds) and turning them
into columns is as long as the rule itself. The layout is described there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reind.core.errors import InvalidInputError
from reind.rules.columns import (
    Columns,
    cents_column,
    cents_text,
    choice_column,
    count_column,
    date_column,
    input_cents,
    optional_count_column,
    optional_date_column,
)

PROGRAMMES = ("general", "easy", "ecommerce_easy")
MARKETS = ("mainland", "asean", "fta", "ippa")
"""The ``programme`` and ``market`` choices; a position is the column's code (default 0)."""
COLUMNS = (
    "received", "programme", "market", "total_cost", "ineligible_costs", "staff_costs",
    "new_entity_setup_costs", "audit_fee", "duration_months", "listed", "business_registration",
    "substantive_operations_in_hk", "easy_last",
)  # fmt: skip
"""The columns of a BUD application, besides ``cost_line:``, ``prior_count:`` and
``prior_approved:`` ones."""
LINE, COUNT, APPROVED = "cost_line:", "prior_count:", "prior_approved:"
_FACTS = ("listed", "business_registration", "substantive_operations_in_hk")
_AMOUNTS = (
    "total_cost",
    "ineligible_costs",
    "staff_costs",
    "new_entity_setup_costs",
    "audit_fee",
)
_YES_NO: dict[bool | None, int] = {None: -1, False: 0, True: 1}


def check_columns(columns: Columns, count: int) -> dict[str, NDArray[Any]]:
    """``COLUMNS`` and the per-kind ones; received and total cost required.

    Amounts are cents (a cost line -1 when the case has none in its category);
    programme and market codes into ``PROGRAMMES`` and ``MARKETS`` (0 when absent);
    yes/no facts 1, 0 or -1; ``duration_months`` -1 when not given; a total of
    earlier approvals needs a count of them.
    """
    label = "BUD"
    kinds = set(_kinds())
    unknown = sorted(
        n for n in columns
        if n not in COLUMNS and not n.startswith(LINE)
        and not (n.startswith((COUNT, APPROVED)) and n.split(":", 1)[1] in kinds)
    )  # fmt: skip
    if unknown:
        raise InvalidInputError(
            f"{label}: unknown column(s) {', '.join(unknown)}; expected {', '.join(COLUMNS)}, "
            f"{LINE}<category>, {COUNT}<market>:<programme>:<ongoing> and {APPROVED}<...>"
        )
    checked: dict[str, NDArray[Any]] = {"received": date_column(columns, "received", label)}
    for name, choices in (("programme", PROGRAMMES), ("market", MARKETS)):
        given = {name: columns[name]} if name in columns else {name: np.zeros(count, np.int8)}
        checked[name] = choice_column(given, name, count, len(choices), label)
        _refuse(checked[name] < 0, f"{name} must be a code into {choices}")
    for name in _AMOUNTS:
        default = None if name == "total_cost" else 0
        checked[name] = cents_column(columns, name, count, label, default)
    checked["duration_months"] = optional_count_column(columns, "duration_months", count, label)
    _refuse(checked["duration_months"] == 0, "duration_months must not be 0")
    for fact in _FACTS:
        checked[fact] = choice_column(columns, fact, count, 2, label)
    checked["easy_last"] = optional_date_column(columns, "easy_last", count, label)
    lines = sorted(n for n in columns if n.startswith(LINE))
    if len(lines) > 62:
        raise InvalidInputError(f"{label}: at most 62 cost-line categories, not {len(lines)}")
    for name in lines:
        checked[name] = optional_count_column(columns, name, count, label)
        _refuse(checked[name] >= 10**15, f"{name} must be below 10**15 cents")
    for kind in sorted({n.split(":", 1)[1] for n in columns if n.startswith((COUNT, APPROVED))}):
        number = count_column(columns, COUNT + kind, count, label, 0)
        total = cents_column(columns, APPROVED + kind, count, label, 0)
        _refuse((number == 0) & (total > 0), f"{APPROVED}{kind} without a count")
        checked[COUNT + kind], checked[APPROVED + kind] = number, total
    return checked


def case_row(columns: Columns, index: int) -> dict[str, Any]:
    """The application as ``decide`` takes it (the canonical form of a column row).

    Each category's lines become one line carrying their total; each kind of
    earlier approval becomes its count of approvals dated the day received, the
    first carrying the kind's total, each Easy BUD one received on ``easy_last``.
    """
    received = columns["received"].item(index).isoformat()
    duration = columns["duration_months"].item(index)
    last = columns["easy_last"].item(index)
    row: dict[str, Any] = {
        "received": received,
        "programme": PROGRAMMES[columns["programme"].item(index)],
        "market": MARKETS[columns["market"].item(index)],
        **{name: cents_text(columns[name].item(index)) for name in _AMOUNTS},
        "duration_months": None if duration < 0 else duration,
    }
    for fact in _FACTS:
        code = columns[fact].item(index)
        row[fact] = None if code < 0 else code == 1
    row["cost_lines"] = [
        {"category": name[len(LINE) :], "amount": cents_text(cents)}
        for name in sorted(n for n in columns if n.startswith(LINE))
        if (cents := columns[name].item(index)) >= 0
    ]
    priors = []
    for kind in present(columns, COUNT):
        market, programme, ongoing = kind.split(":")
        number, total = (
            columns[COUNT + kind].item(index),
            columns[APPROVED + kind].item(index),
        )
        for n in range(number):
            prior: dict[str, Any] = {
                "amount": cents_text(total if n == 0 else 0), "approved_on": received,
                "ongoing": ongoing == "1", "programme": programme, "market": market,
            }  # fmt: skip
            if programme == "easy" and last is not None:
                prior["received"] = last.isoformat()
            priors.append(prior)
    row["prior_approvals"] = priors
    return row


def columns_of(cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
    """Raw applications (as ``decide`` takes them) as ``decide_columns`` takes them."""
    texts: dict[str, list[str]] = {"received": [], "easy_last": []}
    values: dict[str, list[int]] = {n: [] for n in COLUMNS if n not in texts}
    lines: list[dict[str, int]] = []
    kinds: list[dict[str, tuple[int, int]]] = []
    for case in cases:
        day = str(case["received"])
        texts["received"].append(day)
        values["programme"].append(PROGRAMMES.index(case.get("programme", "general")))
        values["market"].append(MARKETS.index(case.get("market", "mainland")))
        for name in _AMOUNTS:
            values[name].append(
                input_cents(case[name] if name == "total_cost" else case.get(name, 0))
            )
        duration = case.get("duration_months")
        values["duration_months"].append(-1 if duration is None else int(duration))
        for fact in _FACTS:
            values[fact].append(_YES_NO[case.get(fact)])
        totals: dict[str, int] = {}
        for line in case.get("cost_lines", ()):
            code = str(line["category"])
            totals[code] = totals.get(code, 0) + input_cents(line["amount"])
        lines.append(totals)
        # Only earlier approvals: a later one is left out, as ``evaluate`` leaves it out.
        mine: dict[str, tuple[int, int]] = {}
        easy_days = []
        for p in case.get("prior_approvals", ()):
            if str(p["approved_on"]) > day:
                continue
            programme = p.get("programme", "general")
            kind = f"{p.get('market', 'mainland')}:{programme}:{int(p.get('ongoing', True))}"
            number, total = mine.get(kind, (0, 0))
            mine[kind] = (number + 1, total + input_cents(p["amount"]))
            if programme == "easy":
                easy_days.append(str(p.get("received") or p["approved_on"]))
        kinds.append(mine)
        texts["easy_last"].append(max(easy_days) if easy_days else "NaT")
    columns: dict[str, NDArray[Any]] = {
        name: np.array(days, dtype="datetime64[D]") for name, days in texts.items()
    }
    for name, column in values.items():
        small = name in ("programme", "market", *_FACTS)
        columns[name] = np.array(column, dtype=np.int8 if small else np.int64)
    for code in sorted({code for totals in lines for code in totals}):
        columns[LINE + code] = np.array([t.get(code, -1) for t in lines], dtype=np.int64)
    for kind in sorted({kind for mine in kinds for kind in mine}):
        columns[COUNT + kind] = np.array([m.get(kind, (0, 0))[0] for m in kinds], dtype=np.int64)
        columns[APPROVED + kind] = np.array([m.get(kind, (0, 0))[1] for m in kinds], dtype=np.int64)
    return columns


def _kinds() -> Iterable[str]:
    return (f"{m}:{p}:{o}" for m in MARKETS for p in PROGRAMMES for o in "01")


def present(columns: Columns, prefix: str) -> list[str]:
    return sorted(n[len(prefix) :] for n in columns if n.startswith(prefix))


def _refuse(bad: NDArray[np.bool_], rule: str) -> None:
    if bad.any():
        raise InvalidInputError(f"BUD: case {int(np.argmax(bad))}: {rule}")
