"""What a rule change would have cost: every application it can touch re-decided twice.

``portfolio_whatif`` reads the applications received by a date (their
scheme, the enterprise's industry and the case screening would decide) of
each scheme whose parameters the change touches, decides each one under
the rules as they are and under the changed rules (``reind.rules.whatif``),
each at its own governing date, and totals the difference by scheme and by
industry, with the applications whose outcome or amount changes. Cases are
decided scheme by scheme in bulk: as columns (``Engine.decide_columns``)
where the scheme has a formula over columns, else ``Engine.decide_many``;
both give the decisions ``decide`` gives one by one (their parity tests).

A formula reads only its own scheme's parameters, so a scheme the change
does not touch can neither gain nor lose a dollar: its applications are not
read at all (a change to RFS's cap need not re-decide 115,000 EMF cases).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from reind.core.errors import InvalidInputError, ReindError
from reind.core.money import Money
from reind.programme.applications.transitions import screening_case
from reind.rules.branches import OUTCOMES
from reind.rules.engine import Engine, Scheme
from reind.rules.evaluation import dump_case

CASES = (
    "SELECT a.id, a.scheme, e.industry, a.facts FROM applications a "
    "JOIN enterprises e ON e.id = a.enterprise_id "
    "WHERE a.received IS NOT NULL AND a.received <= :as_of AND a.scheme IN :schemes "
    "ORDER BY a.scheme, a.id"
)
"""The portfolio of some schemes as at a date: what each application is, whose, its case."""


@dataclass(frozen=True, slots=True)
class Line:
    """Totals for one scheme or one (scheme, industry): before, after, how many changed."""

    scheme: str
    industry: str | None
    applications: int
    affected: int
    before: Money
    after: Money

    @property
    def difference(self) -> Money:
        """After less before."""
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class WhatIf:
    """The portfolio's totals under both rules, by scheme and by industry."""

    as_of: date
    by_scheme: tuple[Line, ...]
    by_industry: tuple[Line, ...]
    undecidable: int
    """Applications whose stored facts are not a complete case (e.g. drafts): left out."""

    @property
    def before(self) -> Money:
        """Total grants under the rules as they are."""
        return sum((line.before for line in self.by_scheme), Money.zero())

    @property
    def after(self) -> Money:
        """Total grants under the changed rules."""
        return sum((line.after for line in self.by_scheme), Money.zero())

    @property
    def affected(self) -> int:
        """Applications whose outcome or amount changes."""
        return sum(line.affected for line in self.by_scheme)


def _cases(
    session: Session, as_of: date, schemes: list[str]
) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    query = text(CASES).bindparams(bindparam("schemes", expanding=True))
    for app_id, scheme, industry, facts in session.execute(
        query, {"as_of": as_of, "schemes": schemes}
    ):
        yield app_id, scheme, industry, json.loads(facts or "{}")


def touched(current: Engine, changed: Engine) -> list[str]:
    """The codes of the schemes whose parameters differ between the two engines."""
    return [
        s.code
        for s in current.schemes
        if current.parameters.of_scheme(s.code) != changed.parameters.of_scheme(s.code)
    ]


def _case(
    session: Session, engine: Engine, scheme: Scheme[Any], app_id: str, facts: dict[str, Any]
) -> BaseModel | None:
    """The application's case: its stored facts where they are a whole case, else screening's.

    Imports and the seed store the whole case as an application's facts;
    one made through the portal stores only the applicant's answers, and
    screening adds its budget total, the register's entries and the group's
    earlier approvals (``screening_case``). None when neither is a case.
    """
    try:
        return engine.parse_inputs(scheme, facts)
    except ReindError:
        pass
    try:
        return engine.parse_inputs(scheme, screening_case(session, app_id, engine))
    except ReindError:
        return None


Result = tuple[int, int]
"""One case's outcome (its code in ``OUTCOMES``) and amount in cents."""


