"""What a scheme is to the engine: its identity, inputs and formula (``Scheme``).

Kept apart from ``Engine`` so the interface a scheme module implements reads
on its own: ``evaluate`` is the rule, per case; ``evaluate_batch`` an optional
faster loop over cases on one date; the column methods hand over to the
scheme's formula over columns (``vectorised``, a ``ColumnFormula``), imported
with numpy only when cases are decided as columns.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from pydantic import BaseModel

from reind.core.money import Money
from reind.rules.decision import Outcome, Reason
from reind.rules.evaluation import Evaluation, Verdict

if TYPE_CHECKING:  # numpy is imported only where cases are decided as columns
    import numpy as np
    from numpy.typing import NDArray

    from reind.rules.columns import ColumnEvaluation, Columns, ColumnVerdict

__all__ = ["Batch", "ColumnFormula", "InputT", "Scheme"]

InputT = TypeVar("InputT", bound=BaseModel)

Batch = Sequence[tuple[Outcome, Money, tuple[Reason, ...]]]
"""What ``Scheme.evaluate_batch`` returns: each case's outcome, amount and reasons, in order."""


class ColumnFormula(Protocol):
    """A scheme's formula over columns, kept in a module of its own (with numpy).

    The module a scheme names in ``Scheme.vectorised`` defines ``FORMULA``,
    an object with these methods; the ``Scheme`` methods of the same names
    hand over to it, so nothing imports numpy until cases are decided as
    columns. It shares the per-case formula's rule: its reason templates,
    choices and parameter names come from the scheme's module, and a parity
    test holds both to the same decisions.
    """

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        """``Scheme.check_columns``."""

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        """``Scheme.column_dates``."""

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        """``Scheme.evaluate_columns``."""

    def case_row(self, columns: Columns, index: int) -> dict[str, Any]:
        """``Scheme.case_row``."""

    def columns_of(self, cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw cases (as ``decide`` takes them) as the columns ``decide_columns`` takes."""


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
    applicant: ClassVar[str] = "enterprise"
    """Who applies: ``enterprise`` (any business), or a narrower kind the register
    cannot be, such as ``venture_partner`` (ITVF), ``itf_project_holder`` (PSTS, CRS,
    RTH) or ``university_startup`` (TSSSU); only ``enterprise`` schemes are offered
    to an enterprise as fitting it."""
    title_en: ClassVar[str]
    title_zh: ClassVar[str]
    administrator_en: ClassVar[str]
    administrator_zh: ClassVar[str]
    summary_en: ClassVar[str]
    summary_zh: ClassVar[str]
    inputs: ClassVar[type[BaseModel]]
    column_parameters: ClassVar[frozenset[str] | None] = None
    """The parameters ``evaluate_columns`` reads (None: any of the scheme's).

    ``decide_columns`` groups cases only where one of these (or
    ``in_operation``) changes, so declaring them means fewer, larger groups;
    reading an undeclared one raises a RuleError.
    """
    vectorised: ClassVar[str | None] = None
    """The module holding the scheme's formula over columns (its ``FORMULA``), if any.

    Named, not imported: it needs numpy, which deciding one case does not.
    """

    @abstractmethod
    def governing_date(self, case: InputT) -> date:
        """The date whose rules govern the case (e.g. the date received)."""

    @abstractmethod
    def evaluate(self, case: InputT, ev: Evaluation) -> Verdict:
        """Apply the formula, adding reasons to ``ev``."""

    def evaluate_batch(self, cases: Sequence[InputT], ev: Evaluation) -> Batch | None:
        """Optionally, the formula over many cases governed by the same date at once.

        ``ev`` is shared by the batch: its trace becomes every case's trace,
        so an implementation must look up exactly the parameters, in the same
        order, that ``evaluate`` would for each case, and give each case the
        verdict and reasons ``evaluate`` would. Return None (the default) to
        have the engine call ``evaluate`` case by case instead.
        """
        return None

    def takes_columns(self) -> bool:
        """True when the scheme has a vectorised formula (``evaluate_columns``)."""
        return (
            self.vectorised is not None
            or type(self).evaluate_columns is not Scheme.evaluate_columns
        )

    def formula_over_columns(self) -> ColumnFormula:
        """The vectorised formula of ``vectorised``, imported on first use."""
        if self.vectorised is None:
            raise NotImplementedError(f"{self.label} has no vectorised formula")
        formula: ColumnFormula = importlib.import_module(self.vectorised).FORMULA
        return formula

    def check_columns(self, columns: Columns, count: int) -> dict[str, NDArray[Any]]:
        """Cases given as columns, validated and completed (defaults filled in).

        Raises InvalidInputError naming the first bad case. The default takes
        the columns as given: each is one input field, one value per case.
        """
        if self.vectorised is not None:
            return self.formula_over_columns().check_columns(columns, count)
        return dict(columns)

    def column_dates(self, columns: Columns) -> NDArray[np.datetime64]:
        """Each case's governing date, as ``governing_date`` gives it for one case."""
        return self.formula_over_columns().column_dates(columns)

    def evaluate_columns(self, columns: Columns, ev: ColumnEvaluation) -> ColumnVerdict:
        """The formula over cases given as columns, all reading the same parameters.

        Must give each case the outcome, amount, reasons and trace (through its
        branch) that ``evaluate`` gives it. Schemes without one are decided
        case by case (``decide_many``) when given columns.
        """
        return self.formula_over_columns().evaluate_columns(columns, ev)

    def case_row(self, columns: Columns, index: int) -> dict[str, Any]:
        """Case ``index`` of ``columns`` as raw inputs for ``decide`` (canonical form).

        The default reads one value of each column as the input of that name.
        """
        if self.vectorised is not None:
            return self.formula_over_columns().case_row(columns, index)
        return {name: values.item(index) for name, values in columns.items()}

    def columns_of(self, cases: Iterable[Mapping[str, Any]]) -> dict[str, NDArray[Any]]:
        """Raw cases (as ``decide`` takes them) as the columns ``decide_columns`` takes."""
        return self.formula_over_columns().columns_of(cases)

    def title(self, lang: str) -> str:
        """The scheme's full title in ``lang``."""
        return self.title_zh if lang == "zh-Hant" else self.title_en

    def summary(self, lang: str) -> str:
        """One sentence on what the scheme pays for, in ``lang``."""
        return self.summary_zh if lang == "zh-Hant" else self.summary_en
