"""Tables of vetting committees: members, meetings, conflicts, scores, decisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from reind.core.db import Base
from reind.programme.ids import new_id


class CommitteeRow(Base):
    """A vetting committee for one scheme."""

    __tablename__ = "committees"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    scheme: Mapped[str] = mapped_column(String(32), index=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200))
    quorum: Mapped[int] = mapped_column(Integer, server_default="1")
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class MemberRow(Base):
    """A person's term on a committee."""

    __tablename__ = "committee_members"
    __table_args__ = (UniqueConstraint("committee_id", "person_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    committee_id: Mapped[str] = mapped_column(ForeignKey("committees.id"), index=True)
    person_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[str] = mapped_column(String(30))
    term_from: Mapped[date] = mapped_column(Date)
    term_to: Mapped[date] = mapped_column(Date)


class MeetingRow(Base):
    """A meeting of a committee."""

    __tablename__ = "committee_meetings"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    committee_id: Mapped[str] = mapped_column(ForeignKey("committees.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class AgendaItemRow(Base):
    """An application on a meeting's agenda."""

    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "application_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("committee_meetings.id"), index=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)


class ConflictRow(Base):
    """A member's declared conflict of interest with one application."""

    __tablename__ = "conflict_declarations"
    __table_args__ = (UniqueConstraint("member_id", "application_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("committee_members.id"), index=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    nature: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScoreRow(Base):
    """One member's 0-5 score on one criterion of one application."""

    __tablename__ = "assessment_scores"
    __table_args__ = (UniqueConstraint("member_id", "application_id", "criterion"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("committee_members.id"), index=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    criterion: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    voided: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Set when the member later declares a conflict: kept, shown, never counted."""


class CommitteeDecisionRow(Base):
    """The committee's decision on an application, with reasons and the letter."""

    __tablename__ = "committee_decisions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), unique=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("committee_meetings.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    weighted_score: Mapped[str] = mapped_column(String(20))
    reasons_en: Mapped[str] = mapped_column(Text)
    reasons_zh: Mapped[str] = mapped_column(Text)
    letter_en: Mapped[str] = mapped_column(Text)
    letter_zh: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date] = mapped_column(Date)
