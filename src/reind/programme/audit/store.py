"""Tables of the audit log: the events and the head of their hash chain.

The head is one row that every writer locks (``SELECT ... FOR UPDATE``) before
appending, so concurrent transactions can never fork the chain; it also holds
the last hash, so deleting the newest events is caught like any other gap.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from reind.core.db import Base

GENESIS = "0" * 64
"""The ``prev_hash`` of the first event."""


class AuditEventRow(Base):
    """One audit event; ``hash`` covers every other column and ``prev_hash``."""

    __tablename__ = "audit_events"
    __table_args__ = (
        # a kind's events in the chain's order, a keyset page a range (migration 0061)
        Index("ix_audit_events_kind_seq", "kind", "seq"),
        Index("ix_audit_events_actor_seq", "actor", "seq"),  # migration 0010
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    recorded_at: Mapped[str] = mapped_column(String(32), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[str] = mapped_column(Text)


class AuditHeadRow(Base):
    """The single row (id 1) naming the last event of the chain."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
