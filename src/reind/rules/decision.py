"""A Decision: what a scheme's formula concluded about one case, and why.

It carries its inputs, the date the rules were read "as at", the content
hash of the rules, bilingual reasons and the trace of every parameter used,
so anyone can see why the amount is what it is and recompute it exactly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from reind.core.money import Money
from reind.rules.parameters import ChosenValue, DatedValue

UNVERIFIED = "C"
"""The confidence tag of a fact from a single third-party source or a guess."""


class Outcome(StrEnum):
    """Eligible, ineligible, or tentative because data is missing."""

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    TENTATIVE = "tentative"


class Reason:
    """One sentence of explanation, in English and Traditional Chinese.

    ``Reason(code, en, zh)`` holds finished sentences. Given ``values``, ``en``
    and ``zh`` are ``str.format`` templates filled in only when a sentence is
    first read: most decisions computed in bulk are stored or summed, not read,
    and formatting amounts is most of the cost of explaining them. Values must
    be immutable (Money, Fraction, str, int...) so the text never changes.
    """

    __slots__ = ("_en", "_values", "_zh", "code")

    def __init__(
        self, code: str, en: str, zh: str, values: Mapping[str, object] | None = None
    ) -> None:
        self.code = code
        self._en = en
        self._zh = zh
        self._values = values

    def _render(self) -> None:
        values = self._values
        if values is not None:
            self._en = self._en.format_map(values)
            self._zh = self._zh.format_map(values)
            self._values = None

    @property
    def en(self) -> str:
        """The sentence in English."""
        if self._values is not None:
            self._render()
        return self._en

    @property
    def zh(self) -> str:
        """The sentence in Traditional Chinese (Hong Kong)."""
        if self._values is not None:
            self._render()
        return self._zh

    def text(self, lang: str) -> str:
        """The sentence in ``lang`` ("en" or "zh-Hant")."""
        return self.zh if lang == "zh-Hant" else self.en

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Reason):
            return NotImplemented
        return (self.code, self.en, self.zh) == (other.code, other.en, other.zh)

    def __hash__(self) -> int:
        return hash((self.code, self.en, self.zh))

    def __repr__(self) -> str:
        return f"Reason(code={self.code!r}, en={self.en!r}, zh={self.zh!r})"


@dataclass(frozen=True, slots=True, init=False)
class Decision:
    """The result of evaluating one case under one scheme."""

    scheme: str
    as_at: date
    as_of_override: bool
    outcome: Outcome
    amount: Money
    reasons: tuple[Reason, ...]
    trace: tuple[DatedValue, ...]
    rules_version: str
    inputs: dict[str, Any]

    def __init__(
        self,
        scheme: str,
        as_at: date,
        as_of_override: bool,
        outcome: Outcome,
        amount: Money,
        reasons: tuple[Reason, ...],
        trace: tuple[DatedValue, ...],
        rules_version: str,
        inputs: dict[str, Any],
    ) -> None:
        # Decisions are made by the million in bulk runs: setting the slots
        # through their descriptors halves the cost of the generated frozen
        # __init__ (one object.__setattr__ call per field) and stays frozen.
        _set_scheme(self, scheme)
        _set_as_at(self, as_at)
        _set_as_of_override(self, as_of_override)
        _set_outcome(self, outcome)
        _set_amount(self, amount)
        _set_reasons(self, reasons)
        _set_trace(self, trace)
        _set_rules_version(self, rules_version)
        _set_inputs(self, inputs)

    @property
    def unverified(self) -> tuple[DatedValue, ...]:
        """The parameter values used that rest on an unverified [C] fact."""
        return tuple(t for t in self.trace if t.confidence == UNVERIFIED)

    @property
    def provisional(self) -> bool:
        """True when any value the decision used is unverified [C]: it must be checked."""
        return any(t.confidence == UNVERIFIED for t in self.trace)

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict that ``from_json`` turns back into this decision."""
        return {
            "scheme": self.scheme,
            "as_at": self.as_at.isoformat(),
            "as_of_override": self.as_of_override,
            "outcome": self.outcome.value,
            "amount": str(self.amount.amount),
            "reasons": [{"code": r.code, "en": r.en, "zh-Hant": r.zh} for r in self.reasons],
            "trace": [_traced(t) for t in self.trace],
            "rules_version": self.rules_version,
            "inputs": self.inputs,
            "provisional": self.provisional,
            "unverified": [
                {
                    "parameter": t.parameter,
                    "value": t.shown,
                    "effective_from": t.effective_from.isoformat(),
                    "source": t.source,
                    "note": t.note,
                }
                for t in self.unverified
            ],
        }

    def dumps(self) -> str:
        """Canonical JSON text (sorted keys) for storage and comparison."""
        return json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False)

    def same_result_as(self, other: Decision) -> bool:
        """True when outcome, amount, reasons and trace are identical."""
        return (
            self.outcome == other.outcome
            and self.amount == other.amount
            and self.reasons == other.reasons
            and [t.shown for t in self.trace] == [t.shown for t in other.trace]
            and [(t.parameter, t.effective_from) for t in self.trace]
            == [(t.parameter, t.effective_from) for t in other.trace]
        )


