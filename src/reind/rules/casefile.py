"""Rules tests policy staff can write: YAML files of cases and what each must give.

One file per scheme (``reind/schemes/cases/<code>.yaml``), a list of cases,
each with its inputs and the expected outcome and amount, in the spirit of
OpenFisca's YAML tests; ``reind rules test [PATH]`` runs them without
writing Python, and CI runs every packaged file::

    - name: RFS pays a third of the cost, up to HK$15M
      scheme: rfs                # optional: the file's name by default
      inputs: {received: 2021-06-01, total_cost: 54000000}
      as_of: 2021-08-31          # optional: decide as at this date
      expect:
        outcome: tentative       # eligible | tentative | ineligible
        amount: 15000000.00      # HK$, to the cent
        reasons: [project_cap]   # optional: reason codes that must be there
        provisional: false       # optional
    - name: A date before the scheme existed is refused
      inputs: {received: 2019-01-01, total_cost: 1000000}
      expect:
        error: did not exist     # the error message must contain this
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from reind.core.errors import InvalidInputError, ReindError
from reind.rules.decision import Decision

Decide = Callable[[str, Mapping[str, Any], date | None], Decision]
"""How a case is decided: (scheme, inputs, as_of) -> Decision (the caller's one path)."""

_CASE_KEYS = {"name", "scheme", "inputs", "as_of", "expect"}
_EXPECT_KEYS = {"outcome", "amount", "reasons", "provisional", "error"}


@dataclass(frozen=True, slots=True)
class Case:
    """One case of a file: where it is, what goes in, what must come out."""

    path: Path
    number: int
    name: str
    scheme: str
    inputs: dict[str, Any]
    as_of: date | None
    expect: dict[str, Any]

    @property
    def where(self) -> str:
        """``file.yaml #3 (name)`` for messages."""
        return f"{self.path.name} #{self.number} ({self.name})"


@dataclass(frozen=True, slots=True)
class Result:
    """A case run: the problems found (none when it passed)."""

    case: Case
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """True when the decision was what the file expects."""
        return not self.problems


def case_files(path: Path) -> list[Path]:
    """The YAML files at ``path`` (a file, or every ``*.yaml`` in a folder, sorted)."""
    if path.is_dir():
        return sorted(path.glob("*.yaml"))
    if path.is_file():
        return [path]
    raise InvalidInputError(f"{path}: no such file or folder of rules tests")


def load_cases(path: Path) -> list[Case]:
    """The cases of one file; a clear error naming the file and case for any mistake."""
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidInputError(f"{path.name}: malformed YAML: {exc}") from None
    if not isinstance(loaded, list) or not loaded:
        raise InvalidInputError(f"{path.name}: expected a list of cases")
    return [_case(path, number, raw) for number, raw in enumerate(loaded, start=1)]


def _case(path: Path, number: int, raw: object) -> Case:
    where = f"{path.name} #{number}"
    if not isinstance(raw, dict):
        raise InvalidInputError(f"{where}: a case is a mapping with name, inputs and expect")
    unknown = set(raw) - _CASE_KEYS
    if unknown:
        raise InvalidInputError(f"{where}: unknown keys {sorted(unknown)}; known: "
                                f"{sorted(_CASE_KEYS)}")  # fmt: skip
    inputs, expect = raw.get("inputs"), raw.get("expect")
    if not isinstance(inputs, dict) or not isinstance(expect, dict) or not expect:
        raise InvalidInputError(f"{where}: inputs and expect must be mappings")
    odd = set(expect) - _EXPECT_KEYS
    if odd:
        raise InvalidInputError(f"{where}: unknown expectations {sorted(odd)}; known: "
                                f"{sorted(_EXPECT_KEYS)}")  # fmt: skip
    if "error" not in expect and not {"outcome", "amount"} <= set(expect):
        raise InvalidInputError(f"{where}: expect needs outcome and amount (or error)")
    as_of = raw.get("as_of")
    if as_of is not None and not isinstance(as_of, date):
        raise InvalidInputError(f"{where}: as_of must be a date YYYY-MM-DD")
    return Case(
        path,
        number,
        str(raw.get("name") or f"case {number}"),
        str(raw.get("scheme") or path.stem),
        {str(k): _plain(v) for k, v in inputs.items()},
        as_of,
        expect,
    )


def _plain(value: Any) -> Any:
    """YAML's dates and numbers as the JSON-like values a scheme's model takes."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(value)  # never a binary float for money
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def run_case(case: Case, decide: Decide) -> Result:
    """Decide ``case`` and compare with what it expects."""
    expect = case.expect
    try:
        decision = decide(case.scheme, case.inputs, case.as_of)
    except ReindError as exc:
        wanted = expect.get("error")
        if wanted is not None and str(wanted) in str(exc):
            return Result(case, ())
        return Result(case, (f"error: {exc}",))
    if "error" in expect:
        return Result(case, (f"expected an error containing {expect['error']!r}, got "
                             f"{decision.outcome.value} {decision.amount}",))  # fmt: skip
    return Result(case, tuple(_compare(decision, expect)))


def _compare(decision: Decision, expect: Mapping[str, Any]) -> Iterator[str]:
    if decision.outcome.value != str(expect["outcome"]):
        yield f"outcome: expected {expect['outcome']}, got {decision.outcome.value}"
    try:
        amount = Decimal(str(expect["amount"]).replace(",", ""))
    except InvalidOperation:
        yield f"amount: {expect['amount']!r} is not an amount"
    else:
        if decision.amount.amount != amount:
            yield f"amount: expected {amount:,.2f}, got {decision.amount.amount:,.2f}"
    codes = {r.code for r in decision.reasons}
    missing = [c for c in expect.get("reasons", []) if c not in codes]
    if missing:
        yield f"reasons: expected {missing} among {sorted(codes)}"
    if "provisional" in expect and decision.provisional is not bool(expect["provisional"]):
        yield f"provisional: expected {expect['provisional']}, got {decision.provisional}"


def run_files(paths: Iterable[Path], decide: Decide) -> list[Result]:
    """Every case of every file, in order."""
    return [run_case(case, decide) for path in paths for case in load_cases(path)]


__all__ = ["Case", "Decide", "Result", "case_files", "load_cases", "run_case", "run_files"]
