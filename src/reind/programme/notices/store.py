"""The outbox table (one row per e-mail, written in the change's own transaction),
the users' notice preferences, and the register of due dates already notified."""

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
)
from sqlalchemy.orm import Mapped, mapped_column

from reind.core.db import Base
from reind.programme.ids import new_id


class OutboxRow(Base):
    """An e-mail waiting to be sent, sent, or given up on."""

    __tablename__ = "outbox"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    lang: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    about_type: Mapped[str] = mapped_column(String(40))
    about_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10))  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class NoticePreferenceRow(Base):
    """A user's choice for one kind of notice; no row means the notice is sent."""

    __tablename__ = "notice_preferences"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean)


class DueNoticeRow(Base):
    """A due date already notified: unique per kind, subject and date, so it is told once."""

    __tablename__ = "due_notices"
    __table_args__ = (
        UniqueConstraint("kind", "about_type", "about_id", "due_on", name="uq_due_notice_once"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(40))
    about_type: Mapped[str] = mapped_column(String(40))
    about_id: Mapped[str] = mapped_column(String(64))
    due_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recipients: Mapped[int] = mapped_column(Integer)