def _traced(t: DatedValue) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "parameter": t.parameter,
        "value": t.shown,
        "effective_from": t.effective_from.isoformat(),
        "source": t.source,
        "confidence": t.confidence,
    }
    if isinstance(t, ChosenValue) and t.event_date is not None:
        # only values chosen by another date say so: older decisions' JSON is unchanged
        entry["chosen_by"] = {"event": t.event, "date": t.event_date.isoformat()}
    return entry


_SlotSetter = Callable[[Decision, Any], None]
_set_scheme: _SlotSetter = Decision.__dict__["scheme"].__set__
_set_as_at: _SlotSetter = Decision.__dict__["as_at"].__set__
_set_as_of_override: _SlotSetter = Decision.__dict__["as_of_override"].__set__
_set_outcome: _SlotSetter = Decision.__dict__["outcome"].__set__
_set_amount: _SlotSetter = Decision.__dict__["amount"].__set__
_set_reasons: _SlotSetter = Decision.__dict__["reasons"].__set__
_set_trace: _SlotSetter = Decision.__dict__["trace"].__set__
_set_rules_version: _SlotSetter = Decision.__dict__["rules_version"].__set__
_set_inputs: _SlotSetter = Decision.__dict__["inputs"].__set__


@dataclass(frozen=True, slots=True)
class StoredDecision:
    """A decision as read back from storage: what is needed to recompute it."""

    scheme: str
    as_at: date
    as_of_override: bool
    outcome: Outcome
    amount: Money
    rules_version: str
    inputs: dict[str, Any]
    document: dict[str, Any]

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> StoredDecision:
        """Read back what ``Decision.to_json`` wrote."""
        return cls(
            scheme=document["scheme"],
            as_at=date.fromisoformat(document["as_at"]),
            as_of_override=bool(document["as_of_override"]),
            outcome=Outcome(document["outcome"]),
            amount=Money.of(document["amount"]),
            rules_version=document["rules_version"],
            inputs=document["inputs"],
            document=document,
        )


@dataclass(frozen=True, slots=True)
class ParameterChange:
    """A parameter whose value in force differs between two decisions."""

    parameter: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class DecisionDiff:
    """How re-running a case as at another date changed its decision."""

    before: Decision
    after: Decision
    parameters: tuple[ParameterChange, ...]

    @property
    def changed(self) -> bool:
        """True when outcome or amount differ."""
        return self.before.outcome != self.after.outcome or self.before.amount != self.after.amount


def diff(before: Decision, after: Decision) -> DecisionDiff:
    """Compare two decisions of the same case, parameter by parameter."""
    old = {t.parameter: t.shown for t in before.trace}
    new = {t.parameter: t.shown for t in after.trace}
    changes = [
        ParameterChange(name, old.get(name, "(not used)"), new.get(name, "(not used)"))
        for name in sorted(old.keys() | new.keys())
        if old.get(name) != new.get(name)
    ]
    return DecisionDiff(before, after, tuple(changes))
