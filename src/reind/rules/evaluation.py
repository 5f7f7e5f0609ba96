"""The context a scheme's formula runs in: parameters in force, traced as used.

Kept apart from the engine because it is on the hot path of every decision:
values in force are resolved once per scheme and date (``InForce``), the
trace is a dict keyed by parameter name (so "already traced?" is a hash
look-up, not a comparison of dated values), equal traces of cases decided
on the same date are one shared tuple, and reasons are formatted only when
someone reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any, TypeVar

from pydantic import BaseModel

from reind.core.errors import RuleError
from reind.core.money import Money
from reind.rules.decision import Outcome, Reason
from reind.rules.parameters import ChosenValue, DatedValue, ParameterSet
from reind.rules.values import ParamValue

IN_OPERATION = "in_operation"
"""Every scheme has this boolean parameter: the dates it took and stopped taking cases."""


def closed_wording(label: str, as_at: date, since: date) -> tuple[str, str, str]:
    """The reason (code, English, Chinese) a case gets when its scheme was not taking cases."""
    return (
        "scheme_closed",
        f"{label} was not taking applications on {as_at.isoformat()} "
        f"(closed from {since.isoformat()}).",
        f"{label}於{as_at.isoformat()}並不接受申請（自{since.isoformat()}起停止）。",
    )


def dump_case(case: BaseModel) -> dict[str, Any]:
    """``case.model_dump(mode="json")`` without its per-call keyword handling."""
    return type(case).__pydantic_serializer__.to_python(case, mode="json")  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a formula returns: the outcome and the amount."""

    outcome: Outcome
    amount: Money


class InForce:
    """The parameters of one scheme in force on one date, resolved once and shared.

    Every case governed by the same date reads its values from here, and
    cases that used the same parameters share one trace tuple.
    """

    __slots__ = ("_parameters", "_traces", "_values", "as_at", "scheme")

    def __init__(self, parameters: ParameterSet, scheme: str, as_at: date) -> None:
        self._parameters = parameters
        self.scheme = scheme
        self.as_at = as_at
        self._values: dict[str, DatedValue | None] = {}
        self._traces: dict[tuple[str, ...], tuple[DatedValue, ...]] = {}

    def get(self, name: str) -> DatedValue | None:
        """The dated value of ``name`` in force (None if none), untraced."""
        try:
            return self._values[name]
        except KeyError:
            found = self._parameters.get(self.scheme, name).at(self.as_at)
            self._values[name] = found
            return found

    def on(self, day: date) -> InForce:
        """The same scheme's parameters in force on ``day``: a case's second governing date."""
        return InForce(self._parameters, self.scheme, day)

    def shared_trace(self, used: dict[str, DatedValue]) -> tuple[DatedValue, ...]:
        """``used.values()`` as a tuple, the same object for every equal trace."""
        names = tuple(used)
        trace = self._traces.get(names)
        if trace is None:
            trace = self._traces[names] = tuple(used.values())
        return trace


