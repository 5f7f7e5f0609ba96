"""The engine: evaluates a scheme's formula for a case "as at" a date.

A scheme (``rules.scheme.Scheme``, written in ``reind.schemes``) declares its inputs,
says which date governs a case (usually the date the application was
received) and computes a verdict through an ``Evaluation``, which hands it
parameter values in force on that date and records each one it used.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from reind.core.errors import ConflictError, InvalidInputError, RuleError
from reind.core.money import Money
from reind.rules.decision import Decision, DecisionDiff, Outcome, StoredDecision, diff
from reind.rules.evaluation import (
    IN_OPERATION,
    Evaluation,
    InForce,
    Verdict,
    closed_wording,
    dump_case,
)
from reind.rules.parameters import DatedValue, Parameter, ParameterSet
from reind.rules.problems import input_problems
from reind.rules.scheme import Batch, ColumnFormula, Scheme

if TYPE_CHECKING:  # numpy is imported only where cases are decided as columns
    from numpy.typing import ArrayLike

    from reind.rules.batch import DecisionBatch

__all__ = [
    "IN_OPERATION",
    "Batch",
    "ColumnFormula",
    "Engine",
    "Evaluation",
    "InForce",
    "Scheme",
    "Verdict",
]


class Engine:
    """All schemes with their parameters, ready to decide cases."""

    def __init__(self, schemes: Iterable[Scheme[Any]], parameters: ParameterSet) -> None:
        self.parameters = parameters
        self._schemes: dict[str, Scheme[Any]] = {}
        self._names: dict[str, str] = {}
        self._in_force: dict[tuple[str, date], InForce] = {}
        for scheme in schemes:
            self._schemes[scheme.code] = scheme
            for name in (scheme.code, scheme.label, *scheme.aliases):
                self._names[name.lower()] = scheme.code
            if not parameters.declares(scheme.code, IN_OPERATION):  # each says when it ran
                parameters.get(scheme.code, IN_OPERATION)  # raises, naming it

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
            raise RuleError(
                "unknown scheme “{name}”; known schemes: {known}", name=name, known=known
            )
        return self._schemes[code]

    def parse_inputs(self, scheme: Scheme[Any], inputs: Mapping[str, Any]) -> BaseModel:
        """Validate raw inputs against the scheme's model, with one clear message."""
        try:
            return scheme.inputs.model_validate(dict(inputs))
        except ValidationError as exc:
            raise InvalidInputError(
                "{scheme}: {problems}", scheme=scheme.label, problems=input_problems(exc)
            ) from None

    def decide(
        self, name: str, inputs: Mapping[str, Any] | BaseModel, as_of: date | None = None
    ) -> Decision:
        """Decide a case; ``as_of`` overrides the governing date (what-if)."""
        scheme = self.scheme(name)
        case = inputs if isinstance(inputs, BaseModel) else self.parse_inputs(scheme, inputs)
        as_at = as_of or scheme.governing_date(case)
        ev = Evaluation(self._resolved(scheme.code, as_at))
        verdict = self._run(scheme, case, ev)
        return Decision(
            scheme.code,
            as_at,
            as_of is not None,
            verdict.outcome,
            verdict.amount,
            ev.reasons,
            ev.trace,
            self.parameters.version,
            dump_case(case),
        )

    def decide_columns(
        self, name: str, columns: Mapping[str, ArrayLike], as_of: date | None = None
    ) -> DecisionBatch:
        """Decide many cases given as columns; a columnar result with per-case traces.

        Each column is one input of every case (the scheme's ``check_columns``
        says which). A scheme with ``evaluate_columns`` is computed a group of
        cases at a time with numpy; others case by case. ``batch[i]`` is the
        decision ``decide(name, batch.case(i), as_of)`` would give. Raises, as
        ``decide`` would, naming the first case that is invalid or dated before
        the scheme existed.
        """
        from reind.rules.batch import decide_columns

        return decide_columns(self, self.scheme(name), columns, as_of)

    def decide_many(
        self,
        name: str,
        cases: Iterable[Mapping[str, Any] | BaseModel],
        as_of: date | None = None,
    ) -> list[Decision]:
        """Decide many cases of one scheme; the same decisions as ``decide``, faster.

        Cases are grouped by the date that governs them; the parameters in
        force are resolved once per date and cases on the same date share
        one trace tuple (each decision still holds its full trace). A scheme
        with ``evaluate_batch`` computes a whole group at once. Raises, as
        ``decide`` would, if any case is invalid or dated before the scheme.
        """
        scheme = self.scheme(name)
        parsed = [
            case if isinstance(case, BaseModel) else self.parse_inputs(scheme, case)
            for case in cases
        ]
        # A bulk run allocates millions of small acyclic objects (decisions,
        # reasons, input dicts); left on, the cyclic collector re-scans all
        # of them again and again and takes most of the time. Nothing here
        # makes a cycle, so pausing it for the call loses nothing.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._decide_parsed(scheme, parsed, as_of)
        finally:
            if collecting:
                gc.enable()

    def _decide_parsed(
        self, scheme: Scheme[Any], parsed: list[BaseModel], as_of: date | None
    ) -> list[Decision]:
        groups: dict[date, list[int]] = {}
        if as_of is not None:
            groups[as_of] = list(range(len(parsed)))
        else:
            governing = scheme.governing_date
            for index, case in enumerate(parsed):
                day = governing(case)
                members = groups.get(day)
                if members is None:
                    groups[day] = [index]
                else:
                    members.append(index)
        if len(groups) == 1:
            ((as_at, _),) = groups.items()
            return self._decide_group(scheme, parsed, as_at, as_of is not None)
        decisions: list[Decision | None] = [None] * len(parsed)
        for as_at, indexes in groups.items():
            group = [parsed[i] for i in indexes]
            for index, decision in zip(
                indexes, self._decide_group(scheme, group, as_at, as_of is not None), strict=True
            ):
                decisions[index] = decision
        return decisions  # type: ignore[return-value]  # every slot was filled above

    def _decide_group(
        self, scheme: Scheme[Any], cases: list[BaseModel], as_at: date, override: bool
    ) -> list[Decision]:
        in_force = self._resolved(scheme.code, as_at)
        version = self.parameters.version
        code = scheme.code
        batch_ev = Evaluation(in_force)
        closed = self._closed(scheme, batch_ev)
        if closed is not None:
            trace, reasons = batch_ev.trace, batch_ev.reasons
            return [
                Decision(code, as_at, override, closed.outcome, closed.amount, reasons, trace,
                         version, dump_case(case))
                for case in cases
            ]  # fmt: skip
        results = scheme.evaluate_batch(cases, batch_ev)
        if results is not None:
            trace = batch_ev.trace
            return [
                Decision(code, as_at, override, outcome, amount, reasons, trace, version,
                         dump_case(case))
                for case, (outcome, amount, reasons) in zip(cases, results, strict=True)
            ]  # fmt: skip
        decisions = []
        evaluate = scheme.evaluate
        for case in cases:
            ev = Evaluation(in_force)
            ev.lookup(IN_OPERATION)
            verdict = evaluate(case, ev)
            decisions.append(
                Decision(code, as_at, override, verdict.outcome, verdict.amount, ev.reasons,
                         ev.trace, version, dump_case(case))
            )  # fmt: skip
        return decisions

    def resolved(self, code: str, as_at: date) -> InForce:
        """The parameters of scheme ``code`` in force on ``as_at``, resolved once."""
        return self._resolved(code, as_at)

    def _resolved(self, code: str, as_at: date) -> InForce:
        """The parameters of scheme ``code`` in force on ``as_at``, resolved once."""
        key = (code, as_at)
        found = self._in_force.get(key)
        if found is None:
            found = self._in_force[key] = InForce(self.parameters, code, as_at)
        return found

    def _run(self, scheme: Scheme[Any], case: BaseModel, ev: Evaluation) -> Verdict:
        closed = self._closed(scheme, ev)
        return scheme.evaluate(case, ev) if closed is None else closed

    def _closed(self, scheme: Scheme[Any], ev: Evaluation) -> Verdict | None:
        """The verdict when the scheme was not taking cases on the date, else None."""
        operating = ev.lookup(IN_OPERATION)
        if operating is None:
            first = self.parameters.get(scheme.code, IN_OPERATION).values[0].effective_from
            raise RuleError(
                "{scheme} did not exist on {day}: it started on {started}",
                scheme=scheme.label,
                day=ev.as_at.isoformat(),
                started=first.isoformat(),
            )
        if operating.value is not True:
            ev.reason(*closed_wording(scheme.label, ev.as_at, operating.effective_from))
            return Verdict(Outcome.INELIGIBLE, Money.zero())
        return None

    def reproduce(self, stored: StoredDecision) -> Decision:
        """Recompute a stored decision from its inputs under the current rules.

        Refuses (ConflictError) when the rules have changed since, because
        then the result could differ for reasons that are not the case's.
        """
        if stored.rules_version != self.rules_version:
            raise ConflictError(
                "decision was made under rules {stored}, current rules are {current}",
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
