"""Shared kernel: money, periods, clock, errors, ids, database.

May import: nothing of reind. Everything else may import this.
"""

from reind.core.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    ReindError,
    RuleError,
)
from reind.core.money import HKD, Money
from reind.core.periods import FinancialYear, YearOfAssessment

__all__ = [
    "HKD",
    "ConflictError",
    "FinancialYear",
    "ForbiddenError",
    "InvalidInputError",
    "Money",
    "NotFoundError",
    "ReindError",
    "RuleError",
    "YearOfAssessment",
]
