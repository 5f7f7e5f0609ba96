"""Tables of funded production lines and the baselines applicants declare for them.

``funded_lines`` links a funded application to the line it set up, by plain
identifiers only (the Sparkplug series prefix, names, dates, the planned
run time per unit and the staffing): the programme never imports the
factory, and ``reporting/outcomes.py`` joins the two halves.
``declared_baselines`` holds what the applicant says the work was like
before the line (one row per application; it may come before the link).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from reind.core.db import Base


class FundedLineRow(Base):
    """The production line a funded application set up, and when it was commissioned."""

    __tablename__ = "funded_lines"

    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    series_prefix: Mapped[str] = mapped_column(String(200), index=True)
    line_name_en: Mapped[str] = mapped_column(String(200))
    line_name_zh: Mapped[str] = mapped_column(String(200))
    commissioned_on: Mapped[date] = mapped_column(Date)
    pru_seconds: Mapped[float] = mapped_column(Float)
    operators: Mapped[float] = mapped_column(Float)
    operators_before: Mapped[float | None] = mapped_column(Float, nullable=True)
    linked_by: Mapped[str] = mapped_column(String(64))
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class DeclaredBaselineRow(Base):
    """The applicant's declared figures for the work before the funded line."""

    __tablename__ = "declared_baselines"

    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    throughput_per_hour: Mapped[float | None] = mapped_column(Float, nullable=True)
    oee: Mapped[float | None] = mapped_column(Float, nullable=True)
    labour_hours_per_unit: Mapped[float | None] = mapped_column(Float, nullable=True)
    energy_kwh_per_unit: Mapped[float | None] = mapped_column(Float, nullable=True)
    yield_ratio: Mapped[float | None] = mapped_column(Float, nullable=True)
    basis: Mapped[str] = mapped_column(Text, default="")
    declared_by: Mapped[str] = mapped_column(String(64))
    declared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}
