"""Tables of research records the programme office keeps but does not decide.

R&D tax deduction claims by year of assessment (aggregated from the Inland
Revenue's figures, one row per claimant-year) and ITF R&D projects approved
under programmes whose rules reind does not encode yet. (TSSSU products and
revenue are in ``ventures/store.py``; the register of bulk imports, one row
per batch naming the single audit event that covers it, in ``imports/store.py``.)
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from reind.core.db import Base
from reind.programme.ids import new_id


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
