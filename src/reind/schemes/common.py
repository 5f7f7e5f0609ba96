"""Input types and helpers shared by the scheme formulas.

Amounts arrive as decimal HK$ (never floats) and become ``Money`` inside
the formulas; the shared phrases keep reasons consistent across schemes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from reind.core.money import Money
from reind.rules.branches import ReasonTemplate
from reind.rules.decision import Outcome
from reind.rules.engine import Evaluation

HKDAmount = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=2, allow_inf_nan=False)]
"""A non-negative amount of HK$ to the cent, as given by an applicant."""


class CaseInputs(BaseModel):
    """Base of every scheme's inputs: strict, frozen, no unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class PriorApproval(CaseInputs):
    """An earlier approval of the same enterprise (or a connected one)."""

    amount: HKDAmount
    approved_on: date
    ongoing: bool = Field(default=True, description="Still running (not completed or closed).")


ApprovalT = TypeVar("ApprovalT", bound=PriorApproval)


def earlier_approvals(
    ev: Evaluation,
    approvals: Sequence[ApprovalT],
    received: date,
    event: tuple[str, str] = ("this application was received", "本申請收件日"),
) -> Sequence[ApprovalT]:
    """The approvals dated on or before ``received``; each later one is left out with a reason.

    An approval dated after the application was received is not an earlier
    approval of it (usually a typing slip, such as 2099): counting it against
    the ceiling would refuse money the rules give. ``event`` names the date
    in the reason (English, Chinese) where it is not the received date.
    """
    if all(p.approved_on <= received for p in approvals):
        return approvals
    kept = []
    for p in approvals:
        if p.approved_on <= received:
            kept.append(p)
            continue
        ev.reason(
            "later_approval_left_out",
            f"Left out: the approval of {money(p.amount)} dated {p.approved_on.isoformat()} "
            f"is after {event[0]} ({received.isoformat()}).",
            f"不予計算：{p.approved_on.isoformat()} 的 {money(p.amount)} 批核"
            f"在{event[1]}（{received.isoformat()}）之後。",
        )
    return kept


def money(amount: Decimal) -> Money:
    """An input amount as Money (inputs are already validated to the cent)."""
    return Money.of(amount)


def share(amount: Money, ratio: Fraction) -> Money:
    """``ratio`` of ``amount``, rounded *down* to the cent so a share is never exceeded."""
    return Money((amount.cents * ratio.numerator) // ratio.denominator)


@lru_cache(maxsize=64)
def fmt_ratio(ratio: Fraction) -> str:
    """A ratio as a person writes it: 1/3, 50%, 2/3 (a handful of ratios, each worked out once)."""
    percent = ratio * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    return f"{ratio.numerator}/{ratio.denominator}"


Condition = tuple[bool | None, str, str, str]
"""(fact, code, English, Chinese): the applicant must be/have what the phrases say."""


def check_conditions(ev: Evaluation, conditions: Iterable[Condition]) -> Outcome | None:
    """Check yes/no eligibility facts in order, adding a reason for each one not met.

    A fact that is False makes the case ineligible at once (returns INELIGIBLE);
    one that is None (not yet given) makes it tentative (returns TENTATIVE after
    checking the rest); None when every fact holds.
    """
    outcome: Outcome | None = None
    for fact, code, en, zh in conditions:
        if fact is None:
            outcome = Outcome.TENTATIVE
            ev.reason(f"{code}_unknown", f"Not yet shown: {en}.", f"尚待證明：{zh}。")
        elif not fact:
            ev.reason(f"not_{code}", f"Not met: {en}.", f"不符合：{zh}。")
            return Outcome.INELIGIBLE
    return outcome


class CostLine(CaseInputs):
    """One line of an application's budget: a cost category and its amount."""

    category: str = Field(min_length=1, description="Cost category code, e.g. machinery_equipment.")
    amount: HKDAmount


def unfunded_lines(
    ev: Evaluation,
    lines: Iterable[CostLine],
    eligible: Iterable[str] | None,
    ineligible: Iterable[str] = (),
) -> Money:
    """The total of budget lines a scheme does not fund, with one reason naming them.

    A line is unfunded when its category is on the ``ineligible`` list or, when
    an ``eligible`` list is given, not on it.
    """
    allowed = None if eligible is None else set(eligible)
    barred = set(ineligible)
    total = Money.zero()
    names: list[str] = []
    for line in lines:
        if line.category in barred or (allowed is not None and line.category not in allowed):
            total = total + Money.of(line.amount)
            names.append(line.category)
    if names:
        said = UNFUNDED_LINES
        ev.explain(said.code, said.en, said.zh, shown=", ".join(sorted(set(names))), total=total)
    return total


UNFUNDED_LINES = ReasonTemplate(
    "unfunded_cost_lines",
    "Cost lines in categories the scheme does not fund ({shown}) are excluded: {total}.",
    "不獲資助類別（{shown}）的開支項目不計算在內：{total}。",
)
"""``unfunded_lines``'s reason: ``shown`` the categories, sorted, joined by ", "."""


def cut_template(code: str, en: str, zh: str) -> ReasonTemplate:
    """The reason ``within_limit`` gives for a limit (``en``/``zh``) that binds, with blanks."""
    return ReasonTemplate(
        code, f"{en}: the grant is cut to {{room}}.", f"{zh}：資助額減至 {{room}}。"
    )


def within_limit(
    ev: Evaluation, grant: Money, room: Money, code: str, en: str, zh: str, **blanks: object
) -> Money:
    """``grant`` cut down to ``room`` (never below zero), with a reason when it binds.

    ``en`` and ``zh`` describe the limit; the amount it leaves is appended to them.
    With ``blanks``, they are templates whose ``{name}`` blanks are filled only
    when the reason is read (``Evaluation.explain``), so a limit that does not
    bind costs no formatting: the bulk paths call this for every case.
    """
    room = max(room, Money.zero())
    if grant <= room:
        return grant
    if blanks:
        said = cut_template(code, en, zh)
        ev.explain(said.code, said.en, said.zh, blanks, room=room)
    else:
        ev.reason(code, f"{en}: the grant is cut to {room}.", f"{zh}：資助額減至 {room}。")
    return room
