"""Tables for programme records the first store did not hold.

TSSSU start-ups' products and yearly revenue (what the start-ups report
back to their universities), R&D tax deduction claims by year of assessment
(aggregated from the Inland Revenue's figures, one row per claimant-year),
ITF R&D projects approved under programmes whose rules reind does not
encode yet, and the register of bulk imports of historic records: one row
per batch, naming the single audit event that covers the whole batch.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from reind.core.db import Base
from reind.programme.store import new_id


class StartupProductRow(Base):
    """A product or service a TSSSU start-up launched on the market."""

    __tablename__ = "tsssu_products"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    university: Mapped[str] = mapped_column(String(10), index=True)
    startup: Mapped[str] = mapped_column(String(200), index=True)
    name: Mapped[str] = mapped_column(String(200))
    launched_on: Mapped[date] = mapped_column(Date, index=True)


class StartupRevenueRow(Base):
    """Revenue a TSSSU start-up reported for one financial year (integer cents)."""

    __tablename__ = "tsssu_revenues"
    __table_args__ = (UniqueConstraint("university", "startup", "financial_year"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    university: Mapped[str] = mapped_column(String(10), index=True)
    startup: Mapped[str] = mapped_column(String(200))
    financial_year: Mapped[int] = mapped_column(Integer, index=True)
    revenue_cents: Mapped[int] = mapped_column(BigInteger)
    reported_on: Mapped[date] = mapped_column(Date)


class RDTaxClaimRow(Base):
    """One taxpayer's R&D deduction claim for one year of assessment.

    ``basis`` says which law the deduction follows: ``enhanced`` (the
    two-tier regime, computed by the ``rd_tax`` rules with ``rules_version``)
    or ``ordinary`` (the 100% deduction before 1 April 2018, which the rules
    do not encode as a scheme: deduction = expenditure).
    """

    __tablename__ = "rd_tax_claims"
    __table_args__ = (UniqueConstraint("taxpayer", "year_of_assessment"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    taxpayer: Mapped[str] = mapped_column(String(40))
    year_of_assessment: Mapped[int] = mapped_column(Integer, index=True)
    type_a_cents: Mapped[int] = mapped_column(BigInteger)
    type_b_cents: Mapped[int] = mapped_column(BigInteger)
    deduction_cents: Mapped[int] = mapped_column(BigInteger)
    basis: Mapped[str] = mapped_column(String(20))
    rules_version: Mapped[str | None] = mapped_column(String(64), nullable=True)
    assessed_on: Mapped[date] = mapped_column(Date)


class ITFProjectRow(Base):
    """An R&D project the Innovation and Technology Fund approved."""

    __tablename__ = "itf_projects"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    programme: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(300))
    lead: Mapped[str] = mapped_column(String(200))
    approved_on: Mapped[date] = mapped_column(Date, index=True)
    total_cost_cents: Mapped[int] = mapped_column(BigInteger)
    funding_cents: Mapped[int] = mapped_column(BigInteger)
    rules_version: Mapped[str | None] = mapped_column(String(64), nullable=True)


class BulkImportRow(Base):
    """A batch of historic records written at once, covered by one audit event."""

    __tablename__ = "bulk_imports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    tables: Mapped[str] = mapped_column(Text)
    rows: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    rules_version: Mapped[str | None] = mapped_column(String(64), nullable=True)
    audit_seq: Mapped[int] = mapped_column(BigInteger)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
