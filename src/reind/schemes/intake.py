"""One case taken in and decided: the input rules every way in shares.

``reind grant``, ``POST /api/v1/schemes/{code}/decisions`` and the web
calculator all decide a case through ``decide_case``, so a case is refused
for the same reasons, with the same words, however it arrives. The scheme's
input model validates each value; the rules here are those about the case
as a whole that the model cannot see alone: a received date after today is a
plan, not a case (refused unless an as-of date is given for planning), and
costs excluded from a total cannot exceed it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from reind.core.errors import InvalidInputError, RuleError

if TYPE_CHECKING:
    from reind.rules.decision import Decision
    from reind.rules.engine import Engine

TOTALS = ("total_cost", "approved_expenditure", "eligible_spending", "trial_cost")
"""The input each scheme's ``ineligible_costs`` are taken out of."""


def say(lang: str, en: str, zh: str) -> str:
    """The message in ``lang`` ("en" or "zh-Hant")."""
    return zh if lang == "zh-Hant" else en


def decide_case(
    engine: Engine,
    name: str,
    inputs: Mapping[str, Any] | BaseModel,
    *,
    today: date,
    as_of: date | None = None,
    lang: str = "en",
    names: Mapping[str, str] | None = None,
) -> Decision:
    """Validate the case, apply the input rules, decide it.

    ``today`` is Hong Kong's date (the caller's clock); ``as_of`` decides the
    case as at that date instead of its governing one (planning, what-if).
    ``names`` says how the caller calls an input in messages (the CLI's
    ``--received``); by default its own name.
    """
    scheme = engine.scheme(name)
    case = inputs if isinstance(inputs, BaseModel) else engine.parse_inputs(scheme, inputs)
    refuse_exclusions_above_total(case, lang)
    if as_of is None:
        refuse_future_received(case, today, lang, (names or {}).get("received", "received"))
    return engine.decide(scheme.code, case, as_of)


def refuse_exclusions_above_total(case: BaseModel, lang: str) -> None:
    """Costs excluded from a total cannot exceed it: that is a typing slip, not a case."""
    excluded = getattr(case, "ineligible_costs", None)
    if not isinstance(excluded, Decimal):
        return
    for name in TOTALS:
        total = getattr(case, name, None)
        if isinstance(total, Decimal) and excluded > total:
            raise InvalidInputError(
                say(lang, f"ineligible_costs {excluded} exceed {name} {total}",
                    f"ineligible_costs {excluded} 超過 {name} {total}"),
                field="ineligible_costs",
            )  # fmt: skip


def refuse_future_received(case: BaseModel, today: date, lang: str, option: str) -> None:
    """A received date after today is a plan, not a case: refused unless as-of is given."""
    received = getattr(case, "received", None)
    if isinstance(received, date) and received > today:
        raise RuleError(
            say(lang, f"{option} {received.isoformat()} is after today ({today.isoformat()}); "
                "give an as-of date (--as-of, as_of) to plan ahead",
                f"{option} {received.isoformat()} 在今天（{today.isoformat()}）之後；"
                "如作規劃，請提供評估日期（--as-of、as_of）"),
            field="received",
        )  # fmt: skip


__all__ = [
    "TOTALS",
    "decide_case",
    "refuse_exclusions_above_total",
    "refuse_future_received",
    "say",
]