def _results(
    current: Engine, changed: Engine, scheme: Scheme[Any], cases: list[BaseModel], columns: bool
) -> tuple[list[Result], list[Result]]:
    """Each case's result under ``current`` and under ``changed``, in order.

    As columns where the scheme has a formula over them (numpy: a tenth of
    the time or less); case by case where it has none, or where a case does
    not fit its columns (an R&D claim with dated parts).
    """
    if columns and scheme.vectorised is not None:
        try:
            given = scheme.columns_of([dump_case(case) for case in cases])
        except InvalidInputError:
            given = None
        if given is not None:
            old = current.decide_columns(scheme.code, given)
            new = changed.decide_columns(scheme.code, given)
            return (
                list(zip(old.outcomes.tolist(), old.amount_cents.tolist(), strict=True)),
                list(zip(new.outcomes.tolist(), new.amount_cents.tolist(), strict=True)),
            )
    codes = {outcome: code for code, outcome in enumerate(OUTCOMES)}
    before, after = (
        [(codes[d.outcome], d.amount.cents) for d in engine.decide_many(scheme.code, cases)]
        for engine in (current, changed)
    )
    return before, after


def portfolio_whatif(
    session: Session, current: Engine, changed: Engine, as_of: date, *, columns: bool = True
) -> WhatIf:
    """Every application received by ``as_of`` of a scheme the change touches, decided under
    ``current`` and ``changed``.

    ``columns=False`` decides every case one by one (``decide_many``): the same
    result, slower; ``bench/whatif.py`` times it as the peer of the columnar path.
    """
    schemes_touched = touched(current, changed)
    grouped: dict[str, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    if not schemes_touched:
        return WhatIf(as_of, (), (), 0)
    for app_id, code, industry, facts in _cases(session, as_of, schemes_touched):
        grouped[code].append((app_id, industry, facts))
    schemes: list[Line] = []
    industries: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    undecidable = 0
    for code, rows in grouped.items():
        scheme = current.scheme(code)
        parsed, kept = [], []
        for app_id, industry, facts in rows:
            case = _case(session, current, scheme, app_id, facts)
            if case is None:
                undecidable += 1
                continue
            parsed.append(case)
            kept.append(industry)
        before, after = _results(current, changed, scheme, parsed, columns)
        totals = [0, 0, 0]
        for industry, old, new in zip(kept, before, after, strict=True):
            moved = old != new
            line = industries[(code, industry)]
            line[0] += 1
            line[1] += moved
            line[2] += old[1]
            line[3] += new[1]
            totals[0] += moved
            totals[1] += old[1]
            totals[2] += new[1]
        schemes.append(Line(code, None, len(parsed), totals[0], Money(totals[1]), Money(totals[2])))
    by_industry = tuple(
        Line(code, industry, n, moved, Money(old), Money(new))
        for (code, industry), (n, moved, old, new) in sorted(industries.items())
    )
    return WhatIf(as_of, tuple(schemes), by_industry, undecidable)


def write_chart(result: WhatIf, title: str, path: str) -> None:
    """A bar chart of the difference in total grants by scheme and industry (PNG or SVG)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    lines = [line for line in result.by_industry if line.difference.cents] or list(result.by_scheme)
    labels = [
        f"{line.scheme} / {line.industry}" if line.industry else line.scheme for line in lines
    ]
    values = [line.difference.cents / 100 / 1_000_000 for line in lines]
    figure, axes = plt.subplots(figsize=(8, 0.4 * len(lines) + 1.5))
    axes.barh(labels, values, color=["#2a7" if v >= 0 else "#c33" for v in values])
    axes.set_xlabel("difference in total grants, HK$ million / 資助總額差額（百萬港元）")
    axes.set_title(title, fontsize=9)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


__all__ = ["CASES", "Line", "WhatIf", "portfolio_whatif", "touched", "write_chart"]
