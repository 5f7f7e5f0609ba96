"""Tables of the SME-centre enquiry desk: enquiries and seminars."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from reind.core.db import Base
from reind.programme.ids import new_id


class EnquiryRow(Base):
    """An enquiry made at one of the four SME centres."""

    __tablename__ = "enquiries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    centre: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    state: Mapped[str] = mapped_column(String(20))
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprises.id"), nullable=True)
    question: Mapped[str] = mapped_column(Text)
    enquirer_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    enquirer_contact: Mapped[str] = mapped_column(String(200), default="", server_default="")
    profile: Mapped[str] = mapped_column(Text, default="{}")
    suggested_schemes: Mapped[str] = mapped_column(Text, default="[]")
    answer_en: Mapped[str] = mapped_column(Text, default="")
    answer_zh: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class SeminarRow(Base):
    """A seminar or workshop held by an SME centre."""

    __tablename__ = "seminars"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    centre: Mapped[str] = mapped_column(String(20), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(300))
    attendees: Mapped[int] = mapped_column(Integer)
