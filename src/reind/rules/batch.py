"""Deciding cases given as columns, and the columnar result: ``DecisionBatch``.

``Engine.decide_columns`` runs here. Cases are grouped not by date but by
*epoch*: the stretch between two dates on which any of the scheme's
parameters changes. Every case in an epoch reads exactly the same dated
values, so the parameters are resolved once per epoch and the scheme's
vectorised formula runs once per epoch over all its cases; a few thousand
received dates become a handful of calls (ADR 0051).

The result keeps arrays (outcome codes, amounts in cents, a trace index per
case into a small table of shared trace tuples) and makes a ``Decision`` only
for the case asked for, identical to what ``Engine.decide`` gives that case.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reind.core.errors import InvalidInputError, RuleError
from reind.core.money import Money
from reind.rules.columns import (
    INELIGIBLE,
    OUTCOMES,
    Branch,
    ColumnEvaluation,
    Columns,
    ColumnVerdict,
    day_of,
)
from reind.rules.decision import Decision, Reason
from reind.rules.evaluation import IN_OPERATION, InForce, closed_wording, dump_case
from reind.rules.parameters import ChosenValue, DatedValue

if TYPE_CHECKING:
    from reind.rules.engine import Engine, Scheme

_CODES = {outcome: code for code, outcome in enumerate(OUTCOMES)}


@dataclass(frozen=True, slots=True)
class _Part:
    """The cases of one epoch: their verdict, or the date the scheme closed on them."""

    verdict: ColumnVerdict | None
    closed_since: date | None
    members: NDArray[np.intp] | None
    """The cases of the epoch, ascending (None: every case of the batch)."""

    def reasons(self, case: int, label: str, as_at: date) -> tuple[Reason, ...]:
        if self.verdict is not None:
            members = self.members
            row = case if members is None else int(np.searchsorted(members, case))
            return self.verdict.reasons(row)
        assert self.closed_since is not None
        return (Reason(*closed_wording(label, as_at, self.closed_since)),)


class DecisionBatch(Sequence[Decision]):
    """Decisions of many cases of one scheme, held as columns.

    ``outcomes`` (codes into ``reind.rules.columns.OUTCOMES``), ``amount_cents``,
    ``as_at`` and ``trace_index`` (into ``traces``) are arrays with one value
    per case; ``batch[i]`` is the full ``Decision`` of case ``i``, the same as
    ``engine.decide(scheme, batch.case(i))``, made when asked for.
    """

    def __init__(
        self,
        scheme: Scheme[Any],
        columns: Columns,
        *,
        as_at: NDArray[np.datetime64],
        override: bool,
        outcomes: NDArray[np.int8],
        amount_cents: NDArray[np.int64],
        trace_index: NDArray[np.int32],
        traces: Sequence[tuple[DatedValue, ...]],
        rules_version: str,
        parts: Sequence[_Part] = (),
        epoch: NDArray[Any] | None = None,
        part_by_epoch: Mapping[int, int] | None = None,
        decisions: Sequence[Decision] | None = None,
    ) -> None:
        self.scheme = scheme
        self.columns = columns
        self.as_at = as_at
        self.as_of_override = override
        self.outcomes = outcomes
        self.amount_cents = amount_cents
        self.trace_index = trace_index
        self.traces = traces
        self.rules_version = rules_version
        self._parts = parts
        self._epoch = epoch
        self._part_by_epoch = part_by_epoch or {}
        self._decisions = decisions

    @classmethod
    def of_decisions(
        cls,
        scheme: Scheme[Any],
        columns: Columns,
        decisions: Sequence[Decision],
        version: str,
        override: bool,
    ) -> DecisionBatch:
        """A batch over decisions already made (schemes without a vectorised formula)."""
        table: dict[int, int] = {}
        traces: list[tuple[DatedValue, ...]] = []
        for decision in decisions:
            if id(decision.trace) not in table:
                table[id(decision.trace)] = len(traces)
                traces.append(decision.trace)
        return cls(
            scheme,
            columns,
            as_at=np.array([d.as_at for d in decisions], dtype="datetime64[D]"),
            override=override,
            outcomes=np.array([_CODES[d.outcome] for d in decisions], dtype=np.int8),
            amount_cents=np.array([d.amount.cents for d in decisions], dtype=np.int64),
            trace_index=np.array([table[id(d.trace)] for d in decisions], dtype=np.int32),
            traces=traces,
            rules_version=version,
            decisions=decisions,
        )

    def __len__(self) -> int:
        return len(self.amount_cents)

    def _index(self, index: int) -> int:
        position = operator.index(index)
        count = len(self)
        if position < 0:
            position += count
        if not 0 <= position < count:
            raise IndexError(f"case {index} is outside a batch of {count}")
        return position

    def trace_of(self, index: int) -> tuple[DatedValue, ...]:
        """Every parameter value case ``index`` used, with date and source, in order."""
        return self.traces[int(self.trace_index[self._index(index)])]

    def case(self, index: int) -> dict[str, Any]:
        """Case ``index`` as raw inputs that ``Engine.decide`` takes."""
        return self.scheme.case_row(self.columns, self._index(index))

    def __getitem__(self, index: int) -> Decision:  # type: ignore[override]  # no slices
        """The full decision of case ``index``."""
        i = self._index(index)
        if self._decisions is not None:
            return self._decisions[i]
        scheme = self.scheme
        part = self._parts[0 if self._epoch is None else self._part_by_epoch[int(self._epoch[i])]]
        as_at = day_of(self.as_at[i])
        inputs = dump_case(scheme.inputs.model_validate(scheme.case_row(self.columns, i)))
        return Decision(
            scheme.code,
            as_at,
            self.as_of_override,
            OUTCOMES[int(self.outcomes[i])],
            Money(int(self.amount_cents[i])),
            part.reasons(i, scheme.label, as_at),
            self.traces[int(self.trace_index[i])],
            self.rules_version,
            inputs,
        )

    def __iter__(self) -> Iterator[Decision]:
        for i in range(len(self)):
            yield self[i]


def decide_columns(
    engine: Engine, scheme: Scheme[Any], given: Mapping[str, ArrayLike], as_of: date | None
) -> DecisionBatch:
    """``Engine.decide_columns``: see there."""
    arrays = {name: np.asarray(values) for name, values in given.items()}
    count = _count(arrays, scheme.label)
    columns = scheme.check_columns(arrays, count)
    if not scheme.takes_columns():
        rows = [scheme.case_row(columns, i) for i in range(count)]
        return DecisionBatch.of_decisions(
            scheme,
            columns,
            engine.decide_many(scheme.code, rows, as_of),
            engine.rules_version,
            as_of is not None,
        )
    if as_of is not None:
        as_at = np.full(count, np.datetime64(as_of, "D"))
    else:
        as_at = scheme.column_dates(columns).astype("datetime64[D]", copy=False)
    read = scheme.column_parameters
    parameters = engine.parameters.of_scheme(scheme.code)
    if read is not None:
        parameters = [p for p in parameters if p.name == IN_OPERATION or p.name in read]
    changes = sorted({v.effective_from for p in parameters for v in p.values})
    epoch = _epochs(np.array(changes, dtype="datetime64[D]"), as_at)
    present = np.flatnonzero(np.bincount(epoch, minlength=len(changes) + 1))
    # Epoch k (k >= 1) starts on changes[k - 1]; before the first change nothing is in force.
    resolved = {int(k): engine.resolved(scheme.code, changes[k - 1]) if k else None
                for k in present}  # fmt: skip
    _refuse_before_start(engine, scheme, resolved, epoch, as_at)

    single = len(present) == 1
    outcomes = np.empty(count, dtype=np.int8)
    amounts = np.empty(count, dtype=np.int64)
    trace_index = np.empty(count, dtype=np.int32)
    traces: list[tuple[DatedValue, ...]] = []
    parts: list[_Part] = []
    for k, in_force in resolved.items():
        assert in_force is not None  # _refuse_before_start raised otherwise
        members = None if single else np.flatnonzero(epoch == k)
        subset = columns if members is None else _Subset(columns, members)
        days = as_at if members is None else as_at[members]
        size = count if members is None else len(members)
        operating = in_force.get(IN_OPERATION)
        assert operating is not None
        if operating.value is True:
            verdict = scheme.evaluate_columns(subset, ColumnEvaluation(in_force, days, read))
            _check_shape(verdict, size, scheme.label)
            part = _Part(verdict, None, members)
        else:
            verdict = ColumnVerdict(
                np.full(size, INELIGIBLE, dtype=np.int8), np.zeros(size, dtype=np.int64),
                np.zeros(size, dtype=np.int8), (Branch((), ()),),
            )  # fmt: skip
            part = _Part(None, operating.effective_from, members)
        lookup = np.zeros(len(verdict.branches), dtype=np.int32)
        used = np.flatnonzero(np.bincount(verdict.branch, minlength=len(verdict.branches)))
        for branch in used:
            lookup[branch] = len(traces)
            traces.append(_trace(in_force, operating, verdict.branches[int(branch)], read))
        if members is None:
            outcomes, amounts = verdict.outcomes, verdict.amount_cents
            trace_index = np.take(lookup, verdict.branch)
        else:
            outcomes[members] = verdict.outcomes
            amounts[members] = verdict.amount_cents
            trace_index[members] = np.take(lookup, verdict.branch)
        parts.append(part)
    return DecisionBatch(
        scheme, columns, as_at=as_at, override=as_of is not None, outcomes=outcomes,
        amount_cents=amounts, trace_index=trace_index, traces=traces,
        rules_version=engine.rules_version, parts=parts, epoch=None if single else epoch,
        part_by_epoch={k: n for n, k in enumerate(resolved)},
    )  # fmt: skip


class _Subset(Mapping[str, NDArray[Any]]):
    """Some cases of every column, each column taken only when the formula reads it."""

    def __init__(self, columns: Columns, members: NDArray[np.intp]) -> None:
        self._columns = columns
        self._members = members
        self._taken: dict[str, NDArray[Any]] = {}

    def __getitem__(self, name: str) -> NDArray[Any]:
        found = self._taken.get(name)
        if found is None:
            found = self._taken[name] = self._columns[name][self._members]
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


def _epochs(changes: NDArray[np.datetime64], days: NDArray[np.datetime64]) -> NDArray[Any]:
    """For each day, how many of the (sorted) change dates fall on or before it.

    A scheme has a handful of change dates: one comparison per date is several
    times faster than ``np.searchsorted`` over a large array of days.
    """
    if len(changes) > 32:
        return np.searchsorted(changes, days, side="right")
    stamps = days.view(np.int64)
    epoch = np.zeros(len(days), dtype=np.uint8)
    for change in changes.view(np.int64):
        epoch += (stamps >= change).view(np.uint8)
    return epoch


def _count(arrays: dict[str, NDArray[Any]], label: str) -> int:
    shapes = {name: array.shape for name, array in arrays.items()}
    if any(len(shape) != 1 for shape in shapes.values()):
        raise InvalidInputError(f"{label}: every column must be one-dimensional: {shapes}")
    lengths = {shape[0] for shape in shapes.values()}
    if len(lengths) > 1:
        raise InvalidInputError(f"{label}: columns differ in length: {shapes}")
    return lengths.pop() if lengths else 0


def _refuse_before_start(
    engine: Engine,
    scheme: Scheme[Any],
    resolved: dict[int, InForce | None],
    epoch: NDArray[np.intp],
    as_at: NDArray[np.datetime64],
) -> None:
    """A RuleError naming the first case dated before the scheme existed, as ``decide``'s."""
    missing = [k for k, in_force in resolved.items()
               if in_force is None or in_force.get(IN_OPERATION) is None]  # fmt: skip
    if not missing:
        return
    first_case = int(np.argmax(np.isin(epoch, missing)))
    started = engine.parameters.get(scheme.code, IN_OPERATION).values[0].effective_from
    raise RuleError(
        f"case {first_case}: {scheme.label} did not exist on "
        f"{day_of(as_at[first_case]).isoformat()}: it started on {started.isoformat()}"
    )


def _trace(
    in_force: InForce, operating: DatedValue, branch: Branch, read: frozenset[str] | None
) -> tuple[DatedValue, ...]:
    """The trace of a branch: ``in_operation``, then each parameter read that is in force."""
    used = {IN_OPERATION: operating}
    for name in branch.parameters:
        parameter, _, event_day = name.partition("@")  # ``columns.chosen``: another date's
        if read is not None and parameter not in read:
            raise RuleError(
                f"{in_force.scheme.upper()}: a branch reads {parameter}, which the scheme's "
                "column_parameters leave out"
            )
        if event_day:
            event, _, day = event_day.rpartition("@")
            when = date.fromisoformat(day)
            found = in_force.on(when).get(parameter)
            if found is not None and name not in used:
                used[name] = ChosenValue.of(found, event, when)
            continue
        found = in_force.get(name)
        if found is not None and name not in used:
            used[name] = found
    return in_force.shared_trace(used)


def _check_shape(verdict: ColumnVerdict, size: int, label: str) -> None:
    for name in ("outcomes", "amount_cents", "branch"):
        if getattr(verdict, name).shape != (size,):
            raise RuleError(f"{label}: the vectorised formula gave {name} of the wrong length")
