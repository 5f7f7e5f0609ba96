"""Tables of enterprises, their links and contacts (SQLAlchemy 2 typed models).

Every aggregate root carries a ``version`` column used by SQLAlchemy's
optimistic locking (``version_id_col``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from reind.core.db import Base
from reind.programme.ids import new_id


class EnterpriseRow(Base):
    """An enterprise that applies for funding."""

    __tablename__ = "enterprises"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    br_number: Mapped[str] = mapped_column(String(8), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    incorporation: Mapped[str] = mapped_column(String(16))
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    employees: Mapped[int] = mapped_column(Integer)
    manufacturing: Mapped[bool] = mapped_column(Boolean)
    industry: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class EnterpriseLinkRow(Base):
    """Two enterprises declared connected (counted together for caps)."""

    __tablename__ = "enterprise_links"
    __table_args__ = (UniqueConstraint("enterprise_id", "connected_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprises.id"), index=True)
    connected_id: Mapped[str] = mapped_column(ForeignKey("enterprises.id"), index=True)
    relation: Mapped[str] = mapped_column(String(40))


class ContactRow(Base):
    """A person to contact at an enterprise."""

    __tablename__ = "enterprise_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprises.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
