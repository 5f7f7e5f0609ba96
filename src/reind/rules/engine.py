"""The engine: evaluates a scheme's formula for a case "as at" a date.

A scheme (in ``reind.schemes``) declares its inputs as a pydantic model,
says which date governs a case (usually the date the application was
received) and computes a verdict through an ``Evaluation``, which hands it
parameter values in force on that date and records each one it used.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from reind.core.errors import ConflictError, InvalidInputError, RuleError
from reind.core.money import Money
from reind.rules.decision import Decision, DecisionDiff, Outcome, Reason, StoredDecision, diff
from reind.rules.parameters import DatedValue, Parameter, ParameterSet
from reind.rules.values import ParamValue

InputT = TypeVar("InputT", bound=BaseModel)

IN_OPERATION = "in_operation"
"""Every scheme has this boolean parameter: the dates it took and stopped taking cases."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a formula returns: the outcome and the amount."""

    outcome: Outcome
    amount: Money


class Evaluation:
    """The context of one case: parameter look-ups that leave a trace."""

    __slots__ = ("_cache", "_parameters", "_reasons", "_trace", "as_at", "scheme")

    def __init__(
        self,
        parameters: ParameterSet,
        scheme: str,
        as_at: date,
        cache: dict[tuple[str, date], DatedValue | None],
    ) -> None:
        self._parameters = parameters
        self._cache = cache
        self.scheme = scheme
        self.as_at = as_at
        self._trace: list[DatedValue] = []
        self._reasons: list[Reason] = []

    def lookup(self, name: str) -> DatedValue | None:
        """The dated value of ``name`` in force (None if none), traced."""
        key = (name, self.as_at)
        try:
            found = self._cache[key]
        except KeyError:
            found = self._parameters.get(self.scheme, name).at(self.as_at)
            self._cache[key] = found
        if found is not None and found not in self._trace:
            self._trace.append(found)
        return found

    def optional(self, name: str) -> ParamValue | None:
        """The value of ``name`` in force, or None if it has not started or has ended."""
        found = self.lookup(name)
        return None if found is None else found.value

    def value(self, name: str) -> ParamValue:
        """The value of ``name`` in force; a RuleError if there is none."""
        found = self.optional(name)
        if found is None:
            raise RuleError(
                f"{self.scheme.upper()} has no {name} in force on {self.as_at.isoformat()}"
            )
        return found

    def money(self, name: str) -> Money:
        """A parameter in HK$."""
        return _typed(self.value(name), Money, name)

    def ratio(self, name: str) -> Fraction:
        """A ratio or multiplier parameter, exact."""
        return _typed(self.value(name), Fraction, name)

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
        """Add one bilingual sentence to the decision's reasons."""
        self._reasons.append(Reason(code, en, zh))

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """The reasons so far."""
        return tuple(self._reasons)

    @property
    def trace(self) -> tuple[DatedValue, ...]:
        """Every parameter value used so far, in the order first used."""
        return tuple(self._trace)


T = TypeVar("T")


def _typed(value: ParamValue, kind: type[T], name: str) -> T:
    if kind is int and isinstance(value, bool):
        raise RuleError(f"parameter {name} is a boolean, not a number")
    if not isinstance(value, kind):
        raise RuleError(f"parameter {name} is {type(value).__name__}, not {kind.__name__}")
    return value


class Scheme(ABC, Generic[InputT]):
    """A funding scheme: its identity, its inputs and its formula."""

    code: ClassVar[str]
    """Lower-case id; also the folder of its parameters (``rfs``)."""
    label: ClassVar[str]
    """Short name people use (``RFS``)."""
    aliases: ClassVar[tuple[str, ...]] = ()
    """Other names it is known by (``NIFS``)."""
    catalogue_order: ClassVar[int] = 100
    """Position in the catalogue (lower first)."""
    title_en: ClassVar[str]
    title_zh: ClassVar[str]
    administrator_en: ClassVar[str]
    administrator_zh: ClassVar[str]
    summary_en: ClassVar[str]
    summary_zh: ClassVar[str]
    inputs: ClassVar[type[BaseModel]]

    @abstractmethod
    def governing_date(self, case: InputT) -> date:
        """The date whose rules govern the case (e.g. the date received)."""

    @abstractmethod
    def evaluate(self, case: InputT, ev: Evaluation) -> Verdict:
        """Apply the formula, adding reasons to ``ev``."""

    def title(self, lang: str) -> str:
        """The scheme's full title in ``lang``."""
        return self.title_zh if lang == "zh-Hant" else self.title_en

    def summary(self, lang: str) -> str:
        """One sentence on what the scheme pays for, in ``lang``."""
        return self.summary_zh if lang == "zh-Hant" else self.summary_en


