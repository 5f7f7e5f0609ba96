"""Tables of agreements, milestones, reports, claims, disbursements and the ledger.

``project_ledgers`` holds one balance row per funded application: the row
that claims and payments lock (``SELECT ... FOR UPDATE`` plus its version
column), so parallel approvals cannot pay out more than was committed.
``ledger_entries`` is the append-only list of money movements behind it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from reind.core.db import Base
from reind.programme.ids import new_id


class AgreementRow(Base):
    """The funding agreement signed for a supported application."""

    __tablename__ = "agreements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), unique=True)
    signed_on: Mapped[date] = mapped_column(Date)
    grant_cents: Mapped[int] = mapped_column(BigInteger)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class MilestoneRow(Base):
    """A milestone of an agreement."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)
    achieved_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class ProgressReportRow(Base):
    """A progress, final or post-completion report under an agreement."""

    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agreement_id: Mapped[str] = mapped_column(ForeignKey("agreements.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    period_end: Mapped[date] = mapped_column(Date)
    submitted_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text)
    submitted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    accepted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    accepted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class LedgerRow(Base):
    """The money position of one application (all amounts integer cents)."""

    __tablename__ = "project_ledgers"

    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprises.id"), index=True)
    scheme: Mapped[str] = mapped_column(String(32), index=True)
    applied_cents: Mapped[int] = mapped_column(BigInteger)
    approved_cents: Mapped[int] = mapped_column(BigInteger)
    committed_cents: Mapped[int] = mapped_column(BigInteger)
    claimed_cents: Mapped[int] = mapped_column(BigInteger)
    claims_approved_cents: Mapped[int] = mapped_column(BigInteger)
    disbursed_cents: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class LedgerEntryRow(Base):
    """One money movement (append-only)."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    movement: Mapped[str] = mapped_column(String(30))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    claim_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ClaimRow(Base):
    """A payment request under an agreement, approved by an officer then finance."""

    __tablename__ = "claims"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(30), index=True)
    submitted_on: Mapped[date] = mapped_column(Date)
    submitted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    enrolment_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    officer_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    finance_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(100), unique=True, nullable=True)
    request_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class DisbursementRow(Base):
    """Money paid against an approved claim."""

    __tablename__ = "disbursements"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claims.id"), unique=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date)
    paid_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
