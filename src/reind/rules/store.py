"""Stored decisions: each kept whole, so it can be recomputed and compared.

The decision document is canonical JSON; amount, outcome and rules version
are also columns so reports can query them without parsing.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from reind.core.clock import utcnow
from reind.core.db import Base
from reind.core.errors import NotFoundError
from reind.rules.decision import Decision, StoredDecision


class DecisionRow(Base):
    """A row of ``rule_decisions`` (created by migration 0001)."""

    __tablename__ = "rule_decisions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    scheme: Mapped[str] = mapped_column(String(32), index=True)
    as_at: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(16))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    rules_version: Mapped[str] = mapped_column(String(64))
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def save_decision(session: Session, decision: Decision) -> str:
    """Store ``decision`` and return its id."""
    row = DecisionRow(
        id=str(uuid.uuid4()),
        scheme=decision.scheme,
        as_at=decision.as_at,
        outcome=decision.outcome.value,
        amount_cents=decision.amount.cents,
        rules_version=decision.rules_version,
        document=decision.dumps(),
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row.id


def load_decision(session: Session, decision_id: str) -> StoredDecision:
    """A stored decision by id, or NotFoundError."""
    row = session.get(DecisionRow, decision_id)
    if row is None:
        raise NotFoundError("no stored decision {decision_id}", decision_id=decision_id)
    return StoredDecision.from_json(json.loads(row.document))
