"""Tables of applications, their cost lines and documents (SQLAlchemy 2 typed models).

Every aggregate root carries a ``version`` column used by SQLAlchemy's
optimistic locking (``version_id_col``): an UPDATE from a stale copy matches
no row and fails with a ConflictError instead of overwriting someone else.
Money is stored as integer cents (``*_cents``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from reind.core.db import Base
from reind.programme.ids import new_id


class ApplicationRow(Base):
    """An application to one scheme, and where it stands in its workflow."""

    __tablename__ = "applications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    scheme: Mapped[str] = mapped_column(String(32), index=True)
    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprises.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(40), index=True)
    received: Mapped[date | None] = mapped_column(Date, nullable=True)
    amount_requested_cents: Mapped[int] = mapped_column(BigInteger)
    facts: Mapped[str] = mapped_column(Text, default="{}")
    screening_decision_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), unique=True, nullable=True)
    request_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    assigned_officer: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The actor id of the officer the case is assigned to (``applications.assignment``)."""

    __mapper_args__ = {"version_id_col": version}
    # "My cases" pages by reference within one officer's cases: one index range, any size.
    __table_args__ = (Index("ix_applications_assigned_officer", "assigned_officer", "reference"),)


class CaseAssessorRow(Base):
    """An assessor assigned to a case: the only cases an assessor reads (``access``)."""

    __tablename__ = "case_assessors"

    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CostLineRow(Base):
    """One line of an application's budget, in one of the scheme's categories."""

    __tablename__ = "cost_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    category: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(300))
    amount_cents: Mapped[int] = mapped_column(BigInteger)


class DocumentRow(Base):
    """A supporting document, kept with its SHA-256 content hash."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("application_id", "sha256"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    claim_id: Mapped[str | None] = mapped_column(ForeignKey("claims.id"), nullable=True)
    """Evidence for this claim (None: a document of the application itself)."""
    report_id: Mapped[int | None] = mapped_column(ForeignKey("progress_reports.id"), nullable=True)
    """Attached to this progress report."""
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
