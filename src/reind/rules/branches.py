"""A formula's paths in words: what each reads and says, without numpy.

A scheme's per-case formula and its formula over columns (``rules.columns``)
give the same reasons: both speak through the ``ReasonTemplate`` objects a
scheme module declares, and the columnar formula names each case's path as
a ``Branch``. They live here, apart from numpy, so that deciding one case
(``reind grant``) does not pay for importing numpy (a fifth of its start-up).
"""

from __future__ import annotations

from dataclasses import dataclass

from reind.rules.decision import Outcome

OUTCOMES: tuple[Outcome, ...] = (Outcome.ELIGIBLE, Outcome.INELIGIBLE, Outcome.TENTATIVE)
"""Outcome by code: the values of ``ColumnVerdict.outcomes`` index this tuple."""
ELIGIBLE, INELIGIBLE, TENTATIVE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class ReasonTemplate:
    """One reason a branch gives: code and ``str.format`` templates in both languages."""

    code: str
    en: str
    zh: str


@dataclass(frozen=True, slots=True)
class Branch:
    """One path through a formula: what it reads and what it says.

    ``parameters`` are looked up in this order (after ``in_operation``, which
    the engine reads first); one not in force on the date is left out of the
    trace, as ``Evaluation.lookup`` leaves it out.
    """

    parameters: tuple[str, ...]
    reasons: tuple[ReasonTemplate, ...]


__all__ = ["ELIGIBLE", "INELIGIBLE", "OUTCOMES", "TENTATIVE", "Branch", "ReasonTemplate"]