class Engine:
    """All schemes with their parameters, ready to decide cases."""

    def __init__(self, schemes: Iterable[Scheme[Any]], parameters: ParameterSet) -> None:
        self.parameters = parameters
        self._schemes: dict[str, Scheme[Any]] = {}
        self._names: dict[str, str] = {}
        self._cache: dict[str, dict[tuple[str, date], DatedValue | None]] = {}
        for scheme in schemes:
            self._schemes[scheme.code] = scheme
            self._cache[scheme.code] = {}
            for name in (scheme.code, scheme.label, *scheme.aliases):
                self._names[name.lower()] = scheme.code
            parameters.get(scheme.code, IN_OPERATION)  # every scheme must say when it ran

    @property
    def rules_version(self) -> str:
        """Content hash of every parameter and formula file."""
        return self.parameters.version

    @property
    def schemes(self) -> list[Scheme[Any]]:
        """Every scheme, in catalogue order."""
        return list(self._schemes.values())

    def scheme(self, name: str) -> Scheme[Any]:
        """A scheme by code, label or alias, case-insensitive."""
        code = self._names.get(name.strip().lower())
        if code is None:
            known = ", ".join(s.label for s in self._schemes.values())
            raise RuleError(f"unknown scheme {name!r}; known schemes: {known}")
        return self._schemes[code]

    def parse_inputs(self, scheme: Scheme[Any], inputs: Mapping[str, Any]) -> BaseModel:
        """Validate raw inputs against the scheme's model, with one clear message."""
        try:
            return scheme.inputs.model_validate(dict(inputs))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'input'}: {err['msg']}"
                for err in exc.errors()
            )
            raise InvalidInputError(f"{scheme.label}: {problems}") from None

    def decide(
        self, name: str, inputs: Mapping[str, Any] | BaseModel, as_of: date | None = None
    ) -> Decision:
        """Decide a case; ``as_of`` overrides the governing date (what-if)."""
        scheme = self.scheme(name)
        case = inputs if isinstance(inputs, BaseModel) else self.parse_inputs(scheme, inputs)
        as_at = as_of or scheme.governing_date(case)
        ev = Evaluation(self.parameters, scheme.code, as_at, self._cache[scheme.code])
        verdict = self._run(scheme, case, ev)
        return Decision(
            scheme=scheme.code,
            as_at=as_at,
            as_of_override=as_of is not None,
            outcome=verdict.outcome,
            amount=verdict.amount,
            reasons=ev.reasons,
            trace=ev.trace,
            rules_version=self.parameters.version,
            inputs=case.model_dump(mode="json"),
        )

    def _run(self, scheme: Scheme[Any], case: BaseModel, ev: Evaluation) -> Verdict:
        operating = ev.lookup(IN_OPERATION)
        if operating is None:
            first = self.parameters.get(scheme.code, IN_OPERATION).values[0].effective_from
            raise RuleError(
                f"{scheme.label} did not exist on {ev.as_at.isoformat()}: "
                f"it started on {first.isoformat()}"
            )
        if operating.value is not True:
            ev.reason(
                "scheme_closed",
                f"{scheme.label} was not taking applications on {ev.as_at.isoformat()} "
                f"(closed from {operating.effective_from.isoformat()}).",
                f"{scheme.label}於{ev.as_at.isoformat()}並不接受申請"
                f"（自{operating.effective_from.isoformat()}起停止）。",
            )
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        return scheme.evaluate(case, ev)

    def reproduce(self, stored: StoredDecision) -> Decision:
        """Recompute a stored decision from its inputs under the current rules.

        Refuses (ConflictError) when the rules have changed since, because
        then the result could differ for reasons that are not the case's.
        """
        if stored.rules_version != self.rules_version:
            raise ConflictError(
                f"decision was made under rules {stored.rules_version}, "
                f"current rules are {self.rules_version}",
                stored=stored.rules_version,
                current=self.rules_version,
            )
        return self.decide(
            stored.scheme, stored.inputs, stored.as_at if stored.as_of_override else None
        )

    def rerun_as_of(self, stored: StoredDecision, as_of: date) -> DecisionDiff:
        """Re-run a stored case as at another date and show what changed."""
        original = self.decide(
            stored.scheme, stored.inputs, stored.as_at if stored.as_of_override else None
        )
        return diff(original, self.decide(stored.scheme, stored.inputs, as_of))

    def in_force(self, name: str, day: date) -> list[tuple[Parameter, DatedValue | None]]:
        """Each parameter of a scheme with the value in force on ``day``."""
        scheme = self.scheme(name)
        return [(p, p.at(day)) for p in self.parameters.of_scheme(scheme.code)]
