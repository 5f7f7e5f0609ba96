"""The read side's one helper: a frozen view of a stored row, field by field.

Each aggregate's ``views.py`` answers the pages' and the API's questions
with frozen dataclasses (cosmicpython's ``views.py``), so ``reind.web``
never sees a table. A view's fields are named as the row's columns, so one
function copies any row into any view and a view can never drift from its
table without failing here.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    V = TypeVar("V", bound=DataclassInstance)
else:
    V = TypeVar("V")


def view_of(cls: type[V], row: object) -> V:
    """``cls`` filled from the attributes of ``row`` that share its fields' names."""
    return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


def column_names(cls: type[V]) -> tuple[str, ...]:
    """The view's field names, in order: the columns a query for it selects."""
    return tuple(f.name for f in fields(cls))


def stored_columns(cls: type[object], table_columns: tuple[str, ...]) -> tuple[str, ...]:
    """The table's columns that ``cls`` (a dataclass of a new record) holds, in table order.

    What a writer that bypasses the ORM inserts: derived from the mapped
    table, so a new column or field cannot be left out of one path only.
    """
    held = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    return tuple(name for name in table_columns if name in held)