class Evaluation:
    """The context of one case (or one batch of cases on one date): traced look-ups."""

    __slots__ = ("_in_force", "_own", "_reasons", "_resolved", "_trace", "as_at", "scheme")

    def __init__(self, in_force: InForce) -> None:
        self._in_force = in_force
        self._resolved = in_force._values  # read directly: this is the hottest path
        self.scheme = in_force.scheme
        self.as_at = in_force.as_at
        self._trace: dict[str, DatedValue] = {}
        self._reasons: list[Reason] = []
        self._own = False  # True once a value was chosen by another date: no shared trace

    def on(self, event: str, day: date) -> Evaluation:
        """The parameters in force on ``day``, the date of ``event``, for part of the case.

        Most of a case is governed by one date (``as_at``), but a rule may be
        tied to another event: RTTP's ceiling per financial year is tested on
        the approval date. Values read through the returned evaluation go
        into this one's trace as ``ChosenValue`` (naming the event and date),
        and its reasons into this one's reasons. On ``as_at`` itself it is
        this evaluation.
        """
        if day == self.as_at:
            return self
        return _OnEvent(self, event, InForce(self._in_force._parameters, self.scheme, day))

    def lookup(self, name: str) -> DatedValue | None:
        """The dated value of ``name`` in force (None if none), traced."""
        try:
            found = self._resolved[name]
        except KeyError:
            found = self._in_force.get(name)
        if found is not None and name not in self._trace:
            self._trace[name] = found
        return found

    def optional(self, name: str) -> ParamValue | None:
        """The value of ``name`` in force, or None if it has not started or has ended."""
        found = self.lookup(name)
        return None if found is None else found.value

    def value(self, name: str) -> ParamValue:
        """The value of ``name`` in force; a RuleError if there is none."""
        found = self.lookup(name)
        if found is None or found.value is None:
            raise RuleError(
                "{scheme} has no {name} in force on {day}",
                scheme=self.scheme.upper(),
                name=name,
                day=self.as_at.isoformat(),
            )
        return found.value

    def money(self, name: str) -> Money:
        """A parameter in HK$."""
        value = self.value(name)
        return value if value.__class__ is Money else _typed(value, Money, name)

    def ratio(self, name: str) -> Fraction:
        """A ratio or multiplier parameter, exact."""
        value = self.value(name)
        return value if value.__class__ is Fraction else _typed(value, Fraction, name)

    def count(self, name: str) -> int:
        """A whole-number parameter."""
        return _typed(self.value(name), int, name)

    def flag(self, name: str) -> bool:
        """A boolean parameter."""
        return _typed(self.value(name), bool, name)

    def codes(self, name: str) -> tuple[str, ...]:
        """A list-of-identifiers parameter."""
        return _typed(self.value(name), tuple, name)

    def reason(self, code: str, en: str, zh: str) -> None:
        """Add one bilingual sentence, already written out, to the decision's reasons."""
        self._reasons.append(Reason(code, en, zh))

    def explain(
        self,
        code: str,
        en: str,
        zh: str,
        values: Mapping[str, object] | None = None,
        /,
        **named: object,
    ) -> None:
        """Add one bilingual sentence whose ``{name}`` blanks are filled in later.

        The blanks are filled (``str.format_map``) from ``values`` and the
        keyword arguments, only when the text is first read, so a decision
        nobody reads does not pay for formatting its amounts. Values must be
        immutable, so the text is the same whenever it is read.
        """
        if values is None:
            values = named
        elif named:
            values = {**values, **named}
        self._reasons.append(Reason(code, en, zh, values))

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """The reasons so far."""
        return tuple(self._reasons)

    @property
    def trace(self) -> tuple[DatedValue, ...]:
        """Every parameter value used so far, in the order first used."""
        if self._own:
            return tuple(self._trace.values())
        return self._in_force.shared_trace(self._trace)


class _OnEvent(Evaluation):
    """``Evaluation.on``: look-ups on another date, traced into the case's evaluation."""

    __slots__ = ("_event",)

    def __init__(self, case: Evaluation, event: str, in_force: InForce) -> None:
        super().__init__(in_force)
        self._event = event
        self._trace = case._trace
        self._reasons = case._reasons
        case._own = True

    def lookup(self, name: str) -> DatedValue | None:
        """The dated value of ``name`` on the event's date, traced with the event."""
        found = self._in_force.get(name)
        # keyed by the date too: several parts of a case may each be dated by the same event
        key = f"{name}@{self._event}@{self.as_at.isoformat()}"
        if found is not None and key not in self._trace:
            self._trace[key] = ChosenValue.of(found, self._event, self.as_at)
        return found


T = TypeVar("T")


def _typed(value: ParamValue, kind: type[T], name: str) -> T:
    if kind is int and isinstance(value, bool):
        raise RuleError("parameter {name} is a boolean, not a number", name=name)
    if not isinstance(value, kind):
        raise RuleError(
            "parameter {name} is {found}, not {wanted}",
            name=name,
            found=type(value).__name__,
            wanted=kind.__name__,
        )
    return value
