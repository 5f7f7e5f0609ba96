"""The parity check the columnar formulas of BUD, NIAS, PSTS and RTTP share.

``assert_same_as_decide`` of ``test_columns`` with the scheme's own
``columns_of``: every case of a batch decided as columns is the decision
``decide`` gives it, to the reason and trace, and its columns round-trip.
"""

from datetime import date
from typing import Any

from reind.rules.batch import DecisionBatch
from reind.rules.columns import OUTCOMES, Columns
from reind.rules.engine import Engine


def _row(columns: Columns, i: int) -> dict[str, str]:
    """Row ``i`` as text, leaving out per-category columns (``cost_line:<category>``...)
    holding nothing (-1: no line; 0: no approval); a batch has one for every category."""
    return {
        name: str(values[i])
        for name, values in columns.items()
        if values[i] != (-1 if name.startswith("cost_line:") else 0) or ":" not in name
    }


def decided_alike(
    engine: Engine, scheme: str, raw: list[dict[str, Any]], as_of: date | None = None
) -> DecisionBatch:
    """The batch of ``raw`` decided as columns, each case checked against ``decide``."""
    columns_of = engine.scheme(scheme).columns_of
    batch = engine.decide_columns(scheme, columns_of(raw), as_of)
    assert len(batch) == len(raw)
    for i, case in enumerate(raw):
        canonical = batch.case(i)
        single = engine.decide(scheme, canonical, as_of)
        made = batch[i]
        assert made.dumps() == single.dumps(), (case, made.dumps(), single.dumps())
        assert made.reasons == single.reasons and made.trace == single.trace
        assert batch.trace_of(i) == single.trace
        assert OUTCOMES[batch.outcomes[i]] is single.outcome
        assert int(batch.amount_cents[i]) == single.amount.cents
        # The canonical inputs decide exactly as the case as first given ...
        assert engine.decide(scheme, case, as_of).same_result_as(single)
        # ... and are the same row of columns.
        assert _row(columns_of([canonical]), 0) == _row(batch.columns, i)
    return batch
