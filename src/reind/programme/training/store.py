"""Tables of RTTP training: courses, sessions, trainees, enrolments, attendance."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from reind.core.db import Base


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
