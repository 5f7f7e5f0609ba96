"""Tables of ITVF co-investments and TSSSU start-ups (grants, products, revenue)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from reind.core.db import Base
from reind.programme.ids import new_id


class CoInvestmentPartnerRow(Base):
    """An ITVF co-investment partner (a venture capital fund)."""

    __tablename__ = "itvf_partners"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    signed_on: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class DealRow(Base):
    """One co-investment in a start-up: the Government's and the partner's money."""

    __tablename__ = "itvf_deals"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("itvf_partners.id"), index=True)
    investee: Mapped[str] = mapped_column(String(200), index=True)
    invested_on: Mapped[date] = mapped_column(Date)
    government_cents: Mapped[int] = mapped_column(BigInteger)
    partner_cents: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class StartupGrantRow(Base):
    """A TSSSU start-up funded through a university in one financial year."""

    __tablename__ = "tsssu_startups"
    __table_args__ = (UniqueConstraint("university", "startup", "financial_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    university: Mapped[str] = mapped_column(String(10), index=True)
    startup: Mapped[str] = mapped_column(String(200))
    financial_year: Mapped[int] = mapped_column(Integer, index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)


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
