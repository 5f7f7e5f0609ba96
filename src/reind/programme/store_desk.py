"""Tables of the SME-centre enquiry desk, ITVF co-investments, TSSSU and RTTP."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from reind.core.db import Base
from reind.programme.store import new_id


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


class CourseRow(Base):
    """An RTTP course."""

    __tablename__ = "rttp_courses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    fee_cents: Mapped[int] = mapped_column(BigInteger)
    public: Mapped[bool] = mapped_column(Boolean)


class CourseSessionRow(Base):
    """One session (class) of a course."""

    __tablename__ = "rttp_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("rttp_courses.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)


class TraineeRow(Base):
    """A trainee sent by an enterprise."""

    __tablename__ = "rttp_trainees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprises.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    permanent_resident: Mapped[bool] = mapped_column(Boolean)


class EnrolmentRow(Base):
    """A trainee on a course, under an RTTP application."""

    __tablename__ = "rttp_enrolments"
    __table_args__ = (UniqueConstraint("course_id", "trainee_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("rttp_courses.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("rttp_trainees.id"), index=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)


class AttendanceRow(Base):
    """Whether an enrolled trainee attended one session."""

    __tablename__ = "rttp_attendance"
    __table_args__ = (UniqueConstraint("enrolment_id", "session_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("rttp_enrolments.id"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("rttp_sessions.id"), index=True)
    present: Mapped[bool] = mapped_column(Boolean)
